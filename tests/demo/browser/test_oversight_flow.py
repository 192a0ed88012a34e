"""The whole story in a real browser: a recorder records a deployment that breaks its force's
policy and submits it from its page; the force's reviewer amends it from its page; a
commissioner finds it among the deployments with open findings in its year and opens a review
from the record's page; the force's reviewer finds the question waiting on their admin index
(and in their email) and answers; the commissioner assesses and a second commissioner, to whom
the assessment is sent, signs off; the public page shows the deployment.

axe-core (WCAG 2.2 A and AA) runs on every page the test visits: no critical or serious
violation on the admin's pages, none at all on the public one. Screenshots of each step are
saved in artifacts/e2e/.
"""

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core import mail

from audits.ledger.models import LedgerEvent
from audits.oversight.models import CommissionerReview
from audits.register.models import Amendment, Deployment, Status
from tests import personas
from tests.demo.browser.conftest import assert_accessible, browser_code, enrol_for_browser

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed in this environment"
)
Page, expect = sync_api.Page, sync_api.expect
NewPage = Callable[[], Page]

PASSWORD = "persona-password-1"  # the one tests/personas.py gives everyone
DEPLOYMENT = "E2E-D-0001"
PLACE = "Playwright Plaza"
# The records as the autocomplete widgets list them (their str()).
AUTHORISATION_LABEL = "NMP E2E-AUTH-1 (2025-11-16)"
WATCHLIST_LABEL = "NMP watchlist E2E-WL-1 (4,200 images)"
DEPLOYMENT_LABEL = f"NMP, {PLACE}, 2025-11-18"


@pytest.fixture
def people(db) -> dict[str, AbstractBaseUser]:
    found = {
        "recorder": personas.recorder("NMP"),
        "officer": personas.officer("NMP"),
        "force_reviewer": personas.reviewer("NMP"),
        "evaluator": personas.commissioner("e2e-evaluator"),
        "validator": personas.commissioner("e2e-validator"),
    }
    for user in found.values():
        enrol_for_browser(user)
    return found


@pytest.mark.e2e
def test_a_breach_is_recorded_reviewed_signed_off_and_published(
    chromium, screenshot, people, live_site
):
    mail.outbox.clear()
    with chromium() as new_page:
        record_and_submit(new_page, live_site, people, screenshot)
        amend_from_its_page(new_page, live_site, people["force_reviewer"], screenshot)
        review = see_the_finding_and_ask_the_force(
            new_page, live_site, people["evaluator"], screenshot
        )
        to_reviewer = [m for m in mail.outbox if people["force_reviewer"].email in m.to]
        asked = [m for m in to_reviewer if "asks" in m.subject]
        assert [m.subject for m in asked] == ["[FRT register] A commissioner asks NMP a question"]
        # ... and the records submitted earlier, each waiting for them to mark it reviewed.
        assert f"[FRT register] Submitted, to review: {DEPLOYMENT_LABEL}" in [
            m.subject for m in to_reviewer
        ]
        assert review in asked[0].body  # the link to the review's page
        answer_for_the_force(new_page, live_site, review, people["force_reviewer"], screenshot)
        assess_and_sign_off(new_page, live_site, review, people, screenshot)
        see_it_published(new_page, live_site, screenshot)
    told = {address for m in mail.outbox if "sign-off" in m.subject for address in m.to}
    assert people["validator"].email in told and people["evaluator"].email not in told

    # Playwright has stopped, so the ORM may be used again.
    review = CommissionerReview.objects.get(deployment__reference=DEPLOYMENT)
    recorded = Deployment.objects.get(reference=DEPLOYMENT)
    assert (recorded.status, recorded.arrests) == (Status.SUBMITTED, 2)  # amended from 1
    assert (review.state, review.evaluator, review.validator) == (
        CommissionerReview.State.SIGNED_OFF,
        people["evaluator"],
        people["validator"],
    )
    steps = LedgerEvent.objects.filter(object_type="commissionerreview", object_id=str(review.pk))
    assert steps.count() == 5  # opened, information requested, answered, assessed, signed off
    amendment = Amendment.objects.get(object_id=recorded.pk, field="arrests")
    assert (amendment.old_value, amendment.new_value, amendment.amended_by) == (
        1,
        2,
        people["force_reviewer"],
    )


