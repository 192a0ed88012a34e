"""Sign-in in a real browser: enrol an authenticator app, sign out, sign in with password and
code; and every admin list, the public pages and the API docs load with no CSP violation (the
`chromium` fixture fails the test on any)."""

import base64
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import totp

from tests.demo.browser.conftest import browser_code, enrol_for_browser

sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
expect = sync_api.expect

PASSWORD = "a-long-enough-password-1"
# Pages whose scripts fetch more once loaded.
SCRIPTED = {"/api/docs/"}


def sign_in(page, site: str, username: str) -> None:
    page.goto(f"{site}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.e2e
def test_enrol_totp_sign_out_and_sign_in_with_the_code(chromium, screenshot, live_site):
    get_user_model().objects.create_user("e2e-staff", password=PASSWORD, is_staff=True)
    with chromium() as new_page:
        page = new_page()
        sign_in(page, live_site, "e2e-staff")
        expect(page).to_have_url(re.compile(r"/admin/two-factor/\?next="))
        screenshot(page, "enrol")
        secret = page.locator("#totp-secret").inner_text()
        key = base64.b32decode(secret)
        page.get_by_label("Authentication code").fill(f"{totp(key):06d}")
        page.get_by_role("button", name="Enrol").click()
        expect(page.locator("#recovery-codes li")).to_have_count(10)
        page.goto(f"{live_site}/admin/")
        expect(page.locator("#user-tools")).to_contain_text("e2e-staff")
        page.get_by_role("button", name="Log out").click()

        sign_in(page, live_site, "e2e-staff")
        expect(page).to_have_url(re.compile(r"/admin/two-factor/verify/"))
        # The enrolment used this step's code; django-otp accepts the next step's, once.
        page.get_by_label("Authentication code").fill(f"{totp(key, drift=1):06d}")
        page.get_by_role("button", name="Verify").click()
        expect(page.locator("#user-tools")).to_contain_text("e2e-staff")
        expect(page.locator("h1")).to_contain_text("Records, reviews and the ledger")


@pytest.mark.e2e
def test_every_admin_list_public_page_and_api_doc_loads_without_a_csp_violation(
    chromium, live_site
):
    boss = get_user_model().objects.create_superuser("e2e-boss", "b@example.org", PASSWORD)
    enrol_for_browser(boss)
    lists = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    pages = [
        *lists,
        "/admin/",
        "/admin/two-factor/",
        "/admin/reporting/dashboard/",
        "/admin/reporting/report/",
        "/transparency/",
        "/transparency/NMP/",
        "/api/docs/",
    ]
    with chromium() as new_page:
        page = new_page()
        sign_in(page, live_site, "e2e-boss")
        page.get_by_label("Authentication code").fill(browser_code("e2e-boss"))
        page.get_by_role("button", name="Verify").click()
        expect(page.locator("#user-tools")).to_contain_text("e2e-boss")
        for path in pages:
            # "load" has every resource of the page fetched (or refused); only the API docs
            # fetch more afterwards (Swagger UI reads the schema), so only they wait for the
            # network to fall idle (networkidle waits half a second on every page).
            settled = "networkidle" if path in SCRIPTED else "load"
            response = page.goto(f"{live_site}{path}", wait_until=settled)
            assert response.status == 200, path
