"""Set-based writes of many rows at once (rankings, public years, generated data): one statement
per batch on PostgreSQL where Django's bulk_update would grow with the square of the batch."""

from django.db import connections, router


def bulk_update_rows(model, objs, fields: list[str], *, batch_size: int = 50_000) -> None:
    """Write `fields` of every object in `objs` (all saved rows of `model`).

    On PostgreSQL one `UPDATE ... FROM (SELECT unnest(...))` per batch, skipping unchanged rows:
    linear in the number of rows, where Django's bulk_update builds one CASE WHEN per field whose
    cost grows with the square of the batch (minutes for 40,000 ranking rows). Elsewhere
    bulk_update in batches.
    """
    update_rows(
        model,
        fields,
        (
            [obj.pk] + [getattr(obj, model._meta.get_field(name).attname) for name in fields]
            for obj in objs
        ),
        batch_size=batch_size,
    )


def update_rows(model, fields: list[str], rows, *, batch_size: int = 50_000) -> int:
    """Write `fields` of the rows of `model` given as (pk, value of each field) sequences, without
    building model instances. Same statement as bulk_update_rows; returns the number of rows
    sent (on PostgreSQL those already right are not rewritten)."""
    rows = list(rows)
    if not rows:
        return 0
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    if connection.vendor != "postgresql":
        objs = []
        for row in rows:
            obj = model(pk=row[0])
            for field, value in zip(columns, row[1:], strict=True):
                setattr(obj, field.attname, value)
            objs.append(obj)
        model._default_manager.using(using).bulk_update(objs, fields, batch_size=500)
        return len(rows)
    sets = ", ".join(f'"{field.column}" = v."{field.column}"' for field in columns)
    # Rows whose values are already right are left alone (no dead tuples, no trigger work).
    changed = " OR ".join(
        f'"{meta.db_table}"."{field.column}" IS DISTINCT FROM v."{field.column}"'
        for field in columns
    )
    casts = ["bigint"] + [field.db_type(connection) for field in columns]
    names = ["id"] + [field.column for field in columns]
    # One array parameter per column, unnested: the server parses a few literals instead of a
    # VALUES list of thousands of expressions.
    source = ", ".join(
        f'unnest(%s::{cast}[]) AS "{name}"' for cast, name in zip(casts, names, strict=True)
    )
    sql = (
        f'UPDATE "{meta.db_table}" SET {sets} FROM (SELECT {source}) AS v '
        f'WHERE "{meta.db_table}"."id" = v."id" AND ({changed})'
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            params = [[row[0] for row in batch]] + [
                [field.get_db_prep_save(row[index], connection) for row in batch]
                for index, field in enumerate(columns, start=1)
            ]
            cursor.execute(sql, params)
    return len(rows)
