"""Seasonality and planted surges of the synthetic history (pure counting, no database)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pytest

from anju.demo import history
from anju.demo.geography import TOWNS

TODAY = dt.date(2026, 3, 20)


@pytest.fixture(scope="module")
def villages():
    out = []
    for town_no, town in enumerate(TOWNS, start=1):
        for village_no, plan in enumerate(town.villages, start=1):
            out.append(
                history.Village(
                    town_no * 100 + village_no,
                    f"339901{town_no:03d}{village_no:03d}",
                    plan.name,
                    town.name,
                    town_no,
                    plan.profile,
                )
            )
    return out


@pytest.fixture(scope="module")
def generated(villages):
    return history.occurrences(villages, TODAY, 3, np.random.default_rng(11))


def _weekly(occurrences, predicate) -> Counter:
    return Counter(history.monday(o.day) for o in occurrences if predicate(o))


def test_history_spans_three_years_and_has_about_twenty_matters_a_week(generated):
    occurrences, _ = generated
    days = [o.day for o in occurrences]
    assert max(days) <= TODAY
    assert (TODAY - min(days)).days >= 3 * 365
    weeks = len(history.week_starts(TODAY, 3))
    assert 15 < len(occurrences) / weeks < 30


def test_environment_complaints_peak_in_summer(generated):
    occurrences, _ = generated
    env = [o for o in occurrences if o.domain == "environment_projects" and not o.surge]
    summer = sum(1 for o in env if o.day.month in (6, 7, 8))
    winter = sum(1 for o in env if o.day.month in (12, 1, 2))
    assert summer > 1.6 * winter


def test_school_start_raises_education_demands(generated):
    occurrences, _ = generated
    edu = Counter(o.day.month for o in occurrences if o.domain == "education")
    assert edu[9] > 2 * edu[1]


def test_wage_demands_surge_in_the_industrial_village_before_each_spring_festival(generated):
    occurrences, planted = generated
    wage = next(p for p in planted if p.key == "wage_spring_festival")
    assert wage.villages == ["金桥村（339901002001）"]
    weekly = _weekly(
        occurrences, lambda o: o.village.name == "金桥村" and o.domain == "social_security_wages"
    )
    surge_weeks = set(wage.weeks)
    assert len(surge_weeks) >= 8  # festivals 2024, 2025 and 2026 inside three years before TODAY
    for festival in (dt.date(2024, 2, 10), dt.date(2025, 1, 29), dt.date(2026, 2, 17)):
        before = [history.monday(festival) - dt.timedelta(weeks=k) for k in range(1, 5)]
        assert all(w in surge_weeks for w in before)
        assert sum(weekly[w] for w in before) >= 16, festival
    all_weeks = history.week_starts(TODAY, 3)
    quiet = [weekly[w] for w in all_weeks if w not in surge_weeks]
    baseline = sum(quiet) / len(quiet)
    assert baseline < 0.8
    assert min(weekly[w] for w in surge_weeks) > history.poisson_upper(baseline, 0.99) - 1


def test_land_disputes_burst_after_the_project_announcement(generated):
    occurrences, planted = generated
    land = next(p for p in planted if p.key == "land_project")
    names = {v.split("（")[0] for v in land.villages}
    assert names == {"上埠村", "下埠村", "沙洲村"}
    announced = history.monday(TODAY) - dt.timedelta(weeks=history.LAND_ANNOUNCED_WEEKS_AGO)
    assert land.weeks[0] == announced and len(land.weeks) == 8
    in_villages = [o for o in occurrences if o.village.name in names and o.domain == "land_requisition"]
    after = sum(1 for o in in_villages if announced <= o.day < announced + dt.timedelta(weeks=8))
    before = sum(1 for o in in_villages if announced - dt.timedelta(weeks=8) <= o.day < announced)
    assert after >= 25 and after > 5 * max(before, 1)


def test_a_live_odour_surge_in_the_last_weeks(generated):
    occurrences, planted = generated
    odour = next(p for p in planted if p.key == "odour_now")
    assert odour.weeks[-1] == history.monday(TODAY)
    env = _weekly(occurrences, lambda o: o.village.name == "石门村" and o.domain == "environment_projects")
    recent = env[odour.weeks[-2]] + env[odour.weeks[-3]]
    earlier = [env[w] for w in history.week_starts(TODAY, 3)[:-3]]
    assert recent >= 8
    assert sum(earlier) / len(earlier) < 0.5


def test_same_seed_same_history(villages):
    a, _ = history.occurrences(villages, TODAY, 1, np.random.default_rng(5))
    b, _ = history.occurrences(villages, TODAY, 1, np.random.default_rng(5))
    c, _ = history.occurrences(villages, TODAY, 1, np.random.default_rng(6))
    assert a == b
    assert a != c


def test_spring_festival_table_covers_the_years_asked_for():
    assert history.SPRING_FESTIVALS[2024] == dt.date(2024, 2, 10)
    assert history.SPRING_FESTIVALS[2025] == dt.date(2025, 1, 29)
    assert history.SPRING_FESTIVALS[2026] == dt.date(2026, 2, 17)
    assert history.SPRING_FESTIVALS[2027] == dt.date(2027, 2, 6)
