"""Fixtures for intake tests: uploads in a temporary media folder and a clean rate-limit cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from anju.intake.duplicates import ledger_index


@pytest.fixture(autouse=True)
def media_cache_and_fast_hashing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    # The world fixture creates nine users; a fast hasher keeps these tests quick on a shared machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _clear_cache()
    ledger_index.clear()  # the index lives per process; each test has its own ledger
    yield
    _clear_cache()
    ledger_index.clear()


def _clear_cache():
    """Rate-limit counts live in the database cache; a test without database access has none to clear."""
    try:
        cache.clear()
    except RuntimeError:
        pass
