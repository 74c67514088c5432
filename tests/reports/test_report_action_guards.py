"""Monthly-report actions' own guards, called directly (see ``tests/guards.py``): generate and submit.
Who may is written by hand from the README's role table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.core.errors import NotAllowed
from anju.reports import actions
from anju.reports.models import MonthlyReport
from guards import check_guard

# for 东一村's report: every user of the world whose role holds report.monthly and whose area contains 东一村
MAY = {"admin", "centre_staff", "town_staff", "leader", "cadre"}


@pytest.fixture
def month():
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def test_generate(world, month):
    report = check_guard(
        world,
        MAY,
        lambda a: actions.generate_report(a, area=world.village_a1, month=month),
        outside=world.cadre_b,  # 西一村's cadre, for 东一村
        insider=world.cadre,
    )
    assert report.area == world.village_a1 and report.generated_by == world.cadre


def test_submit(world, month):
    report = actions.generate_report(world.centre_staff, area=world.village_a1, month=month)
    submitted = check_guard(
        world,
        MAY,
        lambda a: actions.submit_report(a, report),
        outside=world.cadre_b,
        insider=world.cadre,
    )
    assert submitted.submitted_by == world.cadre


def test_a_refused_generation_creates_no_report(world, month):
    with pytest.raises(NotAllowed):
        actions.generate_report(world.cadre_b, area=world.village_a1, month=month)
    assert not MonthlyReport.objects.exists()
