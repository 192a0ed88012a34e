"""The roles of the register and what each may do, as data for the roles migration."""

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
]


def _perms(actions: list[str], models: list[str]) -> list[str]:
    return [f"{action}_{model}" for action in actions for model in models]


FORCE_RECORDER = "Force recorder"
AUTHORISING_OFFICER = "Authorising officer"
FORCE_REVIEWER = "Force reviewer"
COMMISSIONER = "Commissioner"
AUDITOR = "Auditor"
ADMINISTRATOR = "Administrator"

# codenames in the audits app; the administrator also gets every auth permission (users, groups)
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
    ],
    ADMINISTRATOR: ["*"],
}


def sync_roles(apps) -> None:
    """Create or update every role group with the permissions it names that exist yet.

    A migration runs before later models (and their permissions) exist, so a missing name is
    skipped here; tests/test_roles.py checks that every name exists once all have run.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    audits = permission_model.objects.filter(content_type__app_label="audits")
    for name, codenames in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        if codenames == ["*"]:
            wanted = audits | permission_model.objects.filter(content_type__app_label="auth")
        else:
            wanted = audits.filter(codename__in=codenames)
        group.permissions.set(wanted)
