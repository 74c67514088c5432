"""Triage keeps its loaded model per process; each test starts without one."""

from __future__ import annotations

import pytest

from anju.triage import service


@pytest.fixture(autouse=True)
def fresh_model():
    service._cache.clear()
    yield
    service._cache.clear()
