"""Batch ingestion: POST {"items": [...]} of up to MAX_BATCH_ITEMS alerts, searches or device
sessions, all or nothing and idempotent by each item's external_id.

Only the envelope is checked here; the items go as plain dicts to
audits/register/services/batches.py,
which reads every field of every item (a per-item DRF serializer would cost more than the
insert). 201 when anything was created, 200 for a repeat that created nothing.
"""

from collections.abc import Callable
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.register.api.errors import ItemErrors, PayloadTooLarge
from audits.register.api.permissions import MayAdd
from audits.register.api.serializers.base import ForceField
from audits.register.api.serializers.batches import BatchInput, BatchResultOutput
from audits.register.imports.limits import JSON_BYTES
from audits.register.imports.protocol import RowError
from audits.register.models import Alert, DeviceSession, Force, Search
from audits.register.services.batches import (
    MAX_BATCH_ITEMS,
    BatchInvalid,
    ingest_alerts,
    ingest_device_sessions,
    ingest_searches,
    too_many_items,
)

# A body above this is refused before it is parsed: the limit of every API request body.
MAX_BATCH_BYTES = JSON_BYTES
BATCH_RESPONSES = {201: BatchResultOutput, 200: BatchResultOutput}


class BatchView(APIView):
    permission_classes = [MayAdd]
    model: type[models.Model]

    def permission_model(self) -> type[models.Model]:
        return self.model

    def ingest(self, request: Request, service: Callable[..., Any]) -> Response:
        self._check_size(request)
        items, force = self._envelope(request.data)
        try:
            result = service(user=request.user, items=items, force=force)
        except BatchInvalid as invalid:
            raise ItemErrors([_item_error(error) for error in invalid.errors]) from None
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(BatchResultOutput(result).data, status=code)

    def _check_size(self, request: Request) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BATCH_BYTES:
            raise PayloadTooLarge(f"At most {MAX_BATCH_BYTES // 2**20} MiB in one batch.")

    def _envelope(self, data: Any) -> tuple[list[Any], Force | None]:
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": ['Expected {"items": [...]}.']})
        errors: dict[str, list[Any] | dict[str, Any]] = {
            str(key): [ErrorDetail("Unknown field.", code="unknown_field")]
            for key in data
            if key not in ("items", "force")
        }
        items = data.get("items")
        if not isinstance(items, list):
            errors["items"] = [ErrorDetail("A list of items is required.", code="required")]
            items = []  # the envelope is refused below
        elif len(items) > MAX_BATCH_ITEMS:
            message = too_many_items(len(items))
            errors["items"] = [ErrorDetail(message, code="max_length")]
        force: Force | None = None
        if "force" in data:
            field = ForceField()
            field.bind("force", serializers.Serializer(context={"request": self.request}))
            try:
                force = field.run_validation(data["force"])
            except ValidationError as error:
                errors["force"] = error.detail
        if errors:
            raise ValidationError(errors)
        return items, force


def _item_error(error: RowError) -> dict[str, Any]:
    """The API's shape of an item's error: the item by its index, its key, and the reason."""
    return {"index": error.row, "field": error.column, "message": error.reason}


class AlertBatchView(BatchView):
    model = Alert

    @extend_schema(request=BatchInput, responses=BATCH_RESPONSES, summary="Ingest alerts")
    def post(self, request: Request) -> Response:
        """Alerts, each naming its deployment by the force's reference."""
        return self.ingest(request, ingest_alerts)


class SearchBatchView(BatchView):
    model = Search

    @extend_schema(request=BatchInput, responses=BATCH_RESPONSES, summary="Ingest searches")
    def post(self, request: Request) -> Response:
        """Retrospective and operator-initiated searches."""
        return self.ingest(request, ingest_searches)


class DeviceSessionBatchView(BatchView):
    model = DeviceSession

    @extend_schema(request=BatchInput, responses=BATCH_RESPONSES, summary="Ingest device sessions")
    def post(self, request: Request) -> Response:
        """Bodycam device sessions, each naming its deployment by the force's reference."""
        return self.ingest(request, ingest_device_sessions)
