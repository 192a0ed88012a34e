"""Policy profiles, rules and findings.

Profiles and rules are read-only here: the admin edits them as plain rows, with no service and no
ledger event, so the API offers no second, unaudited way to change them. A finding changes only
by assignment, through the same service as the admin's findings queue.
"""

from django.db.models import Prefetch
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from audits.compliance import filtersets
from audits.compliance.api import serializers as compliance
from audits.compliance.models import Finding, PolicyProfile, Rule
from audits.compliance.services import finding_assign
from audits.register.api.views.base import ReadViewSet, SchemaEntry
from audits.register.scoping import acting_user


class PolicyProfileViewSet(ReadViewSet):
    """Every profile with its rules; profiles are not a force's records, so everyone reads all."""

    queryset = PolicyProfile.objects.all().prefetch_related(
        "forces", Prefetch("rules", queryset=Rule.objects.all())
    )
    output_serializer = compliance.PolicyProfileOutput
    filterset_class = filtersets.PolicyProfileFilterSet


class RuleViewSet(ReadViewSet):
    queryset = Rule.objects.all()  # the manager loads each rule's profile with it
    output_serializer = compliance.RuleOutput
    filterset_class = filtersets.RuleFilterSet


class FindingViewSet(ReadViewSet):
    """The findings queue: a force's users read their own force's, commissioners every force's."""

    queryset = Finding.objects.select_related(
        "rule__profile", "force", "content_type", "assigned_to"
    )
    output_serializer = compliance.FindingOutput
    filterset_class = filtersets.FindingFilterSet
    action_verbs = {"assign": "change"}  # the admin's "change finding" (commissioners)

    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Assign the finding to an active staff user, or unassign it (null): a ledger event."""
        finding = self.get_object()
        assignee = self.read_input(compliance.FindingAssignInput)["assignee"]
        return self.output(
            finding_assign(user=acting_user(request.user), finding=finding, assignee=assignee)
        )

    def schema_for(self, action_name: str) -> SchemaEntry | None:
        if action_name == "assign":
            return compliance.FindingAssignInput, {200: self.output_serializer}
        return super().schema_for(action_name)
