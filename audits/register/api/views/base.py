"""The shape every record endpoint shares: rows through scope(), writes through the services.

A viewset names its model's base queryset, its output serializer and, per write, its input
serializer; the mixins do the rest. `schema_for(action)` tells the OpenAPI generator
(audits/register/api/schema.py) which serializer goes in and which comes out, since they differ.
"""

from typing import Any, ClassVar

from django.db import models
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

from audits.register.api.pagination import RecordCursorPagination
from audits.register.api.permissions import ModelActionPermission
from audits.register.api.serializers.base import InputSerializer, NoInput
from audits.register.api.serializers.history import AmendmentOutput
from audits.register.api.serializers.lifecycle import ReasonInput, amend_input
from audits.register.scoping import acting_user, scope
from audits.register.services.records import (
    record_amend,
    record_create,
    record_delete_draft,
    record_mark_reviewed,
    record_submit,
    record_update,
    record_withdraw,
)

SchemaEntry = tuple[Any, dict[int, Any]]


class ScopedViewSet(viewsets.GenericViewSet[Any]):
    queryset: models.QuerySet[Any]
    output_serializer: type[serializers.Serializer[Any]]
    permission_classes = [ModelActionPermission]
    pagination_class: type[BasePagination] | None = RecordCursorPagination

    def permission_model(self) -> type[models.Model]:
        return self.queryset.model

    def get_queryset(self) -> models.QuerySet[Any]:
        return scope(self.queryset.all(), self.request.user)

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        return self.output_serializer

    def read_input(
        self,
        serializer_class: type[serializers.Serializer[Any]],
        instance: models.Model | None = None,
        *,
        partial: bool = False,
    ) -> dict[str, Any]:
        serializer = serializer_class(
            instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def output(self, instance: models.Model, code: int = status.HTTP_200_OK) -> Response:
        data = self.output_serializer(instance, context=self.get_serializer_context()).data
        return Response(data, status=code)

    def schema_for(self, action_name: str) -> SchemaEntry | None:
        """(request serializer, {status: response serializer}) where the default is wrong."""
        return None


class CreateMixin(ScopedViewSet):
    create_input: type[serializers.Serializer[Any]]

    def new_instance(self, data: dict[str, Any]) -> models.Model:
        return self.queryset.model(**data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.read_input(self.create_input)
        instance = record_create(user=acting_user(request.user), instance=self.new_instance(data))
        return self.output(instance, status.HTTP_201_CREATED)

    def schema_for(self, action_name: str) -> SchemaEntry | None:
        if action_name == "create":
            return self.create_input, {201: self.output_serializer}
        return super().schema_for(action_name)


class UpdateMixin(ScopedViewSet):
    """PATCH only: a draft is edited field by field; PUT would have to resend every field."""

    update_input: type[InputSerializer]

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        data = self.read_input(self.update_input, instance, partial=True)
        record_update(user=acting_user(request.user), instance=instance, data=data)
        return self.output(instance)

    def schema_for(self, action_name: str) -> SchemaEntry | None:
        if action_name == "partial_update":
            return self.update_input, {200: self.output_serializer}
        return super().schema_for(action_name)


class DestroyMixin(ScopedViewSet):
    """Only a draft is deleted; a submitted record is withdrawn (the service refuses)."""

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record_delete_draft(user=acting_user(request.user), instance=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def schema_for(self, action_name: str) -> SchemaEntry | None:
        if action_name == "destroy":
            return None, {204: None}
        return super().schema_for(action_name)


class LifecycleMixin(ScopedViewSet):
    """Draft -> submitted (locked) -> reviewed; amend and withdraw with a reason.

    The services decide who may: submit needs the submit (or approve) permission, amend, withdraw
    and mark-reviewed their own, and all of them a record of the caller's own force.
    """

    update_input: type[InputSerializer]
    _amend_input: ClassVar[type[serializers.Serializer[Any]]]

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        instance = self.get_object()
        self.read_input(NoInput)
        return self.output(record_submit(user=acting_user(request.user), instance=instance))

    @action(detail=True, methods=["post"], url_path="mark-reviewed")
    def mark_reviewed(self, request: Request, pk: str | None = None) -> Response:
        instance = self.get_object()
        self.read_input(NoInput)
        return self.output(record_mark_reviewed(user=acting_user(request.user), instance=instance))

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        instance = self.get_object()
        reason = self.read_input(ReasonInput)["reason"]
        return self.output(
            record_withdraw(user=acting_user(request.user), instance=instance, reason=reason)
        )

    @action(detail=True, methods=["post"])
    def amend(self, request: Request, pk: str | None = None) -> Response:
        """Correct a submitted record: every changed field keeps its old and new value."""
        instance = self.get_object()
        body = self.read_input(self.amend_input())
        amendments = record_amend(
            user=acting_user(request.user),
            instance=instance,
            data=body["changes"],
            reason=body["reason"],
        )
        data = AmendmentOutput(amendments, many=True, context=self.get_serializer_context())
        return Response(data.data, status=status.HTTP_201_CREATED)

    def amend_input(self) -> type[serializers.Serializer[Any]]:
        # Built once per viewset class: drf-spectacular names the component after the class.
        cls = type(self)
        if "_amend_input" not in cls.__dict__:
            cls._amend_input = amend_input(self.update_input)
        return cls._amend_input

    def schema_for(self, action_name: str) -> SchemaEntry | None:
        lifecycle: dict[str, SchemaEntry] = {
            "submit": (None, {200: self.output_serializer}),
            "mark_reviewed": (None, {200: self.output_serializer}),
            "withdraw": (ReasonInput, {200: self.output_serializer}),
            "amend": (self.amend_input(), {201: AmendmentOutput(many=True)}),
        }
        return lifecycle.get(action_name) or super().schema_for(action_name)


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    pass


class DraftViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadViewSet):
    """Create, edit and delete while a draft (or a part of a draft)."""


class RecordViewSet(LifecycleMixin, DraftViewSet):
    """A record with its own lifecycle."""
