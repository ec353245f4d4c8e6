from django.db import migrations

from agencies.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("judging", "0001_initial"),
        ("agencies", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
