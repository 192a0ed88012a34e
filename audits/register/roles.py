"""The roles of the register and what each may do, as data for the roles migration."""

from typing import Any

RECORD_MODELS = [
    "authorisation",
    "watchlist",
    "watchlistcategorycount",
    "deployment",
    "devicesession",
    "facesseenrevision",
    "alert",
    "search",
]
REFERENCE_MODELS = ["force", "system", "usecase", "watchlistcategory", "offencetype", "outcome"]
COMPLIANCE_MODELS = ["policyprofile", "rule", "finding"]
READ_MODELS = [
    *RECORD_MODELS,
    *REFERENCE_MODELS,
    *COMPLIANCE_MODELS,
    "postdeploymentreview",
    "amendment",
    "publication",  # the documents forces published, and each record's row in them
    "publishedrow",
]


def _perms(actions: list[str], models: list[str]) -> list[str]:
    return [f"{action}_{model}" for action in actions for model in models]


FORCE_RECORDER = "Force recorder"
AUTHORISING_OFFICER = "Authorising officer"
FORCE_REVIEWER = "Force reviewer"
COMMISSIONER = "Commissioner"
AUDITOR = "Auditor"
ADMINISTRATOR = "Administrator"

# codenames in ROLE_APPS (unique across them); the administrator also gets every auth permission
# (users, groups)
ROLES: dict[str, list[str]] = {
    FORCE_RECORDER: [
        *_perms(["view"], READ_MODELS),
        *_perms(["add", "change", "delete"], RECORD_MODELS),
        "import_records",
        "submit_record",  # the recorder submits what they recorded; the reviewer reviews it
    ],
    AUTHORISING_OFFICER: [
        *_perms(["view"], READ_MODELS),
        "change_authorisation",
        "approve_authorisation",
    ],
    FORCE_REVIEWER: [
        *_perms(["view"], READ_MODELS),
        *_perms(["view"], ["commissionerreview", "reviewmessage"]),
        "answer_commissioner_review",
        *_perms(["add", "change"], ["postdeploymentreview"]),
        "submit_record",
        "amend_record",
        "withdraw_record",
        "mark_reviewed",
    ],
    # Commissioners load the grids of forces that publish but do not use the register.
    COMMISSIONER: [
        *_perms(["view"], READ_MODELS),
        "view_all_forces",
        "import_records",
        "change_finding",  # assigning findings in the queue; nothing else about them changes
        *_perms(["view"], ["commissionerreview", "reviewmessage"]),
        "conduct_commissioner_review",
    ],
    AUDITOR: [
        *_perms(["view"], [*READ_MODELS, "commissionerreview", "reviewmessage"]),
        "view_all_forces",
        "view_ledgerevent",
        "view_journalentry",  # PostgreSQL's trigger journal, which verification reads
    ],
    ADMINISTRATOR: ["*"],
}


# The apps whose permissions the roles name (every model app of ours); auth for the administrator.
ROLE_APPS = ["ledger", "register", "compliance", "oversight"]


def roles_apply(sender: Any = None, apps: Any = None, **kwargs: Any) -> None:
    """Create or update every role group with the permissions it names (a post_migrate receiver).

    It runs after each app's permissions are created, so the last run sees them all; a name not
    created yet is skipped until then, and tests/register/test_roles.py checks that every name
    exists once migrate has finished. Setting the groups again is a no-op when nothing changed.
    """
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    ours = permission_model.objects.filter(content_type__app_label__in=ROLE_APPS)
    for name, codenames in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        if codenames == ["*"]:
            wanted = ours | permission_model.objects.filter(content_type__app_label="auth")
        else:
            wanted = ours.filter(codename__in=codenames)
        group.permissions.set(wanted)
