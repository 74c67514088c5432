"""Database triggers that refuse UPDATE and DELETE on the audit table, so that ordinary queries cannot edit it.

The model already refuses ``save()`` of an existing event and ``delete()``; the triggers also stop
``QuerySet.update()``/``delete()`` and raw SQL. They are a guard, not the proof: someone who may drop a trigger
can still change rows, and the hash chain (``audit_chain``) is what shows it.

One path may delete: ``wipe_allowed``, used only by the ``flush`` command (which empties every table, as the
test runner does between transactional tests). One update is allowed: linking an event into the chain
(``audit_chain.link_pending``), which fills ``seq``, ``prev_hash`` and ``hash`` of an event whose three are
still empty and changes nothing else. Once linked, an event can no longer be updated at all.

- PostgreSQL: a plpgsql function raised BEFORE UPDATE OR DELETE (per row) and BEFORE TRUNCATE. It lets a
  DELETE or TRUNCATE through only when the session setting ``anju.audit_wipe`` is ``on``.
- SQLite: ``RAISE(ABORT)`` triggers. The delete trigger asks ``anju_audit_wipe_allowed()``, a function that
  anju registers on each of its own connections; any other connection (the sqlite3 shell) lacks it and
  its DELETE fails too.

A SQLite migration that rebuilds the table drops its triggers, so ``install`` also runs after every migrate.
"""

from __future__ import annotations

from contextlib import contextmanager

from anju.core.audit_chain import CHAINED_FIELDS

TABLE = "core_auditevent"
MESSAGE = "audit events are append-only"
SQLITE_WIPE_FUNCTION = "anju_audit_wipe_allowed"

# The columns besides the chain's three (the id and the hashed content); linking must leave them as they
# are. A test compares this list with the table's columns, so a column added later is not left open to change
# while an event is linked.
CONTENT_COLUMNS = ("id", *(name for name in CHAINED_FIELDS if name != "seq"))
CHAIN_COLUMNS = ("seq", "prev_hash", "hash")

POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION anju_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN  -- nested: OLD and NEW are not both rows for the other operations
        IF OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
                AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
                AND to_jsonb(NEW) - ARRAY['seq', 'prev_hash', 'hash']
                    = to_jsonb(OLD) - ARRAY['seq', 'prev_hash', 'hash'] THEN
            RETURN NEW;  -- linking an unlinked event into the chain, nothing else changed
        END IF;
    END IF;
    IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('anju.audit_wipe', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '{MESSAGE}: % refused on %', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;
DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};
CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION anju_audit_append_only();
DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};
CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION anju_audit_append_only();
"""
POSTGRES_UNINSTALL = f"""
DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};
DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS anju_audit_append_only();
"""
POSTGRES_TRIGGERS = {f"{TABLE}_append_only", f"{TABLE}_no_truncate"}

_SQLITE_LINKING = " AND ".join(
    [f"OLD.{c} IS NULL AND NEW.{c} IS NOT NULL" for c in CHAIN_COLUMNS]
    + [f'NEW."{c}" IS OLD."{c}"' for c in CONTENT_COLUMNS]
)
SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    WHEN NOT ({_SQLITE_LINKING})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    WHEN NOT {SQLITE_WIPE_FUNCTION}()
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END""",
]
SQLITE_UNINSTALL = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]
SQLITE_TRIGGERS = {f"{TABLE}_no_update", f"{TABLE}_no_delete"}


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_INSTALL)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_INSTALL:
                cursor.execute(statement)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_UNINSTALL)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_UNINSTALL:
                cursor.execute(statement)


def reinstall(connection) -> None:
    """Replace the triggers with this version's (``install`` leaves existing SQLite triggers as they are)."""
    uninstall(connection)
    install(connection)


def missing_triggers(connection) -> set[str]:
    """The guard's triggers that are absent or disabled (all of them on a database anju has no guard for)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal"
                " AND tgenabled <> 'D'",
                [TABLE],
            )
            return POSTGRES_TRIGGERS - {name for (name,) in cursor.fetchall()}
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            return SQLITE_TRIGGERS - {name for (name,) in cursor.fetchall()}
    return {"(no guard for this database)"}


@contextmanager
def wipe_allowed(connection):
    """Let DELETE/TRUNCATE of the audit table through on this connection for the duration (``flush`` only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('anju.audit_wipe', 'on', false)")
    connection.anju_audit_wipe = True
    try:
        yield
    finally:
        connection.anju_audit_wipe = False
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('anju.audit_wipe', 'off', false)")


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give each SQLite connection the function the delete trigger asks."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        SQLITE_WIPE_FUNCTION, 0, lambda: 1 if getattr(connection, "anju_audit_wipe", False) else 0
    )


def install_after_migrate(sender, using, **kwargs) -> None:
    """``post_migrate`` receiver: put back triggers that a table rebuild dropped."""
    from django.db import connections

    connection = connections[using]
    if TABLE in connection.introspection.table_names() and missing_triggers(connection):
        install(connection)