# -- the people, step by step


def record_and_submit(new_page: NewPage, site: str, people, screenshot) -> None:
    page = log_in(new_page, site, people["recorder"])
    screenshot(page, "recorder-login")

    page.goto(f"{site}/admin/register/authorisation/add/")
    choose(page, "force", "NMP", "NMP")
    page.locator("#id_ao_rank").select_option(label="Superintendent")
    fill(
        page,
        {
            "reference": "E2E-AUTH-1",
            "ao_identifier": "NMP 2307",
            "authorised_at": "2025-11-16 10:00",
            "valid_from": "2025-11-18 08:00",
            "valid_to": "2025-11-18 20:00",
            "legal_basis": "Common law policing powers; DPA 2018 Part 3",
            "dpia_reference": "DPIA-LFR-2025",
            "equality_impact_reference": "EIA-LFR-2025",
            "policy_document_reference": "APD-LFR-2025",
            "public_notice_at": "2025-11-17 09:00",
            "public_notice_method": "Force website and social media",
        },
    )
    screenshot(page, "authorisation-form")
    save(page)
    approve_authorisation(new_page, site, people["officer"])

    page.goto(f"{site}/admin/register/watchlist/add/")
    choose(page, "force", "NMP", "NMP")
    fill(
        page,
        {
            "reference": "E2E-WL-1",
            "compiled_at": "2025-11-17 09:00",
            "approved_by": "NMP 2307",
            "reviewed_at": "2025-11-17 15:00",
            "reviewed_by": "NMP 1182",
            "size": "4200",
            "image_sources": "custody images",
        },
    )
    screenshot(page, "watchlist-form")
    save(page)

    # The breach: a threshold of 0.55, below the force's minimum of 0.60.
    page.goto(f"{site}/admin/register/deployment/add/")
    choose(page, "force", "NMP", "NMP")
    choose(page, "authorisation", "E2E-AUTH-1", AUTHORISATION_LABEL)
    choose(page, "watchlist", "E2E-WL-1", WATCHLIST_LABEL)
    fill(
        page,
        {
            "reference": DEPLOYMENT,
            "location_name": PLACE,
            "borough": "Central",
            "date": "2025-11-18",
            "threshold": "0.55",
            "faces_seen": "5000",
            "total_alerts": "1",
            "true_confirmed": "1",
            "true_unconfirmed": "0",
            "false_confirmed": "0",
            "false_unconfirmed": "0",
            "arrests": "1",
        },
    )
    page.locator("#alerts-group .add-row a").click()
    fill(
        page,
        {
            "alerts-0-occurred_at": "2025-11-18 11:30",
            "alerts-0-score": "0.71",
            "alerts-0-threshold": "0.55",
        },
    )
    page.locator("#id_alerts-0-kind").select_option(label="True alert, confirmed")
    page.locator("#id_alerts-0-engaged").check()
    screenshot(page, "deployment-form")
    save(page)

    search(page, DEPLOYMENT)
    row = page.locator("#result_list tbody tr", has_text=DEPLOYMENT)
    expect(row).to_contain_text("Draft")
    row.get_by_role("link").first.click()
    seen(page, screenshot, "deployment-draft-page")
    page.get_by_role("button", name="Submit (locks it)").click()
    expect(page.locator(".messagelist .success")).to_contain_text(f"Submitted: {DEPLOYMENT_LABEL}.")
    expect(page.locator(".form-row.field-status, .field-status").first).to_contain_text("Submitted")
    seen(page, screenshot, "deployment-submitted")
    page.context.close()


def amend_from_its_page(new_page: NewPage, site: str, reviewer, screenshot) -> None:
    """The force's reviewer corrects the arrests (a late arrest), with a reason."""
    page = log_in(new_page, site, reviewer)
    goto(page, f"{site}/admin/register/deployment/")
    search(page, DEPLOYMENT)
    page.locator("#result_list tbody tr", has_text=DEPLOYMENT).get_by_role("link").first.click()
    seen(page, screenshot, "reviewer-record-page")
    page.get_by_role("link", name="Amend (with a reason)").click()
    seen(page, screenshot, "amend-form")
    page.locator("#id_arrests").fill("2")
    page.locator("#id_reason").fill("A second arrest was recorded by custody the next day.")
    page.get_by_role("button", name="Amend").click()
    expect(page.locator(".messagelist")).to_contain_text("Amended arrests")
    expect(page.locator("#amendments")).to_contain_text("recorded by custody the next day")
    seen(page, screenshot, "amended")
    page.context.close()


