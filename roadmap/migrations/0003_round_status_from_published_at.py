from django.db import migrations


def forwards(apps, schema_editor):
    Round = apps.get_model("roadmap", "Round")
    Round.objects.filter(published_at__isnull=False).update(status="published")


class Migration(migrations.Migration):
    """Rounds published before rounds had a status are published."""

    dependencies = [("roadmap", "0002_round_status")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
