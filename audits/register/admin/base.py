"""Admin classes that scope every read to the user's force, write through the audited services,
and lock submitted records (corrections are amendments; removal is withdrawal)."""

from __future__ import annotations  # the stubs' generic forms are not subscriptable at run time

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import BaseModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms.models import modelform_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.text import capfirst

from audits.register.admin import lifecycle
from audits.register.admin.filtersets import FilterSetMixin
from audits.register.models.base import Record
from audits.register.scoping import (
    acting_user,
    force_path,
    in_force,
    may_write,
    owning_force,
    scope,
    scoping_of,
    user_force,
)
from audits.register.services.configuration import (
    configuration_delete,
    configuration_related,
    configuration_save,
    stored_values,
)
from audits.register.services.records import (
    REASON_MAX_LENGTH,
    record_amend,
    record_create,
    record_delete_draft,
    record_mark_reviewed,
    record_submit,
    record_update,
    record_version,
    record_withdraw,
    submit_permission,
)
from audits.scoped import ForceOwned


def save_through_services(request: HttpRequest, instance: models.Model, fields: list[str]) -> None:
    if instance.pk is None:
        record_create(user=acting_user(request.user), instance=instance)
    else:
        data = {name: getattr(instance, name) for name in fields}
        record_update(user=acting_user(request.user), instance=instance, data=data)


