"""Per-user tokens: obtained with a username and password, revoked by their user; the same login
throttling (django-axes) and ledger events as the admin's login."""

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audits.models import LedgerEvent
from tests import personas
from tests.api.conftest import error_of, fields_of

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "persona-password-1"


@pytest.fixture
def recorder():
    return personas.recorder("NMP")


def obtain(username: str, password: str = PASSWORD):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password})


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_user_obtains_a_token_and_reads_with_it(recorder):
    response = obtain(recorder.username)
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=recorder).key == key
    assert with_token(key).get("/api/v1/forces/").status_code == 200
    login = LedgerEvent.objects.filter(action="login").order_by("-seq").first()
    assert (login.actor, login.force) == (recorder.username, "NMP")


def test_a_revoked_token_no_longer_works_and_a_new_one_differs(recorder):
    key = obtain(recorder.username).json()["token"]
    client = with_token(key)
    assert client.delete(TOKEN_URL).status_code == 204
    response = client.get("/api/v1/forces/")
    assert response.status_code == 401 and error_of(response)["code"] == "authentication_failed"
    assert obtain(recorder.username).json()["token"] != key


def test_revoking_needs_a_token(anonymous):
    assert anonymous.delete(TOKEN_URL).status_code == 401


def test_a_wrong_password_is_refused_and_recorded(recorder):
    response = obtain(recorder.username, "not-the-password")
    assert response.status_code == 400
    assert "Unable to log in" in error_of(response)["message"]
    failed = LedgerEvent.objects.order_by("-seq").first()
    assert (failed.action, failed.actor) == ("login_failed", recorder.username)


def test_repeated_failures_lock_the_account_even_with_the_right_password(recorder):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert obtain(recorder.username, "wrong-password-x").status_code in (400, 429)
    response = obtain(recorder.username)
    assert response.status_code == 429 and error_of(response)["code"] == "locked_out"
    assert not Token.objects.filter(user=recorder).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "x"}, "password"),
        ({"username": "x", "password": "y", "otp": "1"}, "otp"),
        ({"username": ["x"], "password": "y"}, "username"),
    ],
)
def test_a_malformed_token_request_is_refused(body, field):
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 400 and field in fields_of(response)


def test_an_invalid_token_is_refused():
    response = with_token("0" * 40).get("/api/v1/forces/")
    assert response.status_code == 401 and error_of(response)["code"] == "authentication_failed"


def test_the_browsable_api_works_with_a_session(client, recorder):
    personas.login(client, recorder)
    response = client.get("/api/v1/deployments/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"NMP" in response.content
