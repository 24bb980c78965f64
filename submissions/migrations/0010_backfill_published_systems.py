"""Rounds published before results tables had rows: group their results into one row per
organisation, system and division, with the columns and IDs publication now gives."""

from django.db import migrations

from submissions import results_columns


def forwards(apps, schema_editor):
    PublishedResult = apps.get_model("submissions", "PublishedResult")
    PublishedSystem = apps.get_model("submissions", "PublishedSystem")
    SystemDescription = apps.get_model("submissions", "SystemDescription")
    Round = apps.get_model("roadmap", "Round")
    for round_ in Round.objects.filter(published_results__row__isnull=True).distinct():
        groups = {}
        for result in PublishedResult.objects.filter(round=round_, row__isnull=True).select_related(
            "version", "organization"
        ):
            key = (result.organization_id, result.system, result.division)
            groups.setdefault(key, []).append(result)
        built = []
        for (org_id, system, division), results in groups.items():
            version = max((r.version for r in results), key=lambda v: v.number)
            desc = SystemDescription.objects.filter(version=version, name=system).first()
            content = desc.content if desc else {}
            columns = results_columns.system_columns(content, fallback_name=system)
            availability = results_columns.official_availability(content.get("status"))
            built.append((org_id, system, division, results, version, columns, availability,
                          content.get("status", ""), results[0].organization.name))
        built.sort(key=lambda b: (results_columns.table_position(b[2], b[6]), b[8].lower(),
                                  b[5].system_name.lower(), b[1]))
        for index, (org_id, system, division, results, version, columns, availability, status,
                    _name) in enumerate(built, start=1):
            row = PublishedSystem.objects.create(
                round=round_,
                organization_id=org_id,
                result_id=results_columns.result_id(round_.ruleset, index),
                system=system,
                division=division,
                category=results_columns.category(status),
                availability=availability or str(status)[:100],
                description_version=version,
                **vars(columns),
            )
            PublishedResult.objects.filter(pk__in=[r.pk for r in results]).update(row=row)


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0009_published_systems"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
