import pytest
from django.test import Client
from django.urls import reverse

from audits.register.models import (
    Authorisation,
    Deployment,
    PostDeploymentReview,
    Search,
    Status,
    Watchlist,
)
from tests import personas

pytestmark = pytest.mark.django_db

WHO = {
    "recorder": lambda: personas.recorder("NMP"),
    "officer": lambda: personas.officer("NMP"),
    "reviewer": lambda: personas.reviewer("NMP"),
    "commissioner": personas.commissioner,
    "auditor": personas.auditor,
    "admin": personas.administrator,
}


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize(
    "model", [Deployment, Authorisation, Watchlist, Search, PostDeploymentReview]
)
@pytest.mark.parametrize("step", ["amend", "withdraw"])
@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.DRAFT])
def test_diag(model, step, who, status):
    path = "deployment__force__code" if model is PostDeploymentReview else "force__code"
    obj = model.objects.filter(status=status, **{path: "NMP"}).first()
    if obj is None:
        pytest.skip("none")
    c = Client(raise_request_exception=False)
    personas.login(c, WHO[who]())
    url = reverse(f"admin:register_{model._meta.model_name}_{step}", args=[obj.pk])
    r = c.get(url)
    ch = c.get(reverse(f"admin:register_{model._meta.model_name}_change", args=[obj.pk]))
    with open("/tmp/diag/out.txt", "a") as f:
        f.write(f"{model.__name__} {status} {step} {who} {r.status_code} change={ch.status_code}\n")
