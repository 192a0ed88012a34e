"""Forces, systems and reference data: read-only here (administrators use the admin).

Few rows, so no pagination. A recorder sees only their own force among the forces.
"""

from audits.register import filtersets
from audits.register.api.serializers import reference
from audits.register.api.views.base import ReadViewSet
from audits.register.models import Force, OffenceType, Outcome, System, UseCase, WatchlistCategory


class ReferenceViewSet(ReadViewSet):
    pagination_class = None


class ForceViewSet(ReferenceViewSet):
    queryset = Force.objects.all()
    output_serializer = reference.ForceOutput


class SystemViewSet(ReferenceViewSet):
    queryset = System.objects.all()
    output_serializer = reference.SystemOutput
    filterset_class = filtersets.SystemFilterSet


class UseCaseViewSet(ReferenceViewSet):
    queryset = UseCase.objects.select_related("force")
    output_serializer = reference.UseCaseOutput
    filterset_class = filtersets.ReferenceFilterSet


class WatchlistCategoryViewSet(ReferenceViewSet):
    queryset = WatchlistCategory.objects.select_related("force")
    output_serializer = reference.WatchlistCategoryOutput
    filterset_class = filtersets.ReferenceFilterSet


class OffenceTypeViewSet(ReferenceViewSet):
    queryset = OffenceType.objects.select_related("force")
    output_serializer = reference.OffenceTypeOutput
    filterset_class = filtersets.ReferenceFilterSet


class OutcomeViewSet(ReferenceViewSet):
    queryset = Outcome.objects.select_related("force")
    output_serializer = reference.OutcomeOutput
    filterset_class = filtersets.ReferenceFilterSet
