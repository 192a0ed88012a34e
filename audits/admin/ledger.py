from django.contrib import admin

from audits.models import Amendment, LedgerEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEvent)
class LedgerEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "occurred_at", "actor", "force", "action", "object_type", "object_id"]
    list_filter = ["action", "force", "object_type"]
    search_fields = ["actor", "object_id", "reason", "hash"]


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ["amended_at", "content_type", "object_id", "field", "old_value", "new_value"]
    list_filter = ["content_type"]
    list_select_related = ["content_type"]
    search_fields = ["reason", "field"]
