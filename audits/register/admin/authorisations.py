from django.contrib import admin

from audits.register.admin.base import RecordAdmin
from audits.register.filtersets import AuthorisationFilterSet
from audits.register.models import Authorisation


@admin.register(Authorisation)
class AuthorisationAdmin(RecordAdmin):
    list_display = [
        "__str__",
        "ao_identifier",
        "ao_rank",
        "valid_from",
        "valid_to",
        "urgent",
        "use_case",
        "status",
    ]
    # force, year, from/to, use case, status, urgent, reference
    filterset_class = AuthorisationFilterSet
    list_select_related = ["force", "use_case"]
    search_fields = ["reference", "ao_identifier", "legal_basis", "intelligence_case"]
    date_hierarchy = "authorised_at"
    autocomplete_fields = ["force"]
    fieldsets = [
        (None, {"fields": ["force", "reference", "status", "use_case"]}),
        (
            "Authority",
            {
                "fields": [
                    "ao_identifier",
                    "ao_rank",
                    "authorised_at",
                    "valid_from",
                    "valid_to",
                    "urgent",
                    "written_confirmation_at",
                    "legal_basis",
                    "policy_paragraph",
                ]
            },
        ),
        (
            "Justification",
            {
                "fields": [
                    "intelligence_case",
                    "watchlist_justification",
                    "location_justification",
                    "necessity",
                    "alternatives_considered",
                ]
            },
        ),
        (
            "Documents and notice",
            {
                "fields": [
                    "dpia_reference",
                    "equality_impact_reference",
                    "policy_document_reference",
                    "public_notice_at",
                    "public_notice_method",
                    "oversight_body_notified_at",
                ]
            },
        ),
        (
            "EU AI Act",
            {
                "classes": ["collapse"],
                "fields": [
                    "eu_authority_type",
                    "eu_decision",
                    "eu_requested_at",
                    "eu_decided_at",
                ],
            },
        ),
    ]
