"""Commissioner reviews in the admin: open one, then take each step from its page."""

from __future__ import annotations  # the stubs' generic forms are not subscriptable at run time

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from audits.oversight import services as reviews
from audits.oversight.filtersets import CommissionerReviewFilterSet
from audits.oversight.models import CommissionerReview, ReviewMessage
from audits.register.admin.base import ScopedMixin
from audits.register.admin.filtersets import FilterSetMixin
from audits.register.admin.lifecycle import who_can
from audits.register.admin.site import (
    DashboardPanel,
    QueueItem,
    RecordPanel,
    dashboard_panel_add,
    queue_add,
    record_panel_add,
    record_steps_add,
)
from audits.register.admin.site import Step as SiteStep
from audits.register.models import Deployment, Status
from audits.register.scoping import acting_user, scope

State = CommissionerReview.State
# The steps a second commissioner takes, never the evaluator (two-person rule).
SECOND_PERSON = {"sign_off", "return"}
# step name: (service, its text argument, button label, states it starts from, permission)
Step = tuple[Callable[..., CommissionerReview], str, str, set[str], str]
STEPS: dict[str, Step] = {
    "request": (
        reviews.review_request_information,
        "text",
        "Ask the force for information",
        {State.OPEN, State.ANSWERED, State.RETURNED},
        reviews.CONDUCT,
    ),
    "answer": (
        reviews.review_answer,
        "text",
        "Answer for the force",
        {State.INFORMATION_REQUESTED},
        reviews.ANSWER,
    ),
    "assess": (
        reviews.review_assess,
        "assessment",
        "Write the assessment",
        {State.OPEN, State.ANSWERED, State.RETURNED},
        reviews.CONDUCT,
    ),
    "sign_off": (
        reviews.review_sign_off,
        "opinion",
        "Sign off with an opinion",
        {State.ASSESSED},
        reviews.CONDUCT,
    ),
    "return": (
        reviews.review_return,
        "reason",
        "Return to the evaluator with a reason",
        {State.ASSESSED},
        reviews.CONDUCT,
    ),
}


class OpenReviewForm(forms.ModelForm):
    class Meta:
        model = CommissionerReview
        fields = ["subject", "force", "deployment", "period_start", "period_end"]


MESSAGE_FIELDS = ("written_at", "kind", "author", "text")


class ReviewMessageInline(admin.TabularInline):
    model = ReviewMessage
    fields = MESSAGE_FIELDS
    readonly_fields = MESSAGE_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(CommissionerReview)
