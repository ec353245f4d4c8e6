"""The pg_trgm extension, for the organiser's possible-duplicate hints (trigram similarity).

PostgreSQL only: on SQLite the hints fall back to difflib (innovations/review.py), and so they do
on a PostgreSQL server where the migrating role may not create extensions (the hints check for
the extension at run time). Kept in the agencies app because innovations' migrations belong to
another change; it is a database feature, not a model.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)


def create_pg_trgm(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        logger.warning(
            "Could not create the pg_trgm extension; duplicate hints will use the slower "
            "fallback. Ask the database administrator to run CREATE EXTENSION pg_trgm."
        )


class Migration(migrations.Migration):
    dependencies = [("agencies", "0002_role_groups")]

    operations = [migrations.RunPython(create_pg_trgm, migrations.RunPython.noop)]
