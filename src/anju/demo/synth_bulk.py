"""The database side of `anju synth`: copies of the demo's rows written by the database itself.

Python plans each batch — one row per matter copy (its new id, its demo original, its county, its number) and
one per report copy (its receipt code) — and writes only that plan into temporary tables (``COPY`` on
PostgreSQL, ``executemany`` on SQLite). One ``INSERT … SELECT`` per table then joins the plan to a snapshot of
the demo's rows and to the county's id maps (area, unit, user): no model instance is built, and every column
not remapped — stored text, JSON, and the ``enc2:`` ciphertext of personal data — is copied byte for byte.
Copying ciphertext is sound because a value is a Fernet token under the installation's field key with no
associated data naming its row (``core.crypto``), so the copy decrypts to the original's plain text with the
same key; re-encrypting it would cost one AES and HMAC per field and change nothing a reader sees.

The same statements run on PostgreSQL and SQLite; only id allocation and the plan's loading differ.
"""

from __future__ import annotations

from django.db import connection

from anju.core.models import Area, Unit, User

# the id maps of the county copies: the model a foreign key names → its temporary map table
MAP_TABLES = {Area: "synth_area", Unit: "synth_unit", User: "synth_user"}
PLAN = "synth_plan"  # new_id, src_id, county, number: one row per matter copy of the batch
RECEIPTS = "synth_receipt"  # new_id (the new matter), src_id (the demo report), county, code
SOURCE_IDS = "synth_src_ids"  # the demo matters copied


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


def source_table(model) -> str:
    return f"synth_src_{model._meta.db_table}"


def create_work_tables(source_ids, models_by_matter) -> None:
    """The temporary tables of one run: id maps, the batch's plan, and snapshots of the demo's rows.

    ``models_by_matter`` are the tables copied with their matter (``matter_id``); the snapshots keep the
    joins of every batch on a few thousand demo rows, never on the growing tables."""
    drop_work_tables(models_by_matter)
    with connection.cursor() as cursor:
        for table in MAP_TABLES.values():
            cursor.execute(
                f"CREATE TEMPORARY TABLE {table} (county integer NOT NULL, old bigint NOT NULL, "
                "new bigint NOT NULL, PRIMARY KEY (county, old))"
            )
        cursor.execute(
            f"CREATE TEMPORARY TABLE {PLAN} (new_id bigint PRIMARY KEY, src_id bigint NOT NULL, "
            "county integer NOT NULL, number varchar(30) NOT NULL)"
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE {RECEIPTS} (new_id bigint NOT NULL, src_id bigint NOT NULL, "
            "county integer NOT NULL, code varchar(16) NOT NULL)"
        )
        cursor.execute(f"CREATE TEMPORARY TABLE {SOURCE_IDS} (id bigint PRIMARY KEY)")
        _load(cursor, SOURCE_IDS, ("id",), [(pk,) for pk in source_ids])
        for model in models_by_matter:
            key = "id" if model._meta.model_name == "matter" else "matter_id"
            cursor.execute(
                f"CREATE TEMPORARY TABLE {source_table(model)} AS SELECT * FROM {qn(model._meta.db_table)} "  # nosec B608 - identifiers from model metadata and module constants, quoted; values are parameters
                f"WHERE {key} IN (SELECT id FROM {SOURCE_IDS})"
            )
        if is_postgresql():
            cursor.execute("ANALYZE " + ", ".join(source_table(m) for m in models_by_matter))


def drop_work_tables(models_by_matter) -> None:
    tables = [*MAP_TABLES.values(), PLAN, RECEIPTS, SOURCE_IDS, *map(source_table, models_by_matter)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def load_maps(copies) -> None:
    """Each county copy's area, unit and user ids (county 0 is the demo itself and maps nothing)."""
    with connection.cursor() as cursor:
        for model, table in MAP_TABLES.items():
            attribute = {Area: "areas", Unit: "units", User: "users"}[model]
            rows = [(c.index, old, new) for c in copies for old, new in getattr(c, attribute).items()]
            _load(cursor, table, ("county", "old", "new"), rows)
        if is_postgresql():
            cursor.execute("ANALYZE " + ", ".join(MAP_TABLES.values()))


def set_aside_checks(models) -> list[str]:
    """PostgreSQL: drop the foreign-key constraints and the non-unique indexes of the tables written, and
    return the statements that add them back (``restore_checks``, in the same transaction).

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so every inserted row queues one check per key,
    all run at the commit: more than half of a run's time. And each row updates some forty indexes one entry
    at a time. Adding a key back checks every row in one join, and building an index sorts once: together a
    third of the time they cost row by row. Primary keys and unique indexes (matter numbers, receipt codes)
    stay and check every row as it comes."""
    if not is_postgresql():
        return []
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        # checks still queued by this transaction's earlier writes run now (a table with pending trigger
        # events cannot be altered)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # for this transaction only: a batch's ordered copy (≈ 75,000 timeline rows) sorts in memory, not in
        # temporary files, and each index is built by one sort in memory where it fits
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
            [tables],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid::regclass::text = ANY(%s) AND NOT indisunique ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")  # regclass text: quoted where it needs to be
    return [definition for _name, definition in indexes] + [
        f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}" for table, name, definition in keys
    ]


def restore_checks(statements) -> None:
    """Build the indexes and add the keys back: each key is validated against every row (a row naming a
    missing area, unit, user or matter fails the run, and its transaction writes nothing)."""
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def analyze(models) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(qn(m._meta.db_table) for m in models))


