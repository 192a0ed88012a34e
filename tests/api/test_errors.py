"""Bad input of any kind answers 4xx in the one error shape, never 5xx."""

import json

import pytest

from audits.register.models import Deployment
from tests.api import payloads
from tests.api.conftest import error_of, fields_of

pytestmark = pytest.mark.django_db
DEPLOYMENTS = "/api/v1/deployments/"


def post_raw(client, url: str, body: str, content_type: str = "application/json"):
    return client.generic("POST", url, body.encode("utf-8"), content_type=content_type)


@pytest.mark.parametrize("body", ["{bad json", "", "[1, 2", '{"a": NaN}', "\ufeff{}"])
def test_malformed_json(nmp, body):
    response = post_raw(nmp, DEPLOYMENTS, body)
    assert response.status_code == 400
    assert error_of(response)["code"] in ("parse_error", "invalid")


def test_a_body_that_is_not_an_object(nmp):
    response = post_raw(nmp, DEPLOYMENTS, "[1, 2, 3]")
    assert response.status_code == 400 and error_of(response)["code"] == "invalid"


def test_an_unknown_field(nmp):
    response = nmp.post(DEPLOYMENTS, payloads.deployment(colour="blue"))
    error = error_of(response)
    assert response.status_code == 400
    assert error["fields"] == [
        {"field": "colour", "code": "unknown_field", "message": "Unknown field."}
    ]


def test_a_read_only_field_is_unknown_input(nmp):
    response = nmp.post(DEPLOYMENTS, payloads.deployment(status="submitted"))
    assert response.status_code == 400 and fields_of(response) == {"status"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("faces_seen", "many"),
        ("faces_seen", 1.5),
        ("faces_seen", [1]),
        ("faces_seen", {"n": 1}),
        ("technical_fault", "perhaps"),
        ("date", "03/06/2025"),
        ("start", 1717405200),
        ("threshold", "high"),
        ("kind", "submarine"),
        ("location_name", None),
        ("location_name", "x" * 201),
        ("location_name", "nul\x00byte"),
        ("duration", "forever"),
    ],
)
def test_a_wrong_type_or_value(nmp, field, value):
    response = nmp.post(DEPLOYMENTS, payloads.deployment(**{field: value}), format="json")
    assert response.status_code == 400 and fields_of(response) == {field}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("faces_seen", -1),
        ("cameras", -5),
        ("threshold", "-0.5"),
        ("latitude", "-91"),
        ("duration", "-1 00:00:00"),
        ("source_page", -1),
    ],
)
def test_a_negative_number(nmp, field, value):
    response = nmp.post(DEPLOYMENTS, payloads.deployment(**{field: value}))
    assert response.status_code == 400 and fields_of(response) == {field}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("faces_seen", 10**30),
        ("cameras", 70_000),
        ("threshold", "1e400"),
        ("threshold", "12345678901234567890.5"),
        ("longitude", "181"),
        ("duration", "999999999 00:00:00"),
        ("date", "99999-01-01"),
        ("start", "9999-12-31T23:59:59+14:00"),
        ("start", "0001-01-01T00:00:00-14:00"),
    ],
)
def test_a_huge_or_out_of_range_value(nmp, field, value):
    response = nmp.post(DEPLOYMENTS, payloads.deployment(**{field: value}))
    assert response.status_code == 400 and field in fields_of(response)


def test_a_number_too_large_for_any_float(nmp):
    body = json.dumps(payloads.deployment()).replace('"faces_seen": 12120', '"faces_seen": 1e400')
    response = post_raw(nmp, DEPLOYMENTS, body)
    assert response.status_code == 400 and fields_of(response) == {"faces_seen"}


def test_a_lone_surrogate_is_refused_and_the_error_still_encodes(nmp):
    body = json.dumps(payloads.deployment(location_name="\ud800"))
    response = post_raw(nmp, DEPLOYMENTS, body)
    assert response.status_code == 400 and fields_of(response) == {"location_name"}
    response = post_raw(nmp, DEPLOYMENTS, '{"\\ud800": 1}')
    assert response.status_code == 400 and "\\ud800" in error_of(response)["message"]


def test_another_forces_id_is_not_found_and_leaks_nothing(nmp):
    theirs = Deployment.objects.filter(force__code="EVC").first()
    never = Deployment.objects.order_by("-pk").first().pk + 1000
    responses = [nmp.get(f"{DEPLOYMENTS}{pk}/") for pk in (theirs.pk, never)]
    assert [r.status_code for r in responses] == [404, 404]
    assert error_of(responses[0]) == error_of(responses[1])
    linked = [nmp.post("/api/v1/alerts/", payloads.alert(pk)) for pk in (theirs.pk, never)]
    assert [r.status_code for r in linked] == [400, 400]
    messages = [
        error_of(r)["fields"][0]["message"].replace(str(pk), "ID")
        for r, pk in zip(linked, (theirs.pk, never), strict=True)
    ]
    assert messages[0] == messages[1]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/deployments/99999999999999999999999/",
        "/api/v1/deployments/abc/",
        "/api/v1/no-such-thing/",
        "/api/v1/watchlists/99999999999999999999999/categories/",
    ],
)
def test_unknown_urls_answer_404_in_the_shape(nmp, path):
    response = nmp.get(path)
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"year": "-5"},
        {"threshold": "5"},
        {"threshold": "1e999"},
        {"from": "yesterday"},
        {"kind": "submarine"},
        {"use_case": "no-such-code"},
        {"technical_fault": "perhaps"},
        {"force": "NOPE"},
    ],
)
def test_bad_filters(nmp, params):
    response = nmp.get(DEPLOYMENTS, params)
    assert response.status_code == 400 and fields_of(response) == set(params)


def test_a_bad_cursor_and_page_sizes(nmp):
    response = nmp.get(DEPLOYMENTS, {"cursor": "not-a-cursor"})
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    for size in ("-1", "0", "abc", "99999999999999999999"):
        assert nmp.get(DEPLOYMENTS, {"page_size": size}).status_code == 200


def test_an_unsupported_method_and_media_type(nmp):
    deployment = Deployment.objects.filter(force__code="NMP").first()
    response = nmp.put(f"{DEPLOYMENTS}{deployment.pk}/", {})
    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"
    response = post_raw(nmp, DEPLOYMENTS, "reference=x", "application/x-www-form-urlencoded")
    assert response.status_code == 415 and error_of(response)["code"] == "unsupported_media_type"


def test_a_model_rule_broken_across_fields(nmp):
    response = nmp.post(DEPLOYMENTS, payloads.deployment(date="2025-06-04"))
    assert response.status_code == 400 and fields_of(response) == {"date"}
    response = nmp.post(DEPLOYMENTS, payloads.deployment(reference="NMP-P01"))
    assert response.status_code == 400 and error_of(response)["fields"][0]["field"] is None
