"""The public transparency page: what each force has submitted, as the forces' own published
grids show it, with the metrics and their intervals. No login; nothing in draft; nothing personal.
"""

import csv
import dataclasses
import io
import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from audits.register.filtersets import PUBLISHED_STATUSES
from audits.register.models import Force
from audits.reporting.flatten import escape_cell
from audits.reporting.report import Report, as_json
from audits.reporting.services import report_build

# What the public page leaves out, and why (shown on the page and in the JSON).
WITHHELD = [
    (
        "Names and collar numbers of officers (authorising officers, operators, adjudicators)",
        "Personal data of individual officers; the rank and role are what oversight needs.",
    ),
    (
        "Anything about the people on a watchlist or stopped after an alert",
        "The register never holds identities, images or templates; only counts are published.",
    ),
    (
        "Perceived sex, age band and ethnic group of individual alerts",
        "Small counts could identify people; commissioners' reports give aggregate differentials.",
    ),
    (
        "Exact times and coordinates of deployments",
        "Published as the date and the place name, as forces' own deployment grids do.",
    ),
    (
        "Drafts and withdrawn records",
        "Only records a force has submitted are published; a withdrawn record is not a deployment.",
    ),
]
COLUMNS = [
    ("record", "Reference"),
    ("date", "Date"),
    ("location", "Location"),
    ("hours", "Duration (hours)"),
    ("watchlist_size", "Watchlist size"),
    ("threshold", "Threshold"),
    ("faces_seen", "Faces seen"),
    ("alerts", "Alerts"),
    ("true_alerts", "True alerts"),
    ("false_alerts", "False alerts"),
    ("arrests", "Arrests"),
    ("false_alert_rate_per_face", "False alert rate per face"),
    ("false_alert_rate_per_face_ci_low", "95% interval, low"),
    ("false_alert_rate_per_face_ci_high", "95% interval, high"),
]


# What the page and its downloads show of a report.
SECTIONS = ("totals", "groups", "deployments")


def force_report(force: Force) -> Report:
    """The force's submitted and reviewed deployments by year, as the report service builds
    them for anyone (no user: no scope but the published records). The downloads are the page's
    own tables, not exports: nothing is recorded, so that no visitor writes to the ledger."""
    report = report_build(
        user=None,
        params={"force": force.code, "group_by": "year"},
        sections=SECTIONS,
        published_only=True,
    )
    newest_first = sorted(report.deployments, key=lambda row: (row.date, row.record), reverse=True)
    return dataclasses.replace(report, deployments=newest_first)


def index(request: HttpRequest) -> HttpResponse:
    forces = (
        Force.objects.filter(deployments__status__in=PUBLISHED_STATUSES).distinct().order_by("name")
    )
    return render(request, "public/index.html", {"forces": forces})


def _force(code: str) -> Force:
    force = Force.objects.filter(code=code).first()
    if force is None:
        raise Http404("No such force.")
    return force


def force_page(request: HttpRequest, code: str) -> HttpResponse:
    force = _force(code)
    report = force_report(force)
    return render(
        request,
        "public/force.html",
        {
            "force": force,
            "report": report,
            "columns": COLUMNS,
            "withheld": WITHHELD,
        },
    )


def force_csv(request: HttpRequest, code: str) -> HttpResponse:
    report = force_report(_force(code))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _, label in COLUMNS] + ["ledger_head", "counted"])
    for row in report.deployments:
        cells = [escape_cell(getattr(row, name)) for name, _ in COLUMNS]
        writer.writerow([*cells, report.ledger_head, report.counted])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code}-deployments.csv"'
    return response


def force_json(request: HttpRequest, code: str) -> HttpResponse:
    force = _force(code)
    report = force_report(force)
    body = {
        "force": {"code": force.code, "name": force.name},
        "generated_at": report.generated_at,
        "ledger_head": report.ledger_head,
        "counted": report.counted,
        "withdrawn": report.withdrawn,
        "withheld": [{"what": what, "why": why} for what, why in WITHHELD],
        "totals": as_json(report.totals),
        "by_year": as_json(report.groups),
        "deployments": [
            {name: getattr(row, name) for name, _ in COLUMNS} for row in report.deployments
        ],
    }
    return HttpResponse(
        json.dumps(body, allow_nan=False, indent=2), content_type="application/json"
    )
