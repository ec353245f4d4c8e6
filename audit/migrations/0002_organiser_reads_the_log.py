"""The organiser group reads the audit log (`audit.view_auditevent`).

Self-contained, with the historical models: the permission is created here (Django creates
permissions only after the whole migrate run), then granted to the organiser group, created if
it does not exist yet. agencies.roles.ROLE_PERMISSIONS lists it too, for every later sync.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ORGANISER = "organiser"  # agencies.enums.Role.ORGANISER


def grant(apps, schema_editor):
    app_config = apps.get_app_config("audit")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=ORGANISER)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="audit", codename="view_auditevent")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("agencies", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
