"""Every admin page a recorder, officer, reviewer or commissioner uses passes axe-core (WCAG 2.2
A and AA) with no critical or serious violation, and every public page with none at all: run in
Debian's Chromium on the demo, with axe-core as the axe-playwright-python package bundles it.
"""

import pytest
from django.urls import reverse

from audits.compliance.models import Finding
from audits.oversight.models import CommissionerReview
from audits.oversight.services import review_open
from audits.register.models import Authorisation, Deployment, Search, Status, Watchlist
from tests import personas
from tests.demo.browser.conftest import assert_accessible, browser_code, enrol_for_browser

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed in this environment"
)
PASSWORD = "persona-password-1"


def change(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def step(obj, name: str) -> str:
    return reverse(f"admin:register_{obj._meta.model_name}_{name}", args=[obj.pk])


def first(model, **where):
    found = model.objects.filter(**where).order_by("pk").first()
    assert found is not None, f"the demo has no {model.__name__} {where}"
    return found


def pages_of_each_role() -> dict[str, tuple[object, list[str]]]:
    """(user, the pages they use) for each role, made before the browser starts."""
    draft = first(Deployment, force__code="NMP", status=Status.DRAFT)
    submitted = first(Deployment, force__code="NMP", status=Status.SUBMITTED)
    bodycam = first(Deployment, force__code="WSP", status=Status.SUBMITTED)
    authorisation = first(Authorisation, force__code="NMP", status=Status.DRAFT)
    watchlist = first(Watchlist, force__code="NMP", status=Status.SUBMITTED)
    search = first(Search, force__code="NMP", status=Status.SUBMITTED)
    commissioner = personas.commissioner("axe-commissioner")
    review = review_open(user=commissioner, subject="Axe review", deployment=submitted)
    finding = first(Finding, force__code="NMP")
    lists = [
        reverse(f"admin:register_{name}_changelist")
        for name in ("deployment", "authorisation", "watchlist", "search", "alert")
    ]
    return {
        "recorder": (
            personas.recorder("NMP"),
            [
                reverse("admin:index"),
                *lists,
                reverse("admin:register_deployment_add"),
                change(draft),
                step(draft, "submit"),
                change(submitted),
                reverse("admin:register_watchlist_add"),
                reverse("admin:register_search_add"),
                reverse("admin:register_deployment_import"),
            ],
        ),
        "officer": (
            personas.officer("NMP"),
            [reverse("admin:index"), change(authorisation), step(authorisation, "submit")],
        ),
        "reviewer": (
            personas.reviewer("NMP"),
            [
                reverse("admin:index"),
                change(submitted),
                step(submitted, "amend"),
                step(submitted, "withdraw"),
                change(watchlist),
                step(watchlist, "amend"),
                change(search),
                step(search, "amend"),
                change(review),
                reverse("admin:register_postdeploymentreview_add") + f"?deployment={submitted.pk}",
            ],
        ),
        "commissioner": (
            commissioner,
            [
                reverse("admin:index"),
                reverse("admin:reporting_dashboard"),
                reverse("admin:reporting_report") + "?group_by=year",
                reverse("admin:compliance_finding_changelist"),
                change(finding),
                change(bodycam),
                reverse("admin:oversight_commissionerreview_add") + f"?deployment={submitted.pk}",
                change(review),
                reverse("admin:oversight_commissionerreview_changelist"),
            ],
        ),
    }


@pytest.mark.e2e
def test_every_page_each_role_uses_passes_axe(chromium, live_site):
    roles = pages_of_each_role()
    for user, _ in roles.values():
        enrol_for_browser(user)
    assert CommissionerReview.objects.exists()
    failures = []
    with chromium() as new_page:
        public = new_page()
        for path in ("/transparency/", "/transparency/NMP/", "/transparency/WSP/"):
            public.goto(f"{live_site}{path}")
            check(failures, public, public=True)
        for user, paths in roles.values():
            page = log_in(new_page(), live_site, user)
            for path in paths:
                response = page.goto(f"{live_site}{path}")
                assert response is not None and response.status == 200, (user, path)
                check(failures, page)
        # The alert rows of a draft fit a 1366 px screen, without scrolling sideways.
        page = log_in(new_page(), live_site, roles["recorder"][0])
        page.set_viewport_size({"width": 1366, "height": 768})
        page.goto(f"{live_site}{roles['recorder'][1][7]}")  # the draft deployment's page
        table = page.locator("#alerts-group table")
        sync_api.expect(table).to_be_visible()
        right = table.evaluate("element => element.getBoundingClientRect().right")
        assert right <= 1366, f"the alert rows are {right:.0f} px wide"
    assert not failures, "\n".join(failures)


def check(failures: list[str], page, *, public: bool = False) -> None:
    """Keeps the page's violations and goes on, so that one run lists every page's."""
    try:
        assert_accessible(page, public=public)
    except AssertionError as error:
        failures.append(str(error))


def log_in(page, site: str, user):
    page.goto(f"{site}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.locator("#id_otp_token").fill(browser_code(user.get_username()))
    page.get_by_role("button", name="Verify").click()
    sync_api.expect(page.locator("#user-tools")).to_contain_text(user.get_username())
    return page