class DateTimeLocalInput(forms.DateTimeInput):
    """One labelled input for a date and time (the browser's own picker), in place of the
    admin's split date and time boxes, which have no label of their own (WCAG 1.3.1, 4.1.2).
    Seconds are kept (step 1), so that a stored time is never changed by being shown."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"step": "1", **(attrs or {})}, format="%Y-%m-%dT%H:%M:%S")


# The admin's form fields, made accessible: applied to every admin of the register's models.
ACCESSIBLE_FIELDS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.DateTimeField: {"form_class": forms.DateTimeField, "widget": DateTimeLocalInput},
}


class ScopedMixin(BaseModelAdmin):
    """Rows, foreign-key choices and object permissions limited to the user's force."""

    formfield_overrides = ACCESSIBLE_FIELDS

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return scope(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        related = db_field.remote_field.model
        if getattr(related, "scoping", None) is not None:  # the register's own models
            queryset = kwargs.get("queryset") or related._default_manager.all()
            kwargs["queryset"] = scope(queryset, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (
            obj is None
            or scope(type(obj)._default_manager.all(), request.user).filter(pk=obj.pk).exists()
        )

    def _may_write(self, request: HttpRequest, obj: models.Model | None) -> bool:
        return obj is None or may_write(request.user, obj)


class LabelledFormSet(forms.BaseInlineFormSet):
    """Each row's delete box named for what it does (a table cell has no label)."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            row = "new row" if index is None else f"row {index + 1}"
            form.fields["DELETE"].widget.attrs["aria-label"] = f"Delete {row}"


class AuditedInline(ScopedMixin, admin.TabularInline):
    extra = 0
    formset = LabelledFormSet

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        # A table's cells have a column heading but no label: each input is named for it.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            widget = getattr(field.widget, "widget", None) or field.widget  # a related wrapper's
            widget.attrs.setdefault("aria-label", capfirst(str(db_field.verbose_name)))
        return field

    def _parent_locked(self, obj: models.Model | None) -> bool:
        return obj is not None and getattr(obj, "is_locked", False)

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return (
            not self._parent_locked(obj)
            and self._may_write(request, obj)
            and super().has_add_permission(request, obj)
        )

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return (
            not self._parent_locked(obj)
            and self._may_write(request, obj)
            and super().has_change_permission(request, obj)
        )

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return (
            not self._parent_locked(obj)
            and self._may_write(request, obj)
            and super().has_delete_permission(request, obj)
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=True, max_length=REASON_MAX_LENGTH
    )
    # The record as the page showed it (record_version): a change made meanwhile is refused.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_version(self) -> str | None:
        return self.cleaned_data["version"] or None


class AuditedAdmin(FilterSetMixin, ScopedMixin, admin.ModelAdmin):
    """Saves go through the record services, so every change lands in the ledger. A
    `filterset_class` filters the change list (audits/register/admin/filtersets.py)."""

    list_per_page = 50

    # -- permissions: writes only inside the user's force, and only while a draft

    def _locked(self, obj: models.Model | None) -> bool:
        return obj is not None and getattr(obj, "is_locked", False)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return (
            super().has_change_permission(request, obj)
            and self._may_write(request, obj)
            and not self._locked(obj)
        )

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return (
            super().has_delete_permission(request, obj)
            and self._may_write(request, obj)
            and not self._locked(obj)
        )

    # -- writes through the services

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: forms.ModelForm[Any], change: bool
    ) -> None:
        save_through_services(request, obj, list(form.cleaned_data))

    @transaction.atomic
    def save_formset(
        self,
        request: HttpRequest,
        form: forms.ModelForm[Any],
        formset: forms.BaseModelFormSet[Any, Any],
        change: bool,
    ) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            record_delete_draft(user=acting_user(request.user), instance=obj)
        for instance in instances:
            save_through_services(request, instance, [f.name for f in instance._meta.fields])
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        record_delete_draft(user=acting_user(request.user), instance=obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            record_delete_draft(user=acting_user(request.user), instance=obj)


class RecordAdmin(AuditedAdmin):
    """For records with a lifecycle: submit and mark reviewed as actions; amend and withdraw as
    pages that require a reason."""

    change_form_template = "admin/audits/record_change_form.html"
    actions = ["submit_selected", "mark_selected_reviewed"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> list[str]:
        # Set by the lifecycle steps only (who created it, when it was submitted, why withdrawn).
        lifecycle = [name for name in READ_ONLY_LIFECYCLE if _has_field(self.model, name)]
        return [*lifecycle, *super().get_readonly_fields(request, obj)]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, str | list[str]]:
        """A one-force user's force, filled in on a new record."""
        initial = super().get_changeform_initial_data(request)
        force = user_force(request.user)
        if force is not None and _has_field(self.model, "force"):
            initial.setdefault("force", str(force.pk))
        return initial

    def has_submit_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(submit_permission(self.model()))

    def has_mark_reviewed_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("register.mark_reviewed")

    def _apply(
        self,
        request: HttpRequest,
        queryset: models.QuerySet[Record],
        service: Callable[..., Record],
        verb: str,
    ) -> None:
        done = 0
        for obj in queryset:
            try:
                service(user=acting_user(request.user), instance=obj)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{obj}: {_message(error)}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} record(s) {verb}.", messages.SUCCESS)

    @admin.action(permissions=["submit"], description="Submit selected drafts (locks them)")
    def submit_selected(self, request: HttpRequest, queryset: models.QuerySet[Record]) -> None:
        self._apply(request, queryset, record_submit, "submitted")

    @admin.action(permissions=["mark_reviewed"], description="Mark selected records reviewed")
    def mark_selected_reviewed(
        self, request: HttpRequest, queryset: models.QuerySet[Record]
    ) -> None:
        self._apply(request, queryset, record_mark_reviewed, "marked reviewed")

    def get_urls(self) -> list[URLPattern]:
        app, model = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/amend/",
                self.admin_site.admin_view(self.amend_view),
                name=f"{app}_{model}_amend",
            ),
            path(
                "<path:object_id>/withdraw/",
                self.admin_site.admin_view(self.withdraw_view),
                name=f"{app}_{model}_withdraw",
            ),
            path(
                "<path:object_id>/submit/",
                self.admin_site.admin_view(self.submit_view),
                name=f"{app}_{model}_submit",
            ),
            path(
                "<path:object_id>/mark-reviewed/",
                self.admin_site.admin_view(self.mark_reviewed_view),
                name=f"{app}_{model}_mark_reviewed",
            ),
            *super().get_urls(),
        ]

    def _step_object(
        self, request: HttpRequest, object_id: str, step: str
    ) -> Record | TemplateResponse:
        """The record, or the page saying why this user may not take the step (and who can)."""
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        verb = lifecycle.step_verb(obj, step)
        reason = lifecycle.state_refusal(obj, step) or lifecycle.step_refusal(
            request, obj, lifecycle.step_permission(obj, step), verb
        )
        if reason:
            title = f"You cannot {verb} {obj}"
            return lifecycle.refused(request, title, reason, obj, self._change_url(obj))
        return obj

    def submit_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._button_step(request, object_id, "submit", record_submit, "Submitted")

    def mark_reviewed_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._button_step(
            request, object_id, "mark_reviewed", record_mark_reviewed, "Marked reviewed"
        )

    def _button_step(
        self,
        request: HttpRequest,
        object_id: str,
        step: str,
        service: Callable[..., Record],
        done: str,
    ) -> HttpResponse:
        """A step without a form: the button posts here; a GET shows what it will do."""
        obj = self._step_object(request, object_id, step)
        if isinstance(obj, TemplateResponse):
            return obj
        if request.method == "POST":
            try:
                service(user=acting_user(request.user), instance=obj)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{obj}: {_message(error)}", messages.ERROR)
            else:
                self.message_user(request, f"{done}: {obj}.", messages.SUCCESS)
            return redirect(self._change_url(obj))
        verb = lifecycle.step_verb(obj, step)
        return self._lifecycle_page(request, obj, verb.capitalize(), None, None)

    def amend_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._step_object(request, object_id, "amend")
        if isinstance(obj, TemplateResponse):
            return obj
        form_class = self._amend_form(request, obj)
        fresh = type(obj)._default_manager.get(pk=obj.pk)  # the form writes into its own copy
        form = form_class(request.POST or None, instance=fresh)
        reason = ReasonForm(request.POST or None, initial={"version": record_version(obj)})
        if request.method == "POST" and form.is_valid() and reason.is_valid():
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                record_amend(
                    user=acting_user(request.user),
                    instance=obj,
                    data=data,
                    reason=reason.cleaned_data["reason"],
                    based_on=reason.cleaned_data["version"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, f"Amended {', '.join(data)} of {obj}.")
                return redirect(self._change_url(obj))
        return self._lifecycle_page(request, obj, "Amend", form, reason)

    def _amend_form(self, request: HttpRequest, obj: Record) -> type[forms.ModelForm[Any]]:
        """The record's editable fields less its force and lifecycle, each choice limited to
        records of the record's own force (and national reference data)."""
        force_field = (force_path(type(obj)) or "").split("__")[0]
        editable = [
            f.name
            for f in obj._meta.fields
            if f.editable and f.name not in LIFECYCLE and f.name != force_field
        ]
        force = owning_force(obj)

        def formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
            field = db_field.formfield(**kwargs)
            related = db_field.related_model
            if field is not None and isinstance(related, type) and hasattr(field, "queryset"):
                queryset = scope(field.queryset, request.user)
                declared = scoping_of(related) if getattr(related, "scoping", None) else None
                if isinstance(declared, ForceOwned):
                    queryset = queryset.filter(in_force(declared, force))
                field.queryset = queryset
            return field

        # A callback may return None for a field the form leaves out; the stubs say it may not.
        return modelform_factory(
            type(obj),
            fields=editable,
            formfield_callback=formfield,  # type: ignore[arg-type]
        )

    def withdraw_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._step_object(request, object_id, "withdraw")
        if isinstance(obj, TemplateResponse):
            return obj
        reason = ReasonForm(request.POST or None)
        if request.method == "POST" and reason.is_valid():
            try:
                record_withdraw(
                    user=acting_user(request.user),
                    instance=obj,
                    reason=reason.cleaned_data["reason"],
                )
            except ValidationError as error:
                reason.add_error(None, error)
            else:
                self.message_user(request, f"Withdrew {obj}.")
                return redirect(self._change_url(obj))
        return self._lifecycle_page(request, obj, "Withdraw", None, reason)

    def _lifecycle_url(self, obj: models.Model, step: str) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{step}", args=[obj.pk])

    def _change_url(self, obj: models.Model) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def _lifecycle_page(
        self,
        request: HttpRequest,
        obj: Record,
        verb: str,
        form: forms.ModelForm[Any] | None,
        reason: ReasonForm | None,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"{verb} {obj}",
            "verb": verb,
            "form": form,
            "reason_form": reason,
            "change_url": self._change_url(obj),
        }
        return TemplateResponse(request, "admin/audits/lifecycle.html", context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        extra = {**(extra_context or {})}
        if obj is not None:
            extra["lifecycle"] = {
                "status": obj.get_status_display(),
                "withdrawn_reason": obj.withdrawn_reason,
                "steps": lifecycle.record_steps(request, obj, self._lifecycle_url),
            }
            extra["story"] = lifecycle.story(request, obj)
        return super().change_view(request, object_id, form_url, extra)


LIFECYCLE = {"status", "created_at", "updated_at", "created_by", "submitted_at", "withdrawn_reason"}
READ_ONLY_LIFECYCLE = ["status", "created_by", "submitted_at", "withdrawn_reason"]


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.fields)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)


