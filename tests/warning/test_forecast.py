"""Forecasts (anju forecast): the town × domain counts from the ledger, the stored run and its rows, the
weekly refit rule, scope on the rows and on the overview's panel, and the action's guard."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from anju.core.models import Area
from anju.core.roles import Role
from anju.core.scoping import scoped
from anju.matters.actions import create_matter
from anju.warning import actions
from anju.warning import forecast as fc
from anju.warning.counting import monday_of
from anju.warning.models import ForecastRun, ForecastSeries
from guards import check_guard, outsider


def _matter(world, area, domain, day):
    return create_matter(
        world.centre_staff,
        kind="demand",
        domain=domain,
        area=area,
        title="群众反映",
        description="群众反映的问题",
        occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
    )


# counts of the ten complete weeks before this one, oldest first, written by hand
WAGES_A = [1, 0, 2, 1, 0, 3, 1, 2, 0, 1]  # 东镇 (东一村, its grid, and the town itself)
LAND_A = [0, 1, 1, 0, 1, 0, 1, 0, 1, 0]  # 东镇 (东二村)
LAND_B = [0, 1, 0, 0, 2, 0, 1, 0, 1, 1]  # 西镇 (西一村)


@pytest.fixture
def ledger(world):
    origin = monday_of(timezone.localdate()) - dt.timedelta(days=7)
    first = origin - dt.timedelta(weeks=9)
    places = {
        (world.wages, "a"): [world.village_a1, world.grid_a1, world.town_a],
        (world.land, "a"): [world.village_a2],
        (world.land, "b"): [world.village_b1],
    }
    for (domain, town), weekly in (
        ((world.wages, "a"), WAGES_A),
        ((world.land, "a"), LAND_A),
        ((world.land, "b"), LAND_B),
    ):
        for week, n in enumerate(weekly):
            for k in range(n):
                area = places[(domain, town)][k % len(places[(domain, town)])]
                _matter(world, area, domain, first + dt.timedelta(weeks=week, days=k))
    # this week's matter is after the origin: it is not counted
    _matter(world, world.village_a1, world.wages, monday_of(timezone.localdate()))
    return origin


def test_town_counts_match_the_hand_written_weeks(world, ledger):
    tc = fc.town_counts(world.county, ledger)
    assert [t.name for t in tc.towns] == ["东镇", "西镇"]
    assert tc.mondays[0] == ledger - dt.timedelta(weeks=9) and tc.mondays[-1] == ledger
    d_wages, d_land = tc.domains.index(world.wages), tc.domains.index(world.land)
    assert tc.counts[:, tc.column(0, d_wages)].tolist() == WAGES_A
    assert tc.counts[:, tc.column(0, d_land)].tolist() == LAND_A
    assert tc.counts[:, tc.column(1, d_land)].tolist() == LAND_B
    assert tc.counts[:, tc.column(1, d_wages)].tolist() == [0] * 10
    assert tc.counts.sum() == 11 + 5 + 6


def test_run_stores_ordered_quantiles_per_town_and_county_totals(world, ledger):
    run = actions.run_forecast(world.centre_staff, world.county, n_paths=500)
    assert run.refitted and run.origin_week == ledger and run.horizon == 4
    assert run.skill == {"reason": "short_history", "weeks": 10}
    keys = sorted((s.area.name, s.domain.code) for s in run.series.select_related("area", "domain"))
    assert keys == sorted(
        [("东镇", world.wages.code), ("东镇", world.land.code), ("西镇", world.land.code)]
        + [("示范县", world.wages.code), ("示范县", world.land.code)]
    )
    first_week = (ledger + dt.timedelta(weeks=1)).isoformat()
    for row in run.series.all():
        assert row.weeks[0] == first_week and len(row.weeks) == 4
        assert len(row.quantiles) == 4
        for q in row.quantiles:
            assert q == sorted(q) and q[0] >= 0
    land_a = run.series.get(area=world.town_a, domain=world.land)
    assert land_a.recent == LAND_A[-8:]
    county_land = run.series.get(area=world.county, domain=world.land)
    assert county_land.recent == [a + b for a, b in zip(LAND_A[-8:], LAND_B[-8:], strict=True)]
    assert county_land.expected_total > land_a.expected_total


def test_the_model_is_refitted_weekly_and_reused_in_between(world, ledger):
    now = timezone.now()
    first = actions.run_forecast(None, world.county, now=now, n_paths=200)
    again = actions.run_forecast(None, world.county, now=now + dt.timedelta(days=1), n_paths=200)
    assert first.refitted and not again.refitted
    assert again.fitted_at == first.fitted_at
    assert again.fit["coefficients"] == first.fit["coefficients"]
    later = actions.run_forecast(None, world.county, now=now + dt.timedelta(days=8), n_paths=200)
    assert later.refitted and later.fitted_at == now + dt.timedelta(days=8)
    forced = actions.run_forecast(None, world.county, now=now + dt.timedelta(days=8, hours=1), refit=True)
    assert forced.refitted


def test_needs_refit_rule():
    now = timezone.now()
    assert fc.needs_refit(None, now)
    assert not fc.needs_refit(now - dt.timedelta(days=6, hours=23), now)
    assert fc.needs_refit(now - dt.timedelta(days=7), now)


def test_a_town_user_sees_only_its_town_rows(world, ledger):
    run = actions.run_forecast(None, world.county, n_paths=200)
    county_rows = scoped(world.centre_staff, ForecastSeries.objects.filter(run=run))
    assert {r.area.name for r in county_rows} == {"东镇", "西镇", "示范县"}  # positive control
    town_rows = scoped(world.town_staff, ForecastSeries.objects.filter(run=run))
    assert {r.area.name for r in town_rows} == {"东镇"}
    assert town_rows.count() == 2


def _panel(client, user) -> str:
    client.force_login(user)
    page = client.get("/dashboard/").content.decode()
    start = page.index('id="dash-forecast"')
    return page[start : page.index("</section>", start)]


def test_the_panel_shows_fan_charts_and_sentences_in_scope(client, world, ledger):
    actions.run_forecast(None, world.county, n_paths=200)
    county = _panel(client, world.centre_staff)
    assert "全县合计" in county and "西镇" in county and "东镇" in county
    assert county.count('class="fan-chart"') == 2 + 2 + 1  # county: 2 domains; 东镇 2; 西镇 1
    assert "预计未来四周西镇" in county
    assert "历史数据不足" in county
    town = _panel(client, world.town_staff)
    assert "预计未来四周东镇" in town
    assert "西镇" not in town and "全县合计" not in town


def test_the_panel_has_an_empty_state_and_is_hidden_without_signals_view(client, world):
    assert "尚未计算预测" in _panel(client, world.centre_staff)
    client.force_login(world.grid_worker)
    assert 'id="dash-forecast"' not in client.get("/dashboard/").content.decode()


def test_evaluation_reports_skill_over_the_last_26_origins(world):
    rng = np.random.default_rng(4)
    n_weeks = 60
    mondays = [dt.date(2025, 1, 6) + dt.timedelta(weeks=k) for k in range(n_weeks)]
    counts = rng.poisson([2.0, 1.0, 3.0, 1.5], size=(n_weeks, 4))
    tc = fc.TownCounts(world.county, [world.town_a, world.town_b], [world.wages, world.land], mondays, counts)
    summary = fc.evaluate(tc, np.arange(4))
    # origins: weeks 30..55 (the last with four observed weeks after it); 31 weeks < a year: no last_year
    assert summary["origins"] == 26 and summary["refit_every"] == 4
    assert summary["first_origin"] == "2025-08-04" and summary["last_origin"] == "2026-01-26"
    assert set(summary["crps"]) == {"model", "recent_mean"}
    assert summary["n_forecasts"] == 26 * 4 * 4
    assert -1 < summary["skill"]["recent_mean"] < 1


def test_only_centre_staff_and_admins_forecast_their_county(world, ledger):
    run = check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda a: actions.run_forecast(a, world.county, n_paths=100),
        outside=world.town_staff,  # 东镇's centre: the county is not theirs
        insider=world.centre_staff,
    )
    assert run.actor == world.centre_staff and ForecastRun.objects.count() == 1


def test_a_town_is_not_forecast_on_its_own(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.run_forecast(None, Area.objects.get(pk=world.town_a.pk))


def test_outsider_centre_cannot_forecast(world):
    from anju.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        actions.run_forecast(outsider(world, Role.CENTRE_STAFF), world.county)


def test_the_forecast_command_runs_one_county_and_refuses_an_unknown_code(world, ledger, capsys):
    from anju.cli import main

    assert main(["forecast", "--area", world.county.code]) == 0
    out = capsys.readouterr().out
    assert "示范县：起点周" in out and "5 个序列" in out and "重新拟合" in out
    assert ForecastRun.objects.get().actor is None
    assert main(["forecast", "--area", "999999999999"]) == 2