def see_the_finding_and_ask_the_force(new_page: NewPage, site: str, commissioner, screenshot):
    """Returns the path of the review the commissioner opens."""
    page = log_in(new_page, site, commissioner)
    page.goto(f"{site}/admin/reporting/dashboard/")
    expect(page.locator("#findings-queue")).to_be_visible()
    expect(page.locator(".dash-charts img")).to_have_count(4)
    screenshot(page, "commissioner-dashboard")

    page.get_by_role("link", name="The whole queue").click()
    search(page, PLACE)
    finding = page.locator("#result_list tbody tr", has_text="threshold-minimum")
    expect(finding).to_contain_text(DEPLOYMENT_LABEL)
    expect(finding).to_contain_text(re.compile(r"Threshold 0\.55\d* is below the policy minimum"))
    seen(page, screenshot, "commissioner-finding")

    # Which deployments of 2025 broke policy: those with open findings, by their own year.
    goto(page, f"{site}/admin/register/deployment/?open_findings=true&year=2025&q={PLACE}")
    expect(page.locator("#result_list tbody tr", has_text=DEPLOYMENT)).to_have_count(1)
    seen(page, screenshot, "deployments-with-open-findings")
    goto(page, f"{site}/admin/register/deployment/?open_findings=true&year=2024&q={PLACE}")
    expect(page.locator("#result_list tbody tr", has_text=DEPLOYMENT)).to_have_count(0)
    goto(page, f"{site}/admin/register/deployment/?open_findings=true&year=2025&q={PLACE}")
    page.locator("#result_list tbody tr", has_text=DEPLOYMENT).get_by_role("link").first.click()
    expect(page.locator("#findings")).to_contain_text("threshold-minimum")
    seen(page, screenshot, "commissioner-record-page")

    page.get_by_role("link", name="Open a commissioner review").click()
    seen(page, screenshot, "review-form")
    page.locator("#id_subject").fill(f"Deployment {DEPLOYMENT}: threshold below the minimum")
    save(page)
    page.locator("#result_list tbody tr", has_text=DEPLOYMENT).get_by_role("link").first.click()
    expect(page.locator(".field-state")).to_contain_text("Open")
    seen(page, screenshot, "review-opened")

    take_step(page, "request", "Why was the threshold set at 0.55? Send the operator's log.")
    expect(page.locator(".field-state")).to_contain_text("Information requested from the force")
    seen(page, screenshot, "information-requested")
    review = page.url.removeprefix(site)
    page.context.close()
    return review


def answer_for_the_force(new_page: NewPage, site: str, review: str, reviewer, screenshot):
    page = log_in(new_page, site, reviewer)
    queue = page.locator("#queue")
    expect(queue).to_contain_text("Questions from a commissioner to answer")
    seen(page, screenshot, "reviewer-queue")
    queue.get_by_role("link", name="Questions from a commissioner to answer").click()
    page.locator("#result_list tbody tr", has_text=DEPLOYMENT).get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(site + review)}(\?|$)"))
    seen(page, screenshot, "question-to-answer")
    take_step(page, "answer", "The operator lowered it in error; retraining is booked.")
    expect(page.locator(".field-state")).to_contain_text("Force answered")
    expect(page.locator("#messages-group")).to_contain_text("retraining is booked")
    seen(page, screenshot, "force-answered")
    page.context.close()


