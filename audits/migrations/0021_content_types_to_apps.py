"""Carry each moved model's content type over to the app that now owns it.

The row is relabelled, not replaced, so its id stays: every permission (and so every role and
every user's own permissions), every amendment's and finding's link to its record, and the admin's
log keep pointing at it. The mapping is written out here, not read from the apps, so that this
step means the same whatever the code looks like later.
"""

from django.db import migrations

MOVED = {
    "ledger": ["ledgerevent"],
    "register": [
        "force",
        "membership",
        "system",
        "usecase",
        "watchlistcategory",
        "offencetype",
        "outcome",
        "authorisation",
        "watchlist",
        "watchlistcategorycount",
        "deployment",
        "facesseenrevision",
        "devicesession",
        "alert",
        "search",
        "postdeploymentreview",
        "amendment",
    ],
    "compliance": ["policyprofile", "rule", "finding"],
    "oversight": ["commissionerreview", "reviewmessage"],
}


def relabel(apps, schema_editor, *, source: str, target_of) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for row in content_type.objects.filter(app_label=source):
        target = target_of(row.model)
        if target is None:
            continue
        if content_type.objects.filter(app_label=target, model=row.model).exists():
            # Created by a post_migrate run that came first; nothing points at it yet.
            content_type.objects.filter(app_label=target, model=row.model).delete()
        row.app_label = target
        row.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    app_of = {model: app for app, models in MOVED.items() for model in models}
    relabel(apps, schema_editor, source="audits", target_of=app_of.get)


def backwards(apps, schema_editor):
    for app in MOVED:
        relabel(apps, schema_editor, source=app, target_of=lambda model: "audits")


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0020_tables_to_apps"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
