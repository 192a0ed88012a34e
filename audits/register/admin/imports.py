"""Admin imports with preview: a published deployment grid, or a file of alerts, searches or
device sessions. Upload, see every row that would be created or changed and every error, then
confirm.

Nothing is written before confirmation. The upload is kept under var/uploads until then, and
the confirmation re-checks the same file (by its SHA-256) against the register as it is now.
"""

from __future__ import annotations  # the stubs' generic admin is not subscriptable at run time

import csv
import io
import time
import uuid
from functools import partial
from pathlib import Path
from typing import Any

from django import forms, urls
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models.options import Options
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse

from audits.register.imports.batch_files import KINDS, TIME_ZONES, FileKind, import_file
from audits.register.imports.deployments import apply_import, authorise_import, plan_import
from audits.register.imports.layouts import (
    BUILTIN,
    Layout,
    LayoutError,
    builtin,
    layout_parse,
)
from audits.register.imports.limits import UPLOAD_BYTES
from audits.register.imports.protocol import (
    CREATE,
    PRESENT,
    REVISE,
    UNCHANGED,
    Confirmation,
    ImportPreview,
    confirmation_read,
    confirmation_sign,
)
from audits.register.imports.tables import SUFFIXES
from audits.register.models import Force
from audits.register.scoping import acting_user, user_force

UPLOADS = Path(settings.VAR_DIR) / "uploads"
UPLOAD_MAX_AGE = 24 * 3600  # seconds an unconfirmed upload is kept


# A published grid may be the force's PDF itself; a batch file is a table the register defines.
GRID_SUFFIXES = (*SUFFIXES, ".pdf")
RECOGNISE = ""


class UploadForm(forms.Form):
    file = forms.FileField(help_text="The force's published table: its PDF, or a CSV or XLSX.")
    force = forms.CharField(
        max_length=12,
        required=False,
        help_text="The force code every row must carry (fills blank force cells).",
    )
    layout = forms.ChoiceField(
        required=False,
        choices=[(RECOGNISE, "Recognise it from the headers")]
        + [(layout.name, layout.title) for layout in BUILTIN],
        help_text="Which columns hold which figures. Or describe another force's layout below.",
    )
    layout_file = forms.FileField(
        required=False,
        label="Layout file",
        help_text="A layout described in TOML (docs/layouts.md), for a force not built in.",
    )

    def clean_file(self) -> UploadedFile:
        return _table_file(self.cleaned_data["file"], GRID_SUFFIXES)

    def clean_layout_file(self) -> str:
        """The layout file's text, checked: every mistake in it is named."""
        upload = self.cleaned_data.get("layout_file")
        if not upload:
            return ""
        if upload.size is not None and upload.size > LAYOUT_BYTES:
            raise forms.ValidationError(f"A layout file is at most {LAYOUT_BYTES:,} bytes.")
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError("The layout file is not UTF-8 text.") from None
        try:
            layout_parse(text, upload.name or "layout.toml")
        except LayoutError as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return text


LAYOUT_BYTES = 64 * 1024


def _chosen_layout(name: str, text: str) -> Layout | None:
    if text:
        return layout_parse(text, "layout file")
    return builtin(name) if name else None


def _table_file(upload: UploadedFile, suffixes: tuple[str, ...] = SUFFIXES) -> UploadedFile:
    if Path(upload.name or "").suffix.lower() not in suffixes:
        raise forms.ValidationError(f"Upload a {', '.join(suffixes[:-1])} or {suffixes[-1]} file.")
    if (
        upload.size is not None and upload.size > UPLOAD_BYTES
    ):  # Django has it on disk; refused before it is read
        raise forms.ValidationError(
            f"The file is {upload.size:,} bytes; the limit is {UPLOAD_BYTES:,}."
        )
    return upload


def _keep(upload: UploadedFile) -> str:
    """Keep the upload until it is confirmed; the token names it. Uploads left unconfirmed for
    a day are deleted: they may hold officers' ids and perceived demographics."""
    UPLOADS.mkdir(parents=True, exist_ok=True)
    too_old = time.time() - UPLOAD_MAX_AGE
    for left in UPLOADS.iterdir():
        if left.suffix in GRID_SUFFIXES and left.stat().st_mtime < too_old:
            left.unlink(missing_ok=True)
    token = f"{uuid.uuid4()}{Path(upload.name or '').suffix.lower()}"
    with (UPLOADS / token).open("wb") as kept:
        for chunk in upload.chunks():
            kept.write(chunk)
    return token


