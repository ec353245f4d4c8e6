"""Two interview slots of one stage (one panel) never overlap: an exclusion constraint on
PostgreSQL (btree_gist gives the "=" on the stage); SQLite has none, and the service checks there.
Then the role groups get the finals' permissions."""

from django.db import migrations

from agencies.roles import sync_role_groups

CONSTRAINT = "interview_slot_no_overlap"


def add_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Creating the extension needs the right to do so; without it the service check still holds.
    schema_editor.execute("SAVEPOINT judging_btree_gist")
    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    except Exception:  # noqa: BLE001 - any refusal leaves the service check alone
        schema_editor.execute("ROLLBACK TO SAVEPOINT judging_btree_gist")
        return
    schema_editor.execute("RELEASE SAVEPOINT judging_btree_gist")
    schema_editor.execute(
        f"ALTER TABLE judging_interviewslot ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (stage_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)"
    )


def remove_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE judging_interviewslot DROP CONSTRAINT IF EXISTS {CONSTRAINT}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("judging", "0003_finals"),
        ("agencies", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(add_exclusion, remove_exclusion),
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
