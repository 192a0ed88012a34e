"""Admin imports with preview: a published deployment grid, or a file of alerts. Upload, see
every row that would be created or changed and every error, then confirm.

Nothing is written before confirmation. The upload is kept under var/uploads until then, and
the confirmation re-checks the same file (by its SHA-256) against the register as it is now.
"""

import csv
import io
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from audits.imports.alerts import CREATE, PRESENT, TIME_ZONES, import_alerts
from audits.imports.deployments import apply_import, authorise_import, plan_import
from audits.imports.tables import SUFFIXES
from audits.models import Force
from audits.scoping import user_force
from audits.services.batches import ALERT_KEYS

UPLOADS = Path(settings.VAR_DIR) / "uploads"
# What the alert preview shows of each row (the file may hold more).
PREVIEW_COLUMNS = ["external_id", "deployment", "occurred_at", "kind", "watchlist_category"]


class UploadForm(forms.Form):
    file = forms.FileField(help_text="A published deployment grid, CSV or XLSX.")
    force = forms.CharField(
        max_length=12,
        required=False,
        help_text="The force code every row must carry (fills blank force cells).",
    )

    def clean_file(self):
        return _table_file(self.cleaned_data["file"])


def _table_file(upload: UploadedFile) -> UploadedFile:
    if Path(upload.name).suffix.lower() not in SUFFIXES:
        raise forms.ValidationError("Upload a .csv or .xlsx file.")
    return upload


def _keep(upload: UploadedFile) -> str:
    """Keep the upload until it is confirmed; the token names it."""
    UPLOADS.mkdir(parents=True, exist_ok=True)
    token = f"{uuid.uuid4()}{Path(upload.name).suffix.lower()}"
    (UPLOADS / token).write_bytes(upload.read())
    return token


def _stored(token: str) -> Path | None:
    try:
        uuid.UUID(token.split(".")[0])
    except ValueError:
        return None
    path = UPLOADS / Path(token).name
    return path if path.is_file() and path.suffix in SUFFIXES else None


def import_view(model_admin, request):
    if not request.user.has_perm("audits.import_records"):
        raise PermissionDenied("You may not import published tables.")
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(model_admin, request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = _keep(upload)
        force = form.cleaned_data["force"] or None
        plan = plan_import(UPLOADS / token, force, source_name=upload.name)
        try:
            authorise_import(request.user, {row.row.force for row in plan.rows})
        except PermissionDenied as refusal:
            (UPLOADS / token).unlink(missing_ok=True)
            messages.error(request, str(refusal))
            return redirect(request.path)
        return _page(
            model_admin,
            request,
            "Preview the import",
            plan=plan,
            token=token,
            force=force or "",
            source=upload.name,
        )
    return _page(model_admin, request, "Import a published deployment grid", form=form)


def _confirm(model_admin, request):
    path = _stored(request.POST.get("token", ""))
    if path is None:
        messages.error(request, "That upload is gone; upload the file again.")
        return redirect(request.path)
    plan = plan_import(path, request.POST.get("force") or None, request.POST.get("source", ""))
    if plan.digest != request.POST.get("digest") or not plan.ok:
        messages.error(request, "The file or the register changed since the preview; check again.")
        return _page(
            model_admin,
            request,
            "Preview the import",
            plan=plan,
            token=path.name,
            force=request.POST.get("force", ""),
            source=plan.source_name,
        )
    authorise_import(request.user, {row.row.force for row in plan.rows})
    outcome = apply_import(plan, user=request.user)
    path.unlink(missing_ok=True)
    messages.success(
        request,
        (
            f"Imported {plan.source_name}: {outcome.created} created, {outcome.revised} revised, "
            f"{outcome.unchanged} unchanged (ledger event {outcome.ledger_seq})."
        ),
    )
    return redirect(reverse("admin:audits_deployment_changelist"))


def _page(model_admin, request, title, **context):
    if "plan" in context:
        plan = context["plan"]
        context.update(
            {
                action: plan.count(action[:-1] if action != "unchanged" else action)
                for action in ("created", "revised", "unchanged")
            }
        )
    return TemplateResponse(
        request,
        "admin/audits/import.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": title,
            **context,
        },
    )


