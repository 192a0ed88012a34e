"""Admin classes that scope every read to the user's force, write through the audited services,
and lock submitted records (corrections are amendments; removal is withdrawal)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms.models import modelform_factory
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from audits.register.admin.filtersets import FilterSetMixin
from audits.register.models import Status
from audits.register.scoping import force_path, in_force, may_write, owning_force, scope, scoping_of
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


def save_through_services(request: HttpRequest, instance: models.Model, fields: list[str]) -> None:
    if instance.pk is None:
        record_create(user=request.user, instance=instance)
    else:
        data = {name: getattr(instance, name) for name in fields}
        record_update(user=request.user, instance=instance, data=data)


class ScopedMixin:
    """Rows, foreign-key choices and object permissions limited to the user's force."""

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if getattr(related, "scoping", None) is not None:  # the register's own models
            queryset = kwargs.get("queryset") or related._default_manager.all()
            kwargs["queryset"] = scope(queryset, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (
            obj is None or scope(type(obj).objects, request.user).filter(pk=obj.pk).exists()
        )

    def _may_write(self, request, obj) -> bool:
        return obj is None or may_write(request.user, obj)


class AuditedInline(ScopedMixin, admin.TabularInline):
    extra = 0

    def _parent_locked(self, obj) -> bool:
        return obj is not None and getattr(obj, "is_locked", False)

    def has_add_permission(self, request, obj=None):
        return (
            not self._parent_locked(obj)
            and self._may_write(request, obj)
            and super().has_add_permission(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        return (
            not self._parent_locked(obj)
            and self._may_write(request, obj)
            and super().has_change_permission(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
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

    def _locked(self, obj) -> bool:
        return obj is not None and getattr(obj, "is_locked", False)

    def has_change_permission(self, request, obj=None):
        return (
            super().has_change_permission(request, obj)
            and self._may_write(request, obj)
            and not self._locked(obj)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            super().has_delete_permission(request, obj)
            and self._may_write(request, obj)
            and not self._locked(obj)
        )

    # -- writes through the services

    def save_model(self, request, obj, form, change):
        save_through_services(request, obj, list(form.cleaned_data))

    @transaction.atomic
    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            record_delete_draft(user=request.user, instance=obj)
        for instance in instances:
            save_through_services(request, instance, [f.name for f in instance._meta.fields])
        formset.save_m2m()

    def delete_model(self, request, obj):
        record_delete_draft(user=request.user, instance=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record_delete_draft(user=request.user, instance=obj)


class RecordAdmin(AuditedAdmin):
    """For records with a lifecycle: submit and mark reviewed as actions; amend and withdraw as
    pages that require a reason."""

    change_form_template = "admin/audits/record_change_form.html"
    actions = ["submit_selected", "mark_selected_reviewed"]

    def get_readonly_fields(self, request, obj=None):
        # Set by the lifecycle steps only (who created it, when it was submitted, why withdrawn).
        lifecycle = [name for name in READ_ONLY_LIFECYCLE if _has_field(self.model, name)]
        return [*lifecycle, *super().get_readonly_fields(request, obj)]

    def has_submit_permission(self, request) -> bool:
        return request.user.has_perm(submit_permission(self.model()))

    def has_mark_reviewed_permission(self, request) -> bool:
        return request.user.has_perm("register.mark_reviewed")

    def _apply(self, request, queryset, service, verb: str) -> None:
        done = 0
        for obj in queryset:
            try:
                service(user=request.user, instance=obj)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{obj}: {_message(error)}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} record(s) {verb}.", messages.SUCCESS)

    @admin.action(permissions=["submit"], description="Submit selected drafts (locks them)")
    def submit_selected(self, request, queryset):
        self._apply(request, queryset, record_submit, "submitted")

    @admin.action(permissions=["mark_reviewed"], description="Mark selected records reviewed")
    def mark_selected_reviewed(self, request, queryset):
        self._apply(request, queryset, record_mark_reviewed, "marked reviewed")

    def get_urls(self):
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
            *super().get_urls(),
        ]

    def _locked_object(self, request, object_id, permission: str):
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not request.user.has_perm(permission) or not may_write(request.user, obj):
            raise PermissionDenied(f"{request.user} may not do this to {obj}.")
        return obj

    def amend_view(self, request, object_id):
        obj = self._locked_object(request, object_id, "register.amend_record")
        form_class = self._amend_form(request, obj)
        fresh = type(obj).objects.get(pk=obj.pk)  # the form writes into its own copy
        form = form_class(request.POST or None, instance=fresh)
        reason = ReasonForm(request.POST or None, initial={"version": record_version(obj)})
        if request.method == "POST" and form.is_valid() and reason.is_valid():
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                record_amend(
                    user=request.user,
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

    def _amend_form(self, request, obj):
        """The record's editable fields less its force and lifecycle, each choice limited to
        records of the record's own force (and national reference data)."""
        force_field = (force_path(type(obj)) or "").split("__")[0]
        editable = [
            f.name
            for f in obj._meta.fields
            if f.editable and f.name not in LIFECYCLE and f.name != force_field
        ]
        force = owning_force(obj)

        def formfield(db_field, **kwargs):
            field = db_field.formfield(**kwargs)
            related = db_field.related_model
            if field is not None and related is not None and hasattr(field, "queryset"):
                queryset = scope(field.queryset, request.user)
                path = force_path(related) if getattr(related, "scoping", None) else None
                if path is not None:
                    queryset = queryset.filter(in_force(scoping_of(related), force))
                field.queryset = queryset
            return field

        return modelform_factory(type(obj), fields=editable, formfield_callback=formfield)

    def withdraw_view(self, request, object_id):
        obj = self._locked_object(request, object_id, "register.withdraw_record")
        reason = ReasonForm(request.POST or None)
        if request.method == "POST" and reason.is_valid():
            try:
                record_withdraw(
                    user=request.user, instance=obj, reason=reason.cleaned_data["reason"]
                )
            except ValidationError as error:
                reason.add_error(None, error)
            else:
                self.message_user(request, f"Withdrew {obj}.")
                return redirect(self._change_url(obj))
        return self._lifecycle_page(request, obj, "Withdraw", None, reason)

    def _lifecycle_url(self, obj, step: str) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{step}", args=[obj.pk])

    def _change_url(self, obj) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def _lifecycle_page(self, request, obj, verb, form, reason):
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = {**(extra_context or {})}
        if obj is not None:
            user = request.user
            writable = may_write(user, obj)
            extra["lifecycle"] = {
                "status": obj.get_status_display(),
                "withdrawn_reason": obj.withdrawn_reason,
                "can_amend": obj.status in (Status.SUBMITTED, Status.REVIEWED)
                and writable
                and user.has_perm("register.amend_record"),
                "can_withdraw": obj.status != Status.WITHDRAWN
                and writable
                and user.has_perm("register.withdraw_record"),
                "can_submit": obj.status == Status.DRAFT
                and writable
                and user.has_perm(submit_permission(obj)),
                "amend_url": self._lifecycle_url(obj, "amend"),
                "withdraw_url": self._lifecycle_url(obj, "withdraw"),
            }
        return super().change_view(request, object_id, form_url, extra)


LIFECYCLE = {"status", "created_at", "updated_at", "created_by", "submitted_at", "withdrawn_reason"}
READ_ONLY_LIFECYCLE = ["status", "created_by", "submitted_at", "withdrawn_reason"]


def _has_field(model, name: str) -> bool:
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

    def save_model(self, request, obj, form, change):
        event = configuration_save(user=request.user, instance=obj, before=stored_values(obj))
        if event is not None and self.judges_records:
            # Re-judging the whole register takes too long for a request (12 s for the demo).
            messages.warning(
                request,
                "Existing findings follow this change when the register is next judged: "
                "`manage.py evaluate_compliance` (daily, or now). New writes are judged at once.",
            )

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        before = {name: self._related(obj, name) for name in self._many_to_many(form)}
        super().save_related(request, form, formsets, change)
        for name, old in before.items():
            new = self._related(obj, name)
            configuration_related(user=request.user, instance=obj, name=name, before=old, after=new)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            configuration_delete(user=request.user, instance=obj)
        for obj in instances:
            configuration_save(user=request.user, instance=obj, before=stored_values(obj))
        formset.save_m2m()

    def delete_model(self, request, obj):
        configuration_delete(user=request.user, instance=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            configuration_delete(user=request.user, instance=obj)

    @staticmethod
    def _many_to_many(form) -> list[str]:
        return [f.name for f in form.instance._meta.many_to_many if f.name in form.cleaned_data]

    @staticmethod
    def _related(obj, name: str) -> list:
        return [str(related) for related in getattr(obj, name).all()] if obj.pk else []
