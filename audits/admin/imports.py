"""Admin import of a published deployment grid: upload, preview every row and error, confirm.

Nothing is written before confirmation. The upload is kept under var/uploads until then, and
the confirmation re-checks the same file (by its SHA-256) against the register as it is now.
"""

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from audits.imports.deployments import apply_import, authorise_import, plan_import

UPLOADS = Path(settings.VAR_DIR) / "uploads"
SUFFIXES = {".csv", ".xlsx"}


class UploadForm(forms.Form):
    file = forms.FileField(help_text="A published deployment grid, CSV or XLSX.")
    force = forms.CharField(
        max_length=12,
        required=False,
        help_text="The force code every row must carry (fills blank force cells).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        return upload


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
        UPLOADS.mkdir(parents=True, exist_ok=True)
        upload = form.cleaned_data["file"]
        token = f"{uuid.uuid4()}{Path(upload.name).suffix.lower()}"
        (UPLOADS / token).write_bytes(upload.read())
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
