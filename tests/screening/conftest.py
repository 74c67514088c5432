"""Screening fixtures: the `world` with its default cadences and the current rounds opened."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.core.models import AreaLevel, Domain


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def rounds(world, today):
    """The rounds open today: {level: Round}."""
    from anju.screening.actions import open_due_rounds

    return {r.level: r for r in open_due_rounds(today)}


@pytest.fixture
def village_round(rounds):
    return rounds[AreaLevel.VILLAGE]


@pytest.fixture
def past_village_round(world, today):
    """A village round whose due date has passed (opened ~40 days ago) and that is still open."""
    from anju.screening.actions import ensure_default_cadences, open_due_rounds
    from anju.screening.models import Cadence

    ensure_default_cadences()
    Cadence.objects.update(close_after_days=None)  # keep it open although long past due
    opened = open_due_rounds(today - dt.timedelta(days=40))
    return next(r for r in opened if r.level == AreaLevel.VILLAGE)


def all_nothing() -> list[dict]:
    return [{"domain": d, "nothing_found": True, "matters": []} for d in Domain.objects.filter(active=True)]


def lines_with(domain, *matters) -> list[dict]:
    """Every active domain 无, except ``domain`` with ``matters``."""
    lines = all_nothing()
    for line in lines:
        if line["domain"].pk == domain.pk:
            line["nothing_found"] = False
            line["matters"] = list(matters)
    return lines


def a_matter(**overrides) -> dict:
    data = {
        "kind": "dispute",
        "title": "东一村两户宅基地边界纠纷",
        "description": "两户因宅基地边界发生争执，多次口角。",
        "people_involved": 2,
        "amount_involved": 0,
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The `world` hashes a password per user; the production hasher makes that most of each test's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
