"""/api/v1/: every entity of the register and of the commissioners' oversight, reports and
batches."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from audits.accounts.api.views import TokenView
from audits.compliance.api import views as compliance
from audits.oversight.api import views as commissioner
from audits.register.api.views import history, nested, records, reference
from audits.register.api.views.batches import (
    AlertBatchView,
    DeviceSessionBatchView,
    SearchBatchView,
)
from audits.reporting.api.views import ReportView

router = DefaultRouter()
router.register("forces", reference.ForceViewSet, basename="force")
router.register("systems", reference.SystemViewSet, basename="system")
router.register("use-cases", reference.UseCaseViewSet, basename="use-case")
router.register(
    "watchlist-categories", reference.WatchlistCategoryViewSet, basename="watchlist-category"
)
router.register("offence-types", reference.OffenceTypeViewSet, basename="offence-type")
router.register("outcomes", reference.OutcomeViewSet, basename="outcome")
router.register("authorisations", records.AuthorisationViewSet, basename="authorisation")
router.register("watchlists", records.WatchlistViewSet, basename="watchlist")
router.register("deployments", records.DeploymentViewSet, basename="deployment")
router.register("device-sessions", records.DeviceSessionViewSet, basename="device-session")
router.register("alerts", records.AlertViewSet, basename="alert")
router.register("searches", records.SearchViewSet, basename="search")
router.register("post-deployment-reviews", records.PostDeploymentReviewViewSet, basename="review")
router.register("policy-profiles", compliance.PolicyProfileViewSet, basename="policy-profile")
router.register("rules", compliance.RuleViewSet, basename="rule")
router.register("findings", compliance.FindingViewSet, basename="finding")
router.register(
    "commissioner-reviews", commissioner.CommissionerReviewViewSet, basename="commissioner-review"
)
router.register("amendments", history.AmendmentViewSet, basename="amendment")
router.register("ledger-events", history.LedgerEventViewSet, basename="ledger-event")

category_list = nested.WatchlistCategoryViewSet.as_view({"get": "list", "post": "create"})
category_detail = nested.WatchlistCategoryViewSet.as_view(
    {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
)
faces_seen = nested.FacesSeenViewSet.as_view({"get": "list", "post": "create"})

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("reports/", ReportView.as_view(), name="report"),
    path("batches/alerts/", AlertBatchView.as_view(), name="batch-alerts"),
    path("batches/searches/", SearchBatchView.as_view(), name="batch-searches"),
    path(
        "batches/device-sessions/",
        DeviceSessionBatchView.as_view(),
        name="batch-device-sessions",
    ),
    path(
        "watchlists/<int:watchlist_pk>/categories/",
        category_list,
        name="watchlist-category-count-list",
    ),
    path(
        "watchlists/<int:watchlist_pk>/categories/<int:pk>/",
        category_detail,
        name="watchlist-category-count-detail",
    ),
    path("deployments/<int:deployment_pk>/faces-seen/", faces_seen, name="faces-seen-list"),
    path("", include(router.urls)),
]
