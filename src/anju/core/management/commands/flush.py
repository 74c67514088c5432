"""Django's ``flush`` (empty every table), allowed to empty the append-only audit table as well.

Flushing removes every row of every table at once; it is how the test runner resets the database between
transactional tests, and an administrator's deliberate reset. The audit table's triggers refuse any other
DELETE (see ``anju.core.audit_guard``).
"""

from django.core.management.commands.flush import Command as DjangoFlushCommand
from django.db import connections

from anju.core.audit_guard import wipe_allowed


class Command(DjangoFlushCommand):
    def handle(self, **options):
        with wipe_allowed(connections[options["database"]]):
            return super().handle(**options)
