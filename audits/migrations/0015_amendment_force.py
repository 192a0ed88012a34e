"""Each amendment carries its record's force, so that scope() can filter amendments in SQL (until
now the admin's amendment list showed every force's). Existing amendments take the force of the
record they amend."""

import django.db.models.deletion
from django.db import migrations, models

# The amendable records and the lookup from each to its force.
FORCE_OF = {
    "authorisation": "force_id",
    "watchlist": "force_id",
    "deployment": "force_id",
    "search": "force_id",
    "postdeploymentreview": "deployment__force_id",
}


def fill_force(apps, schema_editor):
    Amendment = apps.get_model("audits", "Amendment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model_name, lookup in FORCE_OF.items():
        content_type = ContentType.objects.filter(app_label="audits", model=model_name).first()
        if content_type is None:
            continue
        model = apps.get_model("audits", model_name)
        forces = dict(model.objects.values_list("pk", lookup))
        for amendment in Amendment.objects.filter(content_type=content_type, force__isnull=True):
            amendment.force_id = forces[amendment.object_id]
            amendment.save(update_fields=["force"])
    orphans = Amendment.objects.filter(force__isnull=True).count()
    if orphans:
        raise RuntimeError(f"{orphans} amendments amend a record whose force cannot be found.")


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0014_roles_recorder_submits"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="amendment",
            name="force",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="audits.force",
            ),
        ),
        migrations.RunPython(fill_force, migrations.RunPython.noop),
    ]
