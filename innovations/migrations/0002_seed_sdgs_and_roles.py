from django.db import migrations

from agencies.roles import sync_role_groups


def seed_sdgs(apps, schema_editor):
    Goal = apps.get_model("innovations", "SustainableDevelopmentGoal")
    Goal.objects.bulk_create([Goal(number=n) for n in range(1, 18)], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0001_initial"),
        ("agencies", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(seed_sdgs, migrations.RunPython.noop),
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
