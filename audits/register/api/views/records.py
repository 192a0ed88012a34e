"""The force's records: authorisations, watchlists, deployments, device sessions, alerts,
searches and post-deployment reviews."""

from audits.register import filtersets
from audits.register.api.serializers import alerts, authorisations, deployments, reviews, searches
from audits.register.api.serializers import watchlists as watchlist_serializers
from audits.register.api.views.base import DraftViewSet, RecordViewSet
from audits.register.models import (
    Alert,
    Authorisation,
    Deployment,
    DeviceSession,
    PostDeploymentReview,
    Search,
    Watchlist,
)


class AuthorisationViewSet(RecordViewSet):
    queryset = Authorisation.objects.select_related("force", "created_by")
    output_serializer = authorisations.AuthorisationOutput
    create_input = authorisations.AuthorisationCreateInput
    update_input = authorisations.AuthorisationUpdateInput
    filterset_class = filtersets.AuthorisationFilterSet


class WatchlistViewSet(RecordViewSet):
    queryset = Watchlist.objects.select_related("force", "created_by").prefetch_related(
        "categories__category"
    )
    output_serializer = watchlist_serializers.WatchlistOutput
    create_input = watchlist_serializers.WatchlistCreateInput
    update_input = watchlist_serializers.WatchlistUpdateInput
    filterset_class = filtersets.WatchlistFilterSet


class DeploymentViewSet(RecordViewSet):
    queryset = Deployment.objects.select_related("force", "created_by").prefetch_related(
        "published_rows__publication"
    )
    output_serializer = deployments.DeploymentOutput
    create_input = deployments.DeploymentCreateInput
    update_input = deployments.DeploymentUpdateInput
    filterset_class = filtersets.DeploymentFilterSet


class DeviceSessionViewSet(DraftViewSet):
    """Bodycam sessions: editable while their deployment is a draft."""

    queryset = DeviceSession.objects.select_related("deployment__force")
    output_serializer = deployments.DeviceSessionOutput
    create_input = deployments.DeviceSessionCreateInput
    update_input = deployments.DeviceSessionUpdateInput
    filterset_class = filtersets.DeviceSessionFilterSet


class AlertViewSet(DraftViewSet):
    """Alerts: editable while their deployment is a draft."""

    queryset = Alert.objects.select_related("deployment__force")
    output_serializer = alerts.AlertOutput
    create_input = alerts.AlertCreateInput
    update_input = alerts.AlertUpdateInput
    filterset_class = filtersets.AlertFilterSet


class SearchViewSet(RecordViewSet):
    queryset = Search.objects.select_related("force", "created_by")
    output_serializer = searches.SearchOutput
    create_input = searches.SearchCreateInput
    update_input = searches.SearchUpdateInput
    filterset_class = filtersets.SearchFilterSet


class PostDeploymentReviewViewSet(RecordViewSet):
    queryset = PostDeploymentReview.objects.select_related("deployment__force", "created_by")
    output_serializer = reviews.ReviewOutput
    create_input = reviews.ReviewCreateInput
    update_input = reviews.ReviewUpdateInput
    filterset_class = filtersets.PostDeploymentReviewFilterSet
