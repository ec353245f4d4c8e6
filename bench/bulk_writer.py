"""Many rows into one table at once, for the scale generator: COPY on PostgreSQL, executemany
elsewhere, with ids reserved up front under a table lock."""

import datetime
import io

from django.db import connection
from django.utils import timezone

COPY_ROWS = 50_000


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def reserve(self, model, count: int) -> int:
        """Lock the table and return the first of `count` free ids (the caller inserts them)."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
            cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
            return cursor.fetchone()[0] + 1

    def insert(self, model, fields: list[str], rows) -> int:
        """Insert `rows` (tuples in the order of `fields`, attribute names). Returns the count."""
        table = model._meta.db_table
        fields, extra = self._with_defaults(model, fields)
        if extra:
            rows = (tuple(row) + extra for row in rows)
        columns = [model._meta.get_field(name).column for name in fields]
        quoted = ", ".join(f'"{column}"' for column in columns)
        count = 0
        batch: list = []
        for row in rows:
            batch.append(row)
            if len(batch) >= COPY_ROWS:
                self._flush(table, quoted, len(columns), batch)
                count += len(batch)
                batch = []
        if batch:
            self._flush(table, quoted, len(columns), batch)
            count += len(batch)
        if self.postgres and "id" in fields:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f'(SELECT COALESCE(MAX("id"), 1) FROM "{table}"))',
                    [f'"{table}"'],
                )
        return count

    @staticmethod
    def _with_defaults(model, fields):
        """Add the NOT NULL columns the caller left out, with their model default, so that a field
        added to a model later never breaks the generator."""
        given = set(fields)
        names, values = list(fields), []
        now = timezone.now()
        for field in model._meta.concrete_fields:
            if field.primary_key or field.attname in given or field.name in given:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                continue
            else:
                value = "" if field.empty_strings_allowed else None
            names.append(field.attname)
            values.append(value)
        return names, tuple(values)

    def _flush(self, table, quoted, width, batch):
        with connection.cursor() as cursor:
            if self.postgres:
                buffer = io.StringIO()
                buffer.writelines(
                    "\t".join([_copy_value(value) for value in row]) + "\n" for row in batch
                )
                buffer.seek(0)
                cursor.copy_expert(f'COPY "{table}" ({quoted}) FROM STDIN', buffer)
            else:
                marks = ", ".join(["%s"] * width)
                cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', batch)
