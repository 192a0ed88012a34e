from audits.register.api.serializers.base import (
    InputSerializer,
    RecordOutput,
    editable_fields,
    force_code,
)
from audits.register.models import PostDeploymentReview

FIELDS = editable_fields(PostDeploymentReview, exclude={"deployment"})


class ReviewCreateInput(InputSerializer):
    class Meta:
        model = PostDeploymentReview
        fields = ["deployment", *FIELDS]


class ReviewUpdateInput(InputSerializer):
    class Meta:
        model = PostDeploymentReview
        fields = FIELDS


class ReviewOutput(RecordOutput):
    force = force_code("deployment.force.code")

    class Meta:
        model = PostDeploymentReview
        fields = "__all__"
