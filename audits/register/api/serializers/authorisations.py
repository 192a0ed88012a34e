from audits.register.api.serializers.base import (
    ForceOwnedInput,
    InputSerializer,
    RecordOutput,
    editable_fields,
)
from audits.register.models import Authorisation

FIELDS = editable_fields(Authorisation, exclude={"force"})


class AuthorisationCreateInput(ForceOwnedInput):
    class Meta:
        model = Authorisation
        fields = ["force", *FIELDS]


class AuthorisationUpdateInput(InputSerializer):
    class Meta:
        model = Authorisation
        fields = FIELDS


class AuthorisationOutput(RecordOutput):
    class Meta:
        model = Authorisation
        fields = "__all__"
