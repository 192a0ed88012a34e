"""History, read-only: amendments (anyone, within their scope) and the ledger (auditors)."""

from django.db import models

from audits.ledger.models import LedgerEvent
from audits.register import filtersets
from audits.register.api.pagination import LedgerCursorPagination
from audits.register.api.selectors import amendments_in_scope
from audits.register.api.serializers.history import AmendmentOutput, LedgerEventOutput
from audits.register.api.views.base import ReadViewSet
from audits.register.models import Amendment


class AmendmentViewSet(ReadViewSet):
    queryset = Amendment.objects.all()
    output_serializer = AmendmentOutput
    filterset_class = filtersets.AmendmentFilterSet

    def get_queryset(self) -> models.QuerySet:
        return amendments_in_scope(self.request.user)


class LedgerEventViewSet(ReadViewSet):
    """The hash-chained ledger in chain order; only auditors hold the view permission.

    Every force's events: the ledger is one chain, and an auditor verifies all of it.
    """

    queryset = LedgerEvent.objects.all()
    output_serializer = LedgerEventOutput
    filterset_class = filtersets.LedgerEventFilterSet
    pagination_class = LedgerCursorPagination
