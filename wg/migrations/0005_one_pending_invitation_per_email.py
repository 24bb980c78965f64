"""One pending invitation per address, held by the database (two chairs inviting the same
address at once used to create two). Before the constraint, every pending invitation but the
newest of an address is revoked."""

from django.db import migrations, models


def revoke_older_duplicates(apps, schema_editor):
    Invitation = apps.get_model("wg", "Invitation")
    newest: set[str] = set()
    for invitation in Invitation.objects.filter(status="pending").order_by("-created_at", "-pk"):
        if invitation.email in newest:
            Invitation.objects.filter(pk=invitation.pk).update(status="revoked")
        else:
            newest.add(invitation.email)


class Migration(migrations.Migration):
    dependencies = [
        ("wg", "0004_round_registration_and_joint_submission"),
    ]

    operations = [
        migrations.RunPython(revoke_older_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")),
                fields=("email",),
                name="one_pending_invitation_per_email",
            ),
        ),
    ]