def assess_and_sign_off(new_page: NewPage, site: str, review: str, people, screenshot) -> None:
    page = log_in(new_page, site, people["evaluator"])
    goto(page, f"{site}{review}")
    take_step(page, "assess", "A breach of the force's policy; the explanation is credible.")
    expect(page.locator(".field-state")).to_contain_text("Assessed, awaiting sign-off")
    # The evaluator is not offered the sign-off: a second commissioner gives it.
    expect(page.locator("form.review-step[data-step=sign_off]")).to_have_count(0)
    seen(page, screenshot, "assessment-written")
    page.context.close()

    page = log_in(new_page, site, people["validator"])
    queue = page.locator("#queue")
    expect(queue).to_contain_text("Reviews to sign off")
    seen(page, screenshot, "validator-queue")
    goto(page, f"{site}{review}")
    take_step(page, "sign_off", "Agree: breach confirmed, remedy adequate.")
    expect(page.locator(".field-state")).to_contain_text("Signed off")
    expect(page.get_by_text("this review is locked")).to_be_visible()
    expect(page.locator("form.review-step")).to_have_count(0)
    seen(page, screenshot, "review-signed-off")
    page.context.close()


def see_it_published(new_page: NewPage, site: str, screenshot) -> None:
    page = new_page()  # nobody logged in
    page.goto(f"{site}/transparency/NMP/")
    assert_accessible(page, public=True)
    row = page.locator("#deployments tbody tr", has_text=DEPLOYMENT)
    expect(row).to_contain_text(PLACE)
    expect(row).to_contain_text("0.55")
    row.scroll_into_view_if_needed()
    screenshot(page, "public-page", full_page=False)  # the whole table is a long page
    page.context.close()


# -- what a person does on an admin page


def goto(page: Page, url: str) -> None:
    """Open a page and check it with axe-core."""
    page.goto(url)
    assert_accessible(page)


def seen(page: Page, screenshot, name: str) -> None:
    """The page as it stands passes axe-core; then its screenshot."""
    assert_accessible(page)
    screenshot(page, name)


def approve_authorisation(new_page: NewPage, site: str, officer) -> None:
    """The authorising officer approves (submits) it: a deployment is submitted only under an
    approved authorisation."""
    page = log_in(new_page, site, officer)
    page.goto(f"{site}/admin/register/authorisation/")
    search(page, "E2E-AUTH-1")
    row = page.locator("#result_list tbody tr", has_text="E2E-AUTH-1")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="Submit selected drafts (locks them)")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist .success")).to_contain_text("1 record(s) submitted.")
    page.context.close()


def log_in(new_page: NewPage, site: str, user: AbstractBaseUser) -> Page:
    page = new_page()
    goto(page, f"{site}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#id_otp_token")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_otp_token").fill(browser_code(user.get_username()))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#user-tools")).to_contain_text(user.get_username())
    assert_accessible(page)  # the admin index, with the user's queue
    return page


def fill(page: Page, values: dict[str, str]) -> None:
    """Type into form fields by name; a date-time field (one datetime-local input) takes
    "YYYY-MM-DD HH:MM"."""
    for name, value in values.items():
        field = page.locator(f"#id_{name}")
        if field.get_attribute("type") == "datetime-local":
            value = value.replace(" ", "T")
        field.fill(value)


def choose(page: Page, name: str, search: str, label: str) -> None:
    """Pick in an autocomplete (select2) field: open it, type, click the option the server sends."""
    page.locator(f"#id_{name} + .select2 .select2-selection").click()
    dropdown = page.locator(".select2-container--open")
    dropdown.locator(".select2-search__field").fill(search)
    dropdown.get_by_role("option", name=label, exact=True).click()
    expect(page.locator(f"#select2-id_{name}-container")).to_contain_text(label)


def search(page: Page, text: str) -> None:
    """Search a list page, and wait for the list that answers."""
    page.locator("#searchbar").fill(text)
    page.locator("#searchbar").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q="))


def save(page: Page) -> None:
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")


def take_step(page: Page, step: str, text: str) -> None:
    """One step of a commissioner review, with the form the review's page shows for it."""
    form = page.locator(f"form.review-step[data-step={step}]")
    expect(form, f"a form of its own for the step '{step}' on the review's page").to_have_count(1)
    form.locator("textarea[name=text]").fill(text)
    button = form.locator(f"input[type=submit][name={step}]")
    label = button.get_attribute("value")
    button.click()
    expect(page.locator(".messagelist .success")).to_contain_text(f"{label}: done.")
