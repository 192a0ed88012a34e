"""Per-user tokens (django-rest-knox): obtained with a username, password and second factor,
revoked by their user, hashed at rest, expiring, and dead after a password change or
deactivation; the same login throttling (django-axes) and ledger events as the admin's login."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from audits.ledger.models import LedgerEvent
from tests import personas
from tests.api.conftest import error_of, fields_of

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "persona-password-1"


@pytest.fixture
def recorder():
    return personas.recorder("NMP")


@pytest.fixture
def device(recorder):
    return personas.enrolled(recorder)


def obtain(username: str, password: str = PASSWORD, **extra):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password, **extra})


def obtain_key(user, device) -> str:
    response = obtain(user.username, otp_token=personas.totp_code(device))
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_user_obtains_a_token_with_the_second_factor_and_reads_with_it(recorder, device):
    response = obtain(recorder.username, otp_token=personas.totp_code(device))
    assert response.status_code == 200
    body = response.json()
    hours = (AuthToken.objects.get(user=recorder).expiry - timezone.now()) / timedelta(hours=1)
    assert 9.9 < hours <= 10 and body["expiry"]
    assert with_token(body["token"]).get("/api/v1/forces/").status_code == 200
    login = LedgerEvent.objects.filter(action="login").order_by("-seq").first()
    assert (login.actor, login.force) == (recorder.username, "NMP")


def test_without_the_second_factor_no_token_is_issued(recorder, device):
    response = obtain(recorder.username)
    assert response.status_code == 400 and fields_of(response) == {"otp_token"}
    response = obtain(recorder.username, otp_token="000000")
    assert response.status_code == 400 and fields_of(response) == {"otp_token"}
    assert LedgerEvent.objects.order_by("-seq").first().action == "mfa_failed"
    assert not AuthToken.objects.filter(user=recorder).exists()


def test_a_user_without_a_device_is_told_to_enrol_first(recorder):
    tokens = AuthToken.objects.count()  # the persona register's own: the administrator's
    response = obtain(recorder.username)
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "enrolment_required" and "/admin/two-factor/" in error["message"]
    assert AuthToken.objects.count() == tokens


def test_a_recovery_code_obtains_a_token_once(recorder, device):
    from audits.accounts.mfa import recovery_codes_issue

    code = recovery_codes_issue(user=recorder)[0]
    assert obtain(recorder.username, otp_token=code).status_code == 200
    again = obtain(recorder.username, otp_token=code)
    assert again.status_code == 400 and fields_of(again) == {"otp_token"}
    assert LedgerEvent.objects.filter(action="recovery_code_used", actor="nmp-recorder-test")


def test_the_token_table_holds_nothing_that_authenticates(recorder, device):
    key = obtain_key(recorder, device)
    row = AuthToken.objects.values().get(user=recorder)
    assert key not in {str(value) for value in row.values()}
    for column, value in row.items():
        response = with_token(str(value)).get("/api/v1/forces/")
        assert response.status_code == 401, column
    assert with_token(key).get("/api/v1/forces/").status_code == 200


def test_an_expired_token_is_refused(recorder, device):
    key = obtain_key(recorder, device)
    AuthToken.objects.filter(user=recorder).update(expiry=timezone.now() - timedelta(seconds=1))
    response = with_token(key).get("/api/v1/forces/")
    assert response.status_code == 401 and error_of(response)["code"] == "authentication_failed"


def test_a_token_from_before_a_password_change_is_refused(recorder, device):
    key = obtain_key(recorder, device)
    recorder.set_password("a-new-password-2026")
    recorder.save()
    assert with_token(key).get("/api/v1/forces/").status_code == 401
    assert not AuthToken.objects.filter(user=recorder).exists()


def test_saving_the_user_without_a_new_password_keeps_the_token(recorder, device):
    key = obtain_key(recorder, device)
    recorder.first_name = "Renamed"
    recorder.save()
    assert with_token(key).get("/api/v1/forces/").status_code == 200


def test_deactivation_refuses_the_token(recorder, device):
    key = obtain_key(recorder, device)
    recorder.is_active = False
    recorder.save()
    assert with_token(key).get("/api/v1/forces/").status_code == 401
    assert not AuthToken.objects.filter(user=recorder).exists()


def test_a_revoked_token_no_longer_works_and_a_new_one_differs(recorder, device):
    key = obtain_key(recorder, device)
    client = with_token(key)
    assert client.delete(TOKEN_URL).status_code == 204
    response = client.get("/api/v1/forces/")
    assert response.status_code == 401 and error_of(response)["code"] == "authentication_failed"
    assert obtain_key(recorder, device) != key


def test_revoking_needs_a_token(anonymous):
    assert anonymous.delete(TOKEN_URL).status_code == 401


def test_a_wrong_password_is_refused_and_recorded(recorder):
    response = obtain(recorder.username, "not-the-password")
    assert response.status_code == 400
    assert "Unable to log in" in error_of(response)["message"]
    failed = LedgerEvent.objects.order_by("-seq").first()
    assert (failed.action, failed.actor) == ("login_failed", recorder.username)


def test_repeated_failures_lock_the_account_even_with_the_right_password(recorder, device):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert obtain(recorder.username, "wrong-password-x").status_code in (400, 429)
    response = obtain(recorder.username, otp_token=personas.totp_code(device))
    assert response.status_code == 429 and error_of(response)["code"] == "locked_out"
    assert not AuthToken.objects.filter(user=recorder).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "x"}, "password"),
        ({"username": "x", "password": "y", "otp": "1"}, "otp"),
        ({"username": ["x"], "password": "y"}, "username"),
        ({"username": "x", "password": "y", "otp_token": "1" * 65}, "otp_token"),
    ],
)
def test_a_malformed_token_request_is_refused(body, field):
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 400 and field in fields_of(response)


def test_an_invalid_token_is_refused():
    response = with_token("0" * 64).get("/api/v1/forces/")
    assert response.status_code == 401 and error_of(response)["code"] == "authentication_failed"


def test_the_browsable_api_works_with_a_verified_session(client, recorder):
    personas.login(client, recorder)
    response = client.get("/api/v1/deployments/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"NMP" in response.content


def test_an_unverified_session_gets_no_api(client, recorder):
    client.force_login(recorder)
    response = client.get("/api/v1/deployments/")
    assert response.status_code == 401 and "second factor" in error_of(response)["message"]


def test_a_new_x_forwarded_for_does_not_dodge_the_token_throttle(settings):
    settings.TRUSTED_PROXIES = []
    answers = []
    for number in range(31):  # the "token" rate is 30/minute per client address
        client = APIClient(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
        body = {"username": f"nobody-{number}", "password": "not-a-password"}
        answers.append(client.post(TOKEN_URL, body).status_code)
    assert answers[:30] == [400] * 30
    assert answers[30] == 429
