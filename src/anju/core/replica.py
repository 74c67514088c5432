"""Read-heavy work on a PostgreSQL read replica, when one is configured (``ANJU_DATABASE_REPLICA_URL``).

Only work that is marked reads from the replica: the overview dashboard, the monthly report's figures and
the ledger exports (``reading_from_replica`` / ``@replica_reads``). Everything else — and any read inside a
transaction on the primary, so that a transaction always sees its own writes — reads the primary, so a user
never misses what they have just done because of replication lag. Writes always go to the primary. Without
a replica configured, all of this is a no-op.
"""

from __future__ import annotations

import contextvars
import functools
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_replica_wanted = contextvars.ContextVar("anju_replica_wanted", default=False)


@contextmanager
def reading_from_replica():
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


def replica_reads(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with reading_from_replica():
            return function(*args, **kwargs)

    return wrapper


class ReadReplicaRouter:
    """``DATABASE_ROUTERS`` entry, installed by settings only when a replica is configured."""

    def db_for_read(self, model, **hints):
        if (
            _replica_wanted.get()
            and settings.ANJU_READ_REPLICA
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
