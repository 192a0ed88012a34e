"""One set of figures: for every force and year of the demo, the admin's report page, the API's
JSON, CSV and XLSX reports, `frt_report`, the dashboard and the public pages (HTML and JSON)
count the same records, submitted and reviewed ones, and give the same deployments, faces seen,
alerts, false alerts and arrests: those of the database's own submitted and reviewed deployments.
The HTML and PDF downloads are checked on one year (they are the admin page's own template).
Drafts are counted only when asked for, and then the report says how many it includes."""

import csv
import io
import json
import re
from collections import defaultdict
from typing import Any

import pandas as pd
import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from audits.register.filtersets import PUBLISHED_STATUSES
from audits.register.models import Deployment, Force, Status
from audits.reporting.flatten import heading
from tests import personas
from tests.api.conftest import client_for as api_client_for

pytestmark = pytest.mark.django_db

FIGURES = ("deployments", "faces_seen", "alerts", "false_alerts", "arrests")
HEADLINE = {
    "Deployments": "deployments",
    "Faces seen": "faces_seen",
    "Alerts": "alerts",
    "False alerts": "false_alerts",
    "Arrests": "arrests",
}
REPORT = reverse("admin:reporting_report")
DASHBOARD = reverse("admin:reporting_dashboard")
Figures = dict[str, int]


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _of(figures: Any) -> Figures:
    """The five figures of a Totals or GroupRow, or of their JSON."""
    get = figures.get if isinstance(figures, dict) else lambda name: getattr(figures, name)
    return {name: get(name) or 0 for name in FIGURES}


def _headline(html: str) -> Figures:
    """The 'In brief' figures of the report's HTML (the admin page, the HTML download)."""
    found = re.findall(r"<div>([A-Za-z ]+)<strong>([\d,]+)</strong>", html)
    return {HEADLINE[label]: _number(value) for label, value in found if label in HEADLINE}


def _pdf_headline(content: bytes) -> Figures:
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    figures = {}
    for label, name in HEADLINE.items():
        found = re.search(rf"(?m)^{label}\s*\n?([\d,]+)$", text)
        assert found, f"no {label!r} in the PDF's first page:\n{text}"
        figures[name] = _number(found.group(1))
    return figures


def _database(force: Force, year: int) -> Figures:
    """The register's own submitted and reviewed deployments of the force and year."""
    counted = Deployment.objects.filter(force=force, date__year=year, status__in=PUBLISHED_STATUSES)
    sums = counted.aggregate(faces_seen=Sum("faces_seen"), arrests=Sum("arrests"))
    return {"deployments": counted.count(), **{name: sums[name] or 0 for name in sums}}


def _years() -> list[tuple[Force, int]]:
    dated = Deployment.objects.filter(status__in=PUBLISHED_STATUSES)
    pairs = dated.order_by().values_list("force", "date__year").distinct()
    forces = {force.pk: force for force in Force.objects.all()}
    return sorted(((forces[pk], year) for pk, year in pairs), key=lambda p: (p[0].code, p[1]))


def by_year_count(force: Force, year: int) -> int:
    return Deployment.objects.filter(force=force, date__year=year).count()


def _everywhere_api(api: Any, force: Force, year: int) -> Figures:
    params = {"force": force.code, "year": str(year)}
    return _of(api.get("/api/v1/reports/", params).json()["totals"])


def _everywhere(admin: Client, api: Any, public: Client, force: Force, year: int) -> dict:
    params = {"force": force.code, "year": str(year), "group_by": "year"}
    page = admin.get(REPORT, params)
    assert page.status_code == 200
    seen: dict[str, Figures] = {
        "admin report page": _of(page.context["report"].totals),
        "admin report page (as shown)": _headline(page.content.decode()),
    }
    seen["API JSON"] = _of(api.get("/api/v1/reports/", params).json()["totals"])
    rows = list(
        csv.DictReader(
            io.StringIO(api.get("/api/v1/reports/", {**params, "format": "csv"}).content.decode())
        )
    )
    assert len(rows) == 1, rows
    seen["API CSV"] = {name: _number(rows[0][name] or "0") for name in FIGURES}
    xlsx = api.get("/api/v1/reports/", {**params, "format": "xlsx"}).content
    totals = pd.read_excel(io.BytesIO(xlsx), sheet_name="totals").iloc[0]
    seen["API XLSX"] = {name: int(totals[heading(name)]) for name in FIGURES}
    out = io.StringIO()
    call_command(
        "frt_report",
        "--force",
        force.code,
        "--from",
        f"{year}-01-01",
        "--to",
        f"{year}-12-31",
        stdout=out,
    )
    seen["frt_report"] = _of(json.loads(out.getvalue())["totals"])
    public_page = public.get(reverse("transparency:force", args=[force.code]))
    by_year = {row.key["year"]: _of(row) for row in public_page.context["report"].groups}
    seen["public page"] = by_year[year]
    public_json = public.get(reverse("transparency:json", args=[force.code])).json()
    seen["public JSON"] = {g["key"]["year"]: _of(g) for g in public_json["by_year"]}[year]
    return seen


