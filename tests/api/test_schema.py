"""OpenAPI 3 at /api/schema/, with Swagger UI and ReDoc served from the application itself."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

BASE_DIR = Path(settings.BASE_DIR)


def test_the_schema_validates_without_a_single_warning(tmp_path):
    env = {**os.environ, "SECRET_KEY": "schema-check-only", "DEBUG": "0"}
    output = tmp_path / "schema.json"
    command = ["manage.py", "spectacular", "--validate", "--fail-on-warn", "--format"]
    command += ["openapi-json", "--file", str(output)]
    result = subprocess.run(
        [sys.executable, *command],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    schema = json.loads(output.read_text())
    assert schema["openapi"].startswith("3.")


@pytest.mark.django_db
def test_the_live_schema_documents_every_endpoint_and_the_error_shape(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in [
        "/api/v1/deployments/",
        "/api/v1/deployments/{id}/amend/",
        "/api/v1/deployments/{deployment_pk}/faces-seen/",
        "/api/v1/watchlists/{watchlist_pk}/categories/",
        "/api/v1/ledger-events/",
        "/api/v1/policy-profiles/",
        "/api/v1/findings/{id}/assign/",
        "/api/v1/commissioner-reviews/",
        "/api/v1/commissioner-reviews/{id}/sign-off/",
        "/api/v1/reports/",
        "/api/v1/batches/alerts/",
        "/api/v1/auth/token/",
    ]:
        assert path in paths, path
    error = {"$ref": "#/components/schemas/Error"}
    assert (
        paths["/api/v1/deployments/"]["post"]["responses"]["400"]["content"]["application/json"][
            "schema"
        ]
        == error
    )
    assert (
        schema["components"]["schemas"]["DeploymentCreateInputRequest"]["additionalProperties"]
        is False
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "asset"), [("/api/docs/", "swagger-ui")])
def test_the_docs_load_nothing_from_another_site(client, url, asset):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources), sources
    assert "cdn" not in html.lower()
    local = [s for s in sources if asset in s and s.startswith(settings.STATIC_URL)]
    assert local, sources
    for source in local:
        assert finders.find(source.removeprefix(settings.STATIC_URL)), source