class CommissionerReviewAdmin(FilterSetMixin, ScopedMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "force",
        "deployment",
        "state",
        "opened_at",
        "evaluator",
        "validator",
        "signed_at",
    ]
    filterset_class = CommissionerReviewFilterSet  # as /api/v1/commissioner-reviews/ filters
    list_select_related = ["force", "deployment__force", "evaluator", "validator"]
    search_fields = ["subject", "assessment", "opinion"]
    date_hierarchy = "opened_at"
    inlines = [ReviewMessageInline]
    autocomplete_fields = ["deployment"]
    change_form_template = "admin/audits/commissionerreview/change_form.html"
    readonly_fields = [
        "subject",
        "force",
        "deployment",
        "period_start",
        "period_end",
        "state",
        "opened_by",
        "opened_at",
        "evaluator",
        "assessment",
        "assessed_at",
        "validator",
        "opinion",
        "signed_at",
    ]

    def get_form(
        self,
        request: HttpRequest,
        obj: CommissionerReview | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm[CommissionerReview]]:
        if obj is None:
            kwargs["form"] = OpenReviewForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> list[str]:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: models.Model | None = None) -> tuple[str, ...]:
        return tuple(self.readonly_fields if obj is not None else OpenReviewForm.Meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(reviews.CONDUCT)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False  # every change is a step with its own page and ledger event

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def save_model(
        self,
        request: HttpRequest,
        obj: CommissionerReview,
        form: forms.ModelForm[CommissionerReview],
        change: bool,
    ) -> None:
        data = form.cleaned_data
        opened = reviews.review_open(
            user=acting_user(request.user),
            subject=data["subject"],
            deployment=data["deployment"],
            force=data["force"],
            period_start=data["period_start"],
            period_end=data["period_end"],
        )
        obj.pk = opened.pk

    def get_urls(self) -> list[URLPattern]:
        step = self.admin_site.admin_view(partial(step_view, self))
        return [
            path("<int:pk>/step/<str:name>/", step, name="oversight_commissionerreview_step"),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        review = self.get_object(request, object_id)
        steps: list[dict[str, str]] = []
        waiting: list[str] = []
        if review is not None:
            for name, (_, _, label, states, permission) in STEPS.items():
                if review.state not in states or not request.user.has_perm(permission):
                    continue
                if name in SECOND_PERSON and review.evaluator_id == request.user.pk:
                    waiting.append(f"{label}: a commissioner other than you, the evaluator.")
                    continue
                url = reverse("admin:oversight_commissionerreview_step", args=[review.pk, name])
                steps.append({"name": name, "label": label, "url": url})
        extra = {**(extra_context or {}), "steps": steps, "waiting": waiting}
        return super().change_view(request, object_id, form_url, extra)


def step_view(
    model_admin: CommissionerReviewAdmin, request: HttpRequest, pk: int, name: str
) -> HttpResponse:
    if request.method != "POST" or name not in STEPS:
        raise PermissionDenied("Steps are taken with the form on the review's page.")
    review = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    service, argument, label, _, _ = STEPS[name]
    try:
        service(
            user=acting_user(request.user),
            review=review,
            **{argument: request.POST.get("text", "")},
        )
    except (ValidationError, PermissionDenied) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, f"{label}: {text}")
    else:
        messages.success(
            request, f"{label}: done. The review is now '{review.get_state_display()}'."
        )
    return redirect(reverse("admin:oversight_commissionerreview_change", args=[pk]))


def _waiting_panel(request: HttpRequest) -> dict:
    waiting = scope(
        CommissionerReview.objects.filter(state=CommissionerReview.State.INFORMATION_REQUESTED),
        request.user,
    ).select_related("force")
    return {"waiting": [(review, (timezone.now() - review.opened_at).days) for review in waiting]}


dashboard_panel_add(DashboardPanel(20, "admin/audits/dashboard_reviews.html", _waiting_panel))


def _record_reviews(request: HttpRequest, record: models.Model) -> dict[str, Any] | None:
    """A deployment's commissioner reviews, on its page."""
    if not isinstance(record, Deployment):
        return None
    found = scope(CommissionerReview.objects.filter(deployment=record), request.user)
    rows = [
        (review, reverse("admin:oversight_commissionerreview_change", args=[review.pk]))
        for review in found.select_related("evaluator", "validator").order_by("opened_at")
    ]
    return {"reviews": rows}


def _open_review_step(request: HttpRequest, record: models.Model) -> list[SiteStep]:
    """Open a commissioner review of a submitted deployment, from its page."""
    if not isinstance(record, Deployment) or record.status not in (
        Status.SUBMITTED,
        Status.REVIEWED,
    ):
        return []
    query = urlencode({"deployment": record.pk, "force": record.force_id, "subject": str(record)})
    url = f"{reverse('admin:oversight_commissionerreview_add')}?{query}"
    may = request.user.has_perm(reviews.CONDUCT)
    refusal = "" if may else f"{who_can(reviews.CONDUCT, None)} can open a review of it."
    return [SiteStep("Open a commissioner review", url, refusal=refusal)]


def _queue(request: HttpRequest) -> list[QueueItem]:
    """Questions for the force to answer; reviews for a commissioner to assess or sign off
    (not one they assessed themselves: a second commissioner signs off)."""
    user = request.user
    reviews_in_scope = scope(CommissionerReview.objects.all(), user)
    url = reverse("admin:oversight_commissionerreview_changelist")
    items = []
    if user.has_perm(reviews.ANSWER) and not user.has_perm(reviews.CONDUCT):
        asked = reviews_in_scope.filter(state=State.INFORMATION_REQUESTED)
        label = "Questions from a commissioner to answer"
        items.append(QueueItem(label, asked.count(), f"{url}?state={State.INFORMATION_REQUESTED}"))
    if user.has_perm(reviews.CONDUCT):
        to_assess = reviews_in_scope.filter(state__in=[State.OPEN, State.ANSWERED, State.RETURNED])
        items.append(QueueItem("Reviews to assess", to_assess.count(), url))
        to_sign = reviews_in_scope.filter(state=State.ASSESSED).exclude(evaluator=user.pk)
        items.append(
            QueueItem("Reviews to sign off", to_sign.count(), f"{url}?state={State.ASSESSED}")
        )
    return items


queue_add(_queue)
record_panel_add(RecordPanel(40, "admin/audits/record_commissioner_reviews.html", _record_reviews))
record_steps_add(_open_review_step)
