"""Which database a query goes to: the router's rules (the real primary + replica pair: test_read_replica_pair)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from anju.core.models import Area
from anju.core.replica import ReadReplicaRouter, reading_from_replica, replica_reads

router = ReadReplicaRouter()


@override_settings(ANJU_READ_REPLICA=True)
def test_marked_reads_go_to_the_replica_and_everything_else_to_the_primary():
    assert router.db_for_read(Area) is None  # unmarked: the default database
    with reading_from_replica():
        assert router.db_for_read(Area) == "replica"
        assert router.db_for_write(Area) == "default"
    assert router.db_for_read(Area) is None

    @replica_reads
    def overview():
        return router.db_for_read(Area)

    assert overview() == "replica"
    assert router.db_for_read(Area) is None


@override_settings(ANJU_READ_REPLICA=False)
def test_without_a_replica_nothing_changes():
    with reading_from_replica():
        assert router.db_for_read(Area) is None


@pytest.mark.django_db(transaction=True)
@override_settings(ANJU_READ_REPLICA=True)
def test_a_transaction_reads_its_own_writes_on_the_primary():
    with reading_from_replica():
        assert router.db_for_read(Area) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Area) is None


def test_only_the_primary_is_migrated():
    assert router.allow_migrate("default", "core") is True
    assert router.allow_migrate("replica", "core") is False
