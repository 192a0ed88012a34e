"""The roles exist as groups with exactly the permissions audits/register/roles.py names."""

import pytest
from django.contrib.auth.models import Group, Permission

from audits.register.roles import ROLE_APPS, ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_holds_exactly_its_permissions(role):
    held = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
    if ROLES[role] == ["*"]:
        assert held == set(
            Permission.objects.filter(content_type__app_label__in=[*ROLE_APPS, "auth"]).values_list(
                "codename", flat=True
            )
        )
    else:
        assert held == set(ROLES[role])


def test_commissioners_and_auditors_change_no_force_record():
    for role in ("Commissioner", "Auditor"):
        names = ROLES[role]
        assert not [n for n in names if n.split("_")[0] in {"add", "delete"}]
        assert [n for n in names if n.startswith("change_")] in ([], ["change_finding"])
