"""The alert import in a real browser: a recorder uploads a file of alerts, sees the preview (one
row to create, one already present, nothing written yet), confirms, and finds the alerts listed.

Screenshots are saved in artifacts/e2e/.
"""

from pathlib import Path

import pytest

from audits.ledger.models import LedgerEvent
from audits.register.models import Deployment, Force
from audits.register.services.batches import ingest_alerts
from audits.register.services.records import record_create
from tests import factories as make
from tests import personas
from tests.demo.browser.conftest import enrol_for_browser
from tests.demo.browser.test_oversight_flow import log_in

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed in this environment"
)
expect = sync_api.expect

DEPLOYMENT = "E2E-ALERTS-1"
HEADER = "external_id,deployment,occurred_at,score,threshold,watchlist_category,kind,outcome"
ROWS = [
    f"E2E-A1,{DEPLOYMENT},2025-06-03T11:00:00+01:00,0.71,0.64,wanted_by_courts,false_unconfirmed,",
    f"E2E-A2,{DEPLOYMENT},2025-06-03T11:20:00+01:00,0.68,0.64,missing_at_risk,false_unconfirmed,",
]


@pytest.mark.e2e
def test_a_recorder_previews_and_confirms_an_alert_file(chromium, screenshot, live_site, tmp_path):
    force = Force.objects.get(code="WSP")
    deployment = record_create(
        user=None,
        instance=make.deployment(force=force, reference=DEPLOYMENT, kind=Deployment.Kind.BODYCAM),
    )
    # The second row was sent over the API before: the file repeats it.
    first = dict(zip(HEADER.split(","), ROWS[1].split(","), strict=True))
    del first["outcome"]
    ingest_alerts(user=None, items=[first], force=force)
    recorder = personas.recorder("WSP")
    enrol_for_browser(recorder)
    batches = LedgerEvent.objects.filter(object_type="alert_batch")
    before = batches.count()
    upload = Path(tmp_path / "alerts.csv")
    upload.write_text("\n".join([HEADER, *ROWS]) + "\n")

    with chromium() as new_page:
        page = log_in(new_page, live_site, recorder)
        page.goto(f"{live_site}/admin/register/alert/")
        page.get_by_role("link", name="Import alerts").click()
        page.locator("#id_file").set_input_files(str(upload))
        screenshot(page, "alert-import-form")
        page.get_by_role("button", name="Preview").click()
        expect(page.locator("#content")).to_contain_text(
            "2 alerts: 1 to create, 1 already present."
        )
        screenshot(page, "alert-import-preview")
        page.get_by_role("button", name="Confirm the import").click()
        expect(page.locator(".messagelist")).to_contain_text(
            "Imported alerts.csv: 1 alert created, 1 already present"
        )
        screenshot(page, "alert-import-confirmed")

    assert sorted(deployment.alerts.values_list("external_id", flat=True)) == ["E2E-A1", "E2E-A2"]
    assert batches.count() == before + 1  # the confirmation; the preview wrote nothing
    assert '"created":1' in batches.order_by("-seq").first().changes
