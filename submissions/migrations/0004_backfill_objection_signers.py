"""Every existing objection was signed by the organisation that filed it."""

from django.db import migrations


def forwards(apps, schema_editor):
    Objection = apps.get_model("submissions", "Objection")
    ObjectionSigner = apps.get_model("submissions", "ObjectionSigner")
    ObjectionSigner.objects.bulk_create(
        ObjectionSigner(
            objection_id=objection.pk,
            organization_id=objection.filed_by_id,
            signed_by_id=objection.author_id,
            signed_at=objection.filed_at,
            withdrawn_at=objection.decided_at if objection.status == "withdrawn" else None,
        )
        for objection in Objection.objects.all()
    )


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0003_objection_signers_and_acknowledgement"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
