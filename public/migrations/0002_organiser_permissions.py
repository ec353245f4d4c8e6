"""The organiser group manages announcements and the favourite vote in the admin.

Granted here rather than in agencies.roles.ROLE_PERMISSIONS so that the public app stays
self-contained; `sync_role_groups` never removes permissions, so both can coexist.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ORGANISER_PERMISSIONS = [
    "add_announcement",
    "change_announcement",
    "delete_announcement",
    "view_announcement",
    "add_favouritevotewindow",
    "change_favouritevotewindow",
    "view_favouritevotewindow",
    "view_favouritevote",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("public")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="organiser")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="public", codename__in=ORGANISER_PERMISSIONS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0001_initial"),
        ("agencies", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