def allocate_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys of ``model`` (from its sequence on PostgreSQL; after the highest id on
    SQLite, whose AUTOINCREMENT then continues after them), for rows written with explicit ids."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX({qn(model._meta.pk.column)}), 0) FROM {qn(table)}")  # nosec B608 - identifiers from model metadata and module constants, quoted; values are parameters
        highest = cursor.fetchone()[0]
        return list(range(highest + 1, highest + 1 + count))


def load_plan(plan_rows, receipt_rows) -> None:
    """The batch's plan, in the batch's transaction."""
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(f"TRUNCATE {PLAN}, {RECEIPTS}")
        else:
            cursor.execute(f"DELETE FROM {PLAN}")  # nosec B608 - identifiers from model metadata and module constants, quoted; values are parameters
            cursor.execute(f"DELETE FROM {RECEIPTS}")  # nosec B608 - identifiers from model metadata and module constants, quoted; values are parameters
        _load(cursor, PLAN, ("new_id", "src_id", "county", "number"), plan_rows)
        _load(cursor, RECEIPTS, ("new_id", "src_id", "county", "code"), receipt_rows)
        if is_postgresql():
            cursor.execute(f"ANALYZE {PLAN}, {RECEIPTS}")


def _load(cursor, table: str, columns, rows) -> None:
    if not rows:
        return
    names = ", ".join(columns)
    if is_postgresql():
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # nosec B608 - identifiers from model metadata and module constants, quoted; values are parameters


def insert_select(
    model, *, source: str, plan: str, join_on: str, fixed: dict, now, order: str, params=()
) -> int:
    """Copy ``model``'s rows from ``source`` (alias ``s``) joined to ``plan`` (alias ``p``, with a ``county``
    column) on ``join_on``: the columns in ``fixed`` take the given SQL, foreign keys to areas, units and
    users the county copy's ids, ``auto_now`` columns ``now``, and every other column its stored value, in
    ``order``; ``params`` are those of ``join_on``. Returns the rows written."""
    columns, values, joins, select_params = [], [], [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in fixed:
            expression = fixed[column]
        elif field.primary_key:
            continue
        elif field.is_relation and field.related_model in MAP_TABLES:
            alias = f"m_{column}"
            joins.append(
                f"LEFT JOIN {MAP_TABLES[field.related_model]} {alias} "
                f"ON {alias}.county = p.county AND {alias}.old = s.{qn(column)}"
            )
            expression = f"COALESCE({alias}.new, s.{qn(column)})"
        elif getattr(field, "auto_now", False):
            expression = "%s"
            select_params.append(now)
        else:
            expression = f"s.{qn(column)}"
        columns.append(qn(column))
        values.append(expression)
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) "  # nosec B608 - identifiers from model metadata and module constants, quoted; values are parameters
        f"SELECT {', '.join(values)} FROM {source} s JOIN {plan} p ON {join_on} "
        f"{' '.join(joins)} ORDER BY {order}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*select_params, *params])
        return cursor.rowcount
