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
READ_MODELS = [*RECORD_MODELS, *REFERENCE_MODELS, "postdeploymentreview", "amendment"]


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
    ],
    AUTHORISING_OFFICER: [
        *_perms(["view"], READ_MODELS),
        "change_authorisation",
        "approve_authorisation",
    ],
    FORCE_REVIEWER: [
        *_perms(["view"], READ_MODELS),
        *_perms(["add", "change"], ["postdeploymentreview"]),
        "submit_record",
        "amend_record",
        "withdraw_record",
        "mark_reviewed",
    ],
    COMMISSIONER: [*_perms(["view"], READ_MODELS), "view_all_forces"],
    AUDITOR: [*_perms(["view"], READ_MODELS), "view_all_forces", "view_ledgerevent"],
    ADMINISTRATOR: ["*"],
}
