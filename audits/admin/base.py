"""Admin classes that write through the audited services and lock submitted records."""

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from audits.services.records import record_create, record_delete_draft, record_update


def _changed_data(instance: models.Model, form_fields: list[str]) -> dict:
    return {name: getattr(instance, name) for name in form_fields}


def save_through_services(request: HttpRequest, instance: models.Model, fields: list[str]) -> None:
    if instance.pk is None:
        record_create(user=request.user, instance=instance)
    else:
        record_update(user=request.user, instance=instance, data=_changed_data(instance, fields))


class AuditedInline(admin.TabularInline):
    extra = 0
    show_change_link = False

    def _parent_locked(self, obj) -> bool:
        return obj is not None and getattr(obj, "is_locked", False)

    def has_add_permission(self, request, obj=None):
        return not self._parent_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._parent_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._parent_locked(obj) and super().has_delete_permission(request, obj)


class AuditedAdmin(admin.ModelAdmin):
    """Saves go through record_create/record_update, so every change lands in the ledger."""

    list_per_page = 50

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

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and getattr(obj, "is_locked", False):
            return [f.name for f in obj._meta.fields]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and getattr(obj, "is_locked", False):
            return False
        return super().has_delete_permission(request, obj)