# Alerts


class AlertOptionsForm(forms.Form):
    """What an alert import needs besides the file; the confirmation posts it again."""

    force = forms.ModelChoiceField(queryset=Force.objects.none(), empty_label=None)
    time_zone = forms.ChoiceField(
        choices=[("", "none: every time carries its UTC offset")] + [(z, z) for z in TIME_ZONES],
        required=False,
        help_text="The zone of times written without a UTC offset (as spreadsheets write them).",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A force's users write to their own force only; the service checks it again.
        own = user_force(user)
        forces = Force.objects.all()
        if not user.is_superuser:
            forces = forces.filter(pk=own.pk) if own is not None else forces.none()
        self.fields["force"].queryset = forces

    def options(self) -> dict:
        return {"force": self.cleaned_data["force"], "time_zone": self.cleaned_data["time_zone"]}


class AlertUploadForm(AlertOptionsForm):
    file = forms.FileField(
        help_text="CSV or XLSX, one alert per row, under a header row of the batch API's keys."
    )
    field_order = ["file", "force", "time_zone"]

    def clean_file(self):
        return _table_file(self.cleaned_data["file"])


def alert_import_view(model_admin, request):
    if not request.user.has_perm("audits.add_alert"):
        raise PermissionDenied("You may not add alerts.")
    if request.GET.get("template") == "csv":
        return _alert_template()
    if request.method == "POST" and "confirm" in request.POST:
        return _alert_confirm(model_admin, request)
    form = AlertUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload, options = form.cleaned_data["file"], form.options()
        token = _keep(upload)
        path = UPLOADS / token
        result = import_alerts(path, user=request.user, source_name=upload.name, **options)
        if not result.ok:
            path.unlink(missing_ok=True)  # nothing to confirm
        return _alert_page(model_admin, request, "Preview the alerts", result, token, options)
    context = {"form": form, "template_url": f"{request.path}?template=csv"}
    return _alert_page(model_admin, request, "Import alerts", None, "", {}, **context)


def _alert_confirm(model_admin, request):
    path = _stored(request.POST.get("token", ""))
    form = AlertOptionsForm(request.POST, user=request.user)
    if path is None or not form.is_valid():
        messages.error(request, "That upload is gone; upload the file again.")
        return redirect(request.path)
    options = form.options()
    try:
        expected = int(request.POST.get("created", ""))
    except ValueError:
        expected = -1
    result = import_alerts(
        path,
        user=request.user,
        source_name=request.POST.get("source", ""),
        commit=True,
        expect_digest=request.POST.get("digest", ""),
        expect_created=expected,
        **options,
    )
    if not result.committed:
        messages.error(request, "The file or the register changed since the preview; check again.")
        return _alert_page(model_admin, request, "Preview the alerts", result, path.name, options)
    path.unlink(missing_ok=True)
    events = ", ".join(str(seq) for seq in result.ledger_seqs) or "none: nothing was new"
    messages.success(
        request,
        (
            f"Imported {result.source_name}: {_alerts(result.count(CREATE))} created, "
            f"{result.count(PRESENT)} already present (ledger events {events})."
        ),
    )
    return redirect(reverse("admin:audits_alert_changelist"))


def _alerts(count: int) -> str:
    return f"{count:,} alert{'' if count == 1 else 's'}"


def _alert_template() -> HttpResponse:
    out = io.StringIO()
    csv.writer(out).writerow(ALERT_KEYS)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="alerts-template.csv"'
    return response


def _alert_page(model_admin, request, title, result, token, options, **context):
    if result is not None:
        context.update(
            result=result,
            token=token,
            force=options["force"].pk,
            time_zone=options["time_zone"],
            created=result.count(CREATE),
            present=result.count(PRESENT),
            columns=PREVIEW_COLUMNS,
            table=[
                (row.number, [row.item.get(key, "") for key in PREVIEW_COLUMNS], row.action)
                for row in result.rows
            ],
        )
    return TemplateResponse(
        request,
        "admin/audits/alert_import.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": title,
            **context,
        },
    )
