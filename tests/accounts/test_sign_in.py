"""Sign-in: the second factor gates every admin page and API operation (MFA_REQUIRED, as in
production), recovery codes work once, the client address ignores X-Forwarded-For from anyone
but a trusted proxy, and every page carries a CSP and a Permissions-Policy."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from audits.accounts.client_address import client_address
from audits.accounts.mfa import OPEN_ADMIN_PAGES
from audits.ledger.models import LedgerEvent
from tests import personas
from tests.labels import MODEL_APPS

pytestmark = pytest.mark.django_db
PASSWORD = "persona-password-1"


@pytest.fixture
def boss():
    return get_user_model().objects.create_superuser("boss-test", "b@example.org", PASSWORD)


def admin_url_names() -> list[tuple[str, set[str]]]:
    """Every named admin URL with the names of its path parameters."""
    found = []

    def walk(patterns, groups: set[str]):
        for entry in patterns:
            inner = groups | set(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                found.append((entry.name, inner))

    admin_resolver = next(
        entry
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and entry.namespace == "admin"
    )
    walk(admin_resolver.url_patterns, set())
    return found


def admin_urls(pk: int) -> list[tuple[str, str]]:
    urls = []
    for name, groups in admin_url_names():
        for app_label in (*MODEL_APPS, "auth"):
            kwargs = {key: app_label if key == "app_label" else str(pk) for key in groups}
            try:
                urls.append((name, reverse(f"admin:{name}", kwargs=kwargs)))
                break
            except NoReverseMatch:
                continue
    return urls


def test_an_unverified_staff_session_reaches_no_admin_page(client, boss):
    client.force_login(boss)
    walked = 0
    for name, url in admin_urls(boss.pk):
        response = client.get(url)
        if name in OPEN_ADMIN_PAGES:
            continue
        walked += 1
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith("/admin/two-factor/"), url
    assert walked > 100  # every model's list, add, change, history, delete and the extra pages


def test_with_a_device_the_admin_sends_an_unverified_session_to_verification(client, boss):
    personas.enrolled(boss)
    client.force_login(boss)
    response = client.get("/admin/register/deployment/")
    assert response.status_code == 302
    assert (
        response["Location"] == "/admin/two-factor/verify/?next=%2Fadmin%2Fregister%2Fdeployment%2F"
    )
    personas.login(client, boss)
    assert client.get("/admin/register/deployment/").status_code == 200


def schema_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, re.sub(r"\{[^}]+\}", "1", path)


def test_an_unverified_staff_session_gets_no_api_operation(boss):
    client = APIClient()
    client.force_login(boss)
    answered = {}
    for method, path in schema_operations():
        response = getattr(client, method)(path, {}, format="json")
        answered[(method, path)] = response.status_code
    token_post = answered.pop(("post", "/api/v1/auth/token/"))
    assert token_post == 400  # signing in: it asks for username and password
    assert len(answered) > 50
    assert {code for code in answered.values()} <= {401, 403}, answered


def enrol_in_admin(client) -> list[str]:
    page = client.get("/admin/two-factor/")
    assert page.status_code == 200
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page.content.decode())[1]
    device = TOTPDevice.objects.get(confirmed=False, user__username="boss-test")
    assert secret  # shown for manual entry
    code = f"{totp(device.bin_key):06d}"
    done = client.post("/admin/two-factor/", {"otp_token": code, "next": "/admin/"})
    assert done.status_code == 200
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())


def test_enrolment_in_the_admin_then_a_recovery_code_works_once(client, boss):
    assert (
        client.post(
            reverse("admin:login"), {"username": "boss-test", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/?next=")
    codes = enrol_in_admin(client)
    assert len(codes) == 10
    assert LedgerEvent.objects.order_by("-seq").first().action == "mfa_enrolled"
    assert client.get("/admin/").status_code == 200

    def sign_in_with(code: str):
        fresh = Client()
        fresh.post(reverse("admin:login"), {"username": "boss-test", "password": PASSWORD})
        assert fresh.get("/admin/")["Location"].startswith("/admin/two-factor/verify/")
        answer = fresh.post("/admin/two-factor/verify/", {"otp_token": code, "next": "/admin/"})
        return fresh, answer

    fresh, answer = sign_in_with(codes[0])
    assert answer.status_code == 302 and fresh.get("/admin/").status_code == 200
    used = LedgerEvent.objects.order_by("-seq").first()
    assert used.action == "recovery_code_used" and '"codes_left":9' in used.changes
    fresh, answer = sign_in_with(codes[0])
    assert answer.status_code == 200 and b"not valid" in answer.content
    assert fresh.get("/admin/").status_code == 302
    assert LedgerEvent.objects.order_by("-seq").first().action == "mfa_failed"


def test_in_the_demo_mfa_is_offered_not_forced(client, boss, settings):
    settings.MFA_REQUIRED = False
    client.force_login(boss)
    index = client.get("/admin/")
    assert index.status_code == 200 and b"Two-factor authentication" in index.content
    personas.enrolled(boss)  # once enrolled, the code is asked for
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/verify/")


def request_from(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_the_client_address_trusts_x_forwarded_for_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    # The proxy appends the address it saw; what the client wrote itself (left) is ignored.
    assert client_address(request_from("10.0.0.2", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"
    assert client_address(request_from("10.0.0.2", "198.51.100.1, 10.0.0.7")) == "198.51.100.1"
    assert client_address(request_from("10.0.0.2")) == "10.0.0.2"


def log_in(client: Client, password: str):
    return client.post(reverse("admin:login"), {"username": "boss-test", "password": password})


def test_a_new_x_forwarded_for_does_not_dodge_the_lockout(boss, settings):
    settings.TRUSTED_PROXIES = []
    for number in range(settings.AXES_FAILURE_LIMIT):
        stranger = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
        assert log_in(stranger, "wrong").status_code in (200, 429)
    again = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert log_in(again, PASSWORD).status_code == 429
    failed = LedgerEvent.objects.filter(action="login_failed").order_by("-seq").first()
    assert '"address":"203.0.113.9"' in failed.changes


def test_behind_the_trusted_proxy_two_clients_are_counted_apart(boss, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker, "wrong")
    assert log_in(attacker, PASSWORD).status_code == 429
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert log_in(colleague, PASSWORD).status_code == 302


PAGES = [
    "/admin/login/",
    "/admin/",
    "/admin/register/deployment/",
    "/admin/reporting/dashboard/",
    "/admin/two-factor/",
    "/transparency/",
    "/transparency/NMP/",
    "/api/v1/forces/",
    "/api/schema/",
    "/api/docs/",
    "/api/v1/no-such-thing/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_a_csp_and_a_permissions_policy(client, boss, path):
    personas.login(client, boss)
    response = client.get(path)
    assert response.status_code in (200, 302, 404), response.status_code
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
    # django-csp adds the nonce only to responses that used it.
    assert re.fullmatch(r"'self'( 'nonce-[^']+')?", policy["script-src"]), policy["script-src"]
    # Swagger UI alone may set inline styles (never scripts); no other page allows anything inline.
    styles = r"'self' 'unsafe-inline'" if path == "/api/docs/" else r"'self'( 'nonce-[^']+')?"
    assert re.fullmatch(styles, policy["style-src"]), policy["style-src"]
    others = {k: v for k, v in policy.items() if k != "style-src"}
    assert not any("unsafe" in value for value in others.values()), others
    features = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in features
