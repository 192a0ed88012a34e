"""Parts of a record under their parent's URL: a watchlist's category counts, a deployment's
faces-seen revisions. The parent is looked up in the caller's scope first (404 otherwise)."""

from typing import Any, Generic, TypeVar

from django.db import models
from rest_framework import status
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from audits.register.api.serializers import deployments, watchlists
from audits.register.api.views.base import DraftViewSet, ReadViewSet, SchemaEntry, ScopedViewSet
from audits.register.models import Deployment, FacesSeenRevision, Watchlist, WatchlistCategoryCount
from audits.register.scoping import acting_user, scope
from audits.register.services.deployments import deployment_revise_faces_seen

Parent = TypeVar("Parent", bound=models.Model)


class NestedMixin(ScopedViewSet, Generic[Parent]):
    parent_model: type[Parent]
    parent_kwarg: str
    parent_field: str
    pagination_class = None  # a handful of rows per parent
    _parent: Parent

    def get_parent(self) -> Parent:
        if not hasattr(self, "_parent"):
            parents = scope(self.parent_model._default_manager.all(), self.request.user)
            self._parent = get_object_or_404(parents, pk=self.kwargs[self.parent_kwarg])
        return self._parent

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(**{self.parent_field: self.get_parent()})

    def new_instance(self, data: dict[str, Any]) -> models.Model:
        return self.queryset.model(**{self.parent_field: self.get_parent()}, **data)


class WatchlistCategoryViewSet(NestedMixin[Watchlist], DraftViewSet):
    """Counts per watchlist category (aggregates only): editable while the watchlist is a draft."""

    queryset = WatchlistCategoryCount.objects.select_related("category")
    output_serializer = watchlists.CategoryCountOutput
    create_input = watchlists.CategoryCountCreateInput
    update_input = watchlists.CategoryCountUpdateInput
    parent_model = Watchlist
    parent_kwarg = "watchlist_pk"
    parent_field = "watchlist"


class FacesSeenViewSet(NestedMixin[Deployment], ReadViewSet):
    """Every published faces-seen estimate of a deployment; a new one never erases the old."""

    queryset = FacesSeenRevision.objects.all()
    output_serializer = deployments.FacesSeenRevisionOutput
    parent_model = Deployment
    parent_kwarg = "deployment_pk"
    parent_field = "deployment"
    # A draft takes a new estimate by an edit (recorder), a submitted deployment by an amendment
    # (reviewer): the service checks which, so the view asks only that the caller may read.
    action_verbs = {"create": "view"}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.read_input(deployments.FacesSeenRevisionInput)
        revision = deployment_revise_faces_seen(
            user=acting_user(request.user), deployment=self.get_parent(), **data
        )
        return self.output(revision, status.HTTP_201_CREATED)

    def schema_for(self, action_name: str) -> SchemaEntry | None:
        if action_name == "create":
            return deployments.FacesSeenRevisionInput, {201: self.output_serializer}
        return super().schema_for(action_name)