class ConfigurationAdmin(ScopedMixin, admin.ModelAdmin):
    """Configuration (no lifecycle): every save, inline save, many-to-many change and deletion is
    a ledger event, through services/configuration.py. Who may edit configuration is decided by
    the model permissions (administrators); who reads which rows by scope(), as everywhere (a
    force's users read their own force's settings, not another's)."""

    # Set on configuration that decides findings (rules, profiles, forces' policy settings).
    judges_records = False

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: forms.ModelForm[Any], change: bool
    ) -> None:
        event = configuration_save(
            user=acting_user(request.user), instance=obj, before=stored_values(obj)
        )
        if event is not None and self.judges_records:
            # Re-judging the whole register takes too long for a request (12 s for the demo).
            messages.warning(
                request,
                "Existing findings follow this change when the register is next judged: "
                "`manage.py evaluate_compliance` (daily, or now). New writes are judged at once.",
            )

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm[Any],
        formsets: list[forms.BaseModelFormSet[Any, Any]],
        change: bool,
    ) -> None:
        obj = form.instance
        before = {name: self._related(obj, name) for name in self._many_to_many(form)}
        super().save_related(request, form, formsets, change)
        for name, old in before.items():
            new = self._related(obj, name)
            configuration_related(
                user=acting_user(request.user), instance=obj, name=name, before=old, after=new
            )

    def save_formset(
        self,
        request: HttpRequest,
        form: forms.ModelForm[Any],
        formset: forms.BaseModelFormSet[Any, Any],
        change: bool,
    ) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            configuration_delete(user=acting_user(request.user), instance=obj)
        for obj in instances:
            configuration_save(
                user=acting_user(request.user), instance=obj, before=stored_values(obj)
            )
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        configuration_delete(user=acting_user(request.user), instance=obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            configuration_delete(user=acting_user(request.user), instance=obj)

    @staticmethod
    def _many_to_many(form: forms.ModelForm[Any]) -> list[str]:
        return [f.name for f in form.instance._meta.many_to_many if f.name in form.cleaned_data]

    @staticmethod
    def _related(obj: models.Model, name: str) -> list[str]:
        return [str(related) for related in getattr(obj, name).all()] if obj.pk else []