def test_every_page_and_file_gives_the_same_figures_for_every_force_and_year(demo):
    commissioner = personas.commissioner("figures-commissioner")
    admin = Client()
    personas.login(admin, commissioner)
    api = api_client_for(commissioner)
    public = Client()
    pairs = _years()
    assert {force.code for force, _ in pairs} == {"NMP", "EVC", "WSP"}
    assert len(pairs) == len(set(pairs)) >= 6  # each force in at least two years
    by_force: dict[str, Figures] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for force, year in pairs:
        seen = _everywhere(admin, api, public, force, year)
        expected = seen["API JSON"]
        database = _database(force, year)
        assert {name: expected[name] for name in database} == database, (force.code, year)
        assert expected["deployments"] > 0
        for where, figures in seen.items():
            assert figures == expected, (
                f"{force.code} {year}: {where} says {figures}, the API {expected}"
            )
        for name in FIGURES:
            by_force[force.code][name] += expected[name]
    # The PDF and the HTML download, once each (they are the admin page's own template, and
    # WeasyPrint takes a minute over a big force's year): on the smallest year.
    force, year = min(pairs, key=lambda pair: by_year_count(*pair))
    params = {"force": force.code, "year": str(year), "group_by": "year"}
    pdf = _pdf_headline(admin.get(REPORT, {**params, "download": "pdf"}).content)
    assert pdf == _everywhere_api(api, force, year)
    html = admin.get(REPORT, {**params, "download": "html"}).content.decode()
    assert _headline(html) == pdf
    # The dashboard of each force's own users, and the commissioner's of every force.
    for code, figures in by_force.items():
        recorder = Client()
        personas.login(recorder, personas.recorder(code))
        assert _of(recorder.get(DASHBOARD).context["totals"]) == figures, code
    everything = {name: sum(f[name] for f in by_force.values()) for name in FIGURES}
    assert _of(admin.get(DASHBOARD).context["totals"]) == everything


def test_drafts_are_counted_only_when_asked_and_then_said(demo):
    commissioner = personas.commissioner("figures-commissioner")
    api = api_client_for(commissioner)
    force = Force.objects.get(code="NMP")
    drafts = Deployment.objects.filter(force=force, status=Status.DRAFT).count()
    withdrawn = Deployment.objects.filter(force=force, status=Status.WITHDRAWN).count()
    published = Deployment.objects.filter(force=force, status__in=PUBLISHED_STATUSES).count()
    assert drafts > 0
    plain = api.get("/api/v1/reports/", {"force": "NMP"}).json()
    asked = api.get("/api/v1/reports/", {"force": "NMP", "include_drafts": "true"}).json()
    assert plain["totals"]["deployments"] == published
    assert asked["totals"]["deployments"] == published + drafts
    assert f"and includes {drafts} draft" in asked["counted"]
    assert "draft" not in plain["counted"].replace("submitted and reviewed", "")
    assert asked["withdrawn"] == plain["withdrawn"] == withdrawn
    csv_rows = api.get(
        "/api/v1/reports/", {"force": "NMP", "include_drafts": "true", "format": "csv"}
    )
    assert f"includes {drafts} drafts" in csv_rows.content.decode()
    refused = Client().get(reverse("transparency:force", args=["NMP"]), {"include_drafts": "true"})
    assert refused.context["report"].totals.deployments == published  # the public page never
