from audits.register.api.serializers.base import (
    ForceOwnedInput,
    InputSerializer,
    RecordOutput,
    editable_fields,
)
from audits.register.models import Search

FIELDS = editable_fields(Search, exclude={"force"})


class SearchCreateInput(ForceOwnedInput):
    class Meta:
        model = Search
        fields = ["force", *FIELDS]


class SearchUpdateInput(InputSerializer):
    class Meta:
        model = Search
        fields = FIELDS


class SearchOutput(RecordOutput):
    class Meta:
        model = Search
        fields = "__all__"