def _stored(token: str) -> Path | None:
    try:
        uuid.UUID(token.split(".")[0])
    except ValueError:
        return None
    path = UPLOADS / Path(token).name
    return path if path.is_file() and path.suffix in GRID_SUFFIXES else None


def import_view(model_admin: admin.ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("register.import_records"):
        raise PermissionDenied("You may not import published tables.")
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(model_admin, request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = _keep(upload)
        force = form.cleaned_data["force"] or None
        layout = (form.cleaned_data["layout"], form.cleaned_data["layout_file"])
        user = acting_user(request.user)
        plan = plan_import(
            UPLOADS / token,
            force,
            source_name=upload.name,
            user=user,
            layout=_chosen_layout(*layout),
        )
        try:
            authorise_import(user, _grid_forces(plan))
        except PermissionDenied as refusal:
            (UPLOADS / token).unlink(missing_ok=True)
            messages.error(request, str(refusal))
            return redirect(request.path)
        return _grid_preview(model_admin, request, plan, token, force or "", layout)
    return _page(model_admin, request, "Import a published deployment grid", form=form)


# The salts of the two confirmations: a preview of one kind never confirms another.
GRID_CONFIRMATION_SALT = "audits.register.admin.imports.grid"
CONFIRMATION_SALT = "audits.register.admin.imports.batch"


def _grid_forces(plan: ImportPreview) -> set[str]:
    return {row.record.force for row in plan.rows}


def _grid_preview(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    plan: ImportPreview,
    token: str,
    force: str,
    layout: tuple[str, str],
) -> HttpResponse:
    # The layout goes into the signed confirmation: the import confirmed reads the file as the
    # preview read it.
    confirmation = confirmation_sign(
        plan,
        salt=GRID_CONFIRMATION_SALT,
        user_pk=request.user.pk,
        token=token,
        force=force,
        layout=list(layout),
    )
    return _page(model_admin, request, "Preview the import", plan=plan, confirmation=confirmation)


def _confirmation(request: HttpRequest, salt: str) -> tuple[Confirmation, Path] | None:
    """The preview this user was shown, as its signed "Confirm" posts it back, and its upload;
    None if the signature, the age, the user or the upload does not hold."""
    signed = request.POST.get("confirm_preview", "")
    confirmation = confirmation_read(
        signed, salt=salt, user_pk=request.user.pk, max_age=UPLOAD_MAX_AGE
    )
    if confirmation is None:
        return None
    path = _stored(confirmation.token)
    return None if path is None else (confirmation, path)


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(request, "That preview is no longer valid; upload the file again.")
    return redirect(request.path)


def _changed(request: HttpRequest) -> None:
    messages.error(request, "The file or the register changed since the preview; check again.")


def _confirm(model_admin: admin.ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    confirmed = _confirmation(request, GRID_CONFIRMATION_SALT)
    if confirmed is None:
        return _expired(request)
    confirmation, path = confirmed
    force = confirmation.options["force"]
    name, text = confirmation.options.get("layout", [RECOGNISE, ""])
    user = acting_user(request.user)
    plan = plan_import(
        path,
        force or None,
        confirmation.source_name,
        user=user,
        layout=_chosen_layout(name, text),
    )
    if not confirmation.matches(plan):
        _changed(request)
        return _grid_preview(model_admin, request, plan, path.name, force, (name, text))
    authorise_import(user, _grid_forces(plan))
    apply_import(plan, user=user)
    path.unlink(missing_ok=True)
    messages.success(
        request,
        (
            f"Imported {plan.source_name}: {plan.count(CREATE)} created, "
            f"{plan.count(REVISE)} revised, {plan.count(UNCHANGED)} unchanged, "
            f"{plan.count(PRESENT)} held by another source (ledger event {plan.ledger_seqs[0]})."
        ),
    )
    return redirect(reverse("admin:register_deployment_changelist"))


def _page(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, title: str, **context: Any
) -> HttpResponse:
    if "plan" in context:
        plan = context["plan"]
        context.update(
            created=plan.count(CREATE),
            revised=plan.count(REVISE),
            unchanged=plan.count(UNCHANGED),
            present=plan.count(PRESENT),
            about=plan.about,
            shown=[
                (row, plan.about.flags.get(row.number, []) if plan.about else [])
                for row in plan.rows
            ],
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


# Alerts, searches and device sessions: a file of batch items


class BatchImportMixin(admin.ModelAdmin):
    """Adds "Import <records>" to the change list of a model with a batch service (KINDS): a
    page at import/ named admin:audits_<model>_import."""

    change_list_template = "admin/audits/batch_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(partial(batch_import_view, self))
        return [
            urls.path("import/", view, name=_url_name(self.opts, "import")),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        may = self.has_add_permission(request)
        import_url = reverse(f"admin:{_url_name(self.opts, 'import')}") if may else None
        return super().changelist_view(request, {**(extra_context or {}), "import_url": import_url})


def _url_name(opts: Options[Any], view: str) -> str:
    return f"{opts.app_label}_{opts.model_name}_{view}"


class BatchUploadForm(forms.Form):
    file = forms.FileField(help_text="CSV or XLSX, one record per row, under a header row.")
    force = forms.ModelChoiceField(queryset=Force.objects.none(), empty_label=None)
    time_zone = forms.ChoiceField(
        choices=[("", "none: every time carries its UTC offset")] + [(z, z) for z in TIME_ZONES],
        required=False,
        help_text="The zone of times written without a UTC offset (as spreadsheets write them).",
    )

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A force's users write to their own force only; the service checks it again.
        own = user_force(user)
        forces = Force.objects.all()
        if not user.is_superuser:
            forces = forces.filter(pk=own.pk) if own is not None else forces.none()
        field = self.fields["force"]
        assert isinstance(field, forms.ModelChoiceField)  # declared so above
        field.queryset = forces

    def clean_file(self) -> UploadedFile:
        return _table_file(self.cleaned_data["file"])


def batch_import_view(model_admin: admin.ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    kind = KINDS[model_admin.opts.model_name]
    if not model_admin.has_add_permission(request):
        raise PermissionDenied(f"You may not add {kind.plural}.")
    if request.GET.get("template") == "csv":
        return _template(kind)
    if request.method == "POST" and "confirm" in request.POST:
        return _batch_confirm(model_admin, request, kind)
    form = BatchUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        options = {"force": data["force"], "time_zone": data["time_zone"]}
        stored = UPLOADS / _keep(data["file"])
        user = acting_user(request.user)
        result = import_file(kind, stored, user=user, source_name=data["file"].name, **options)
        if not result.ok:
            stored.unlink(missing_ok=True)  # nothing to confirm
        return _batch_page(model_admin, request, kind, result, stored.name, options)
    context = {"form": form, "kind": kind, "template_url": f"{request.path}?template=csv"}
    return _render(model_admin, request, f"Import {kind.plural}", context)


def _batch_confirm(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, kind: FileKind
) -> HttpResponse:
    confirmed = _confirmation(request, CONFIRMATION_SALT)
    if confirmed is None or confirmed[0].options["kind"] != kind.noun:
        return _expired(request)
    confirmation, stored = confirmed
    options = {
        "force": Force.objects.get(pk=confirmation.options["force"]),
        "time_zone": confirmation.options["time_zone"],
    }
    result = import_file(
        kind,
        stored,
        user=acting_user(request.user),
        source_name=confirmation.source_name,
        commit=True,
        expect=confirmation,
        **options,
    )
    if not result.committed:
        _changed(request)
        return _batch_page(model_admin, request, kind, result, stored.name, options)
    stored.unlink(missing_ok=True)
    events = ", ".join(str(seq) for seq in result.ledger_seqs) or "none: nothing was new"
    messages.success(
        request,
        (
            f"Imported {result.source_name}: {_records(kind, result.count(CREATE))} created, "
            f"{result.count(PRESENT):,} already present (ledger events {events})."
        ),
    )
    return redirect(reverse(f"admin:{_url_name(model_admin.opts, 'changelist')}"))


def _records(kind: FileKind, count: int) -> str:
    return f"{count:,} {kind.noun if count == 1 else kind.plural}"


def _template(kind: FileKind) -> HttpResponse:
    out = io.StringIO()
    csv.writer(out).writerow(kind.keys)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = kind.plural.replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}-template.csv"'
    return response


def _batch_page(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    kind: FileKind,
    result: ImportPreview,
    token: str,
    options: dict[str, Any],
) -> HttpResponse:
    confirmation = confirmation_sign(
        result,
        salt=CONFIRMATION_SALT,
        user_pk=request.user.pk,
        token=token,
        kind=kind.noun,
        force=options["force"].pk,
        time_zone=options["time_zone"],
    )
    context = {
        "kind": kind,
        "result": result,
        "confirmation": confirmation,
        "created": result.count(CREATE),
        "present": result.count(PRESENT),
        "columns": kind.preview,
        "table": [
            (row.number, [row.record.get(key, "") for key in kind.preview], row.action)
            for row in result.rows
        ],
    }
    return _render(model_admin, request, f"Preview the {kind.plural}", context)


def _render(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, title: str, context: dict[str, Any]
) -> HttpResponse:
    return TemplateResponse(
        request,
        "admin/audits/batch_import.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": title,
            **context,
        },
    )
