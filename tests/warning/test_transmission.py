"""风险传导 in the platform: the count matrix from the ledger, the stored fits of the county and its towns, the
nightly refit rule, the page's scope, the scenario form's errors, and the refit button's job."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from anju.core.jobs import run_due_jobs
from anju.core.models import AuditEvent, Job, JobStatus
from anju.matters.actions import create_matter
from anju.warning import actions
from anju.warning.counting import monday_of
from anju.warning.models import TransmissionFit
from anju.warning.transmission import county_series
from guards import check_guard


def _matter(world, area, domain, when):
    occurred = timezone.make_aware(dt.datetime.combine(when, dt.time(10)))
    return create_matter(
        world.centre_staff,
        kind="demand",
        domain=domain,
        area=area,
        title="事项",
        description="反映问题",
        occurred_at=occurred,
    )


FIT = {"admin", "centre_staff", "town_staff"}  # the role; town_staff is outside the county's scope


@pytest.fixture
def ledger(world):
    """Hand-written matters over 20 weeks: 东一村 wages in weeks -20, -10 (two), -3 and one at its grid in
    week -7; 西一村 land in week -15; 东二村 wages in week -5; and one in the running week (not counted)."""
    this_monday = monday_of(timezone.localdate())

    def at(area, domain, weeks_ago):
        _matter(world, area, domain, this_monday - dt.timedelta(weeks=weeks_ago) + dt.timedelta(days=1))

    for k in (20, 10, 10, 3):
        at(world.village_a1, world.wages, k)
    at(world.grid_a1, world.wages, 7)
    at(world.village_b1, world.land, 15)
    at(world.village_a2, world.wages, 5)
    _matter(world, world.village_a1, world.land, this_monday)
    return this_monday


def test_the_matrix_counts_village_domain_weeks_and_drops_empty_series(world, ledger):
    series = county_series(world.county, timezone.localdate())
    assert series.counts.shape == (20, 3)  # weeks -20 … -1; three series with matters
    names = [
        (series.villages[v].name, series.domains[d].code)
        for v, d in zip(series.village_of(), series.domain_of(), strict=True)
    ]
    column = {name: series.counts[:, k] for k, name in enumerate(names)}
    a1 = column[("东一村", "social_security_wages")]
    assert a1[0] == 1 and a1[10] == 2 and a1[13] == 1 and a1[17] == 1 and a1.sum() == 5
    assert column[("西一村", "land_requisition")].tolist() == [0] * 5 + [1] + [0] * 14
    assert column[("东二村", "social_security_wages")].sum() == 1
    assert str(series.mondays[0]) == str(ledger - dt.timedelta(weeks=20))
    # no boundaries in the test world: 东一村 and 东二村 neighbour each other as villages of one town
    order = {v.name: i for i, v in enumerate(series.villages)}
    assert series.adjacency[order["东一村"], order["东二村"]]
    assert not series.adjacency[order["东一村"], order["西一村"]]


def test_too_few_weeks_is_a_clear_message(world):
    _matter(world, world.village_a1, world.wages, monday_of(timezone.localdate()) - dt.timedelta(weeks=2))
    with pytest.raises(Exception, match="周数不足"):
        actions.fit_transmission(None, county=world.county)


@pytest.fixture
def fitted(world, history):
    """The county's fit on the early-warning history (80 weeks of 东一村 wages, land in two villages)."""
    return actions.fit_transmission(None, county=world.county)


def test_fit_stores_the_county_and_each_town(world, fitted):
    rows = {row.area.name: row for row in TransmissionFit.objects.all()}
    assert set(rows) == {"示范县", "东镇", "西镇"}
    east = rows["东镇"].result
    assert {v["name"] for v in east["villages"]} == {"东一村", "东二村"}
    wages = next(d for d in east["domains"] if d["code"] == "social_security_wages")
    assert sum(wages["shares"].values()) == pytest.approx(1.0, abs=1e-4)
    assert rows["示范县"].series_count == 3
    assert AuditEvent.objects.filter(action="transmission.fit").count() == 1


def test_fit_guard(world, history):
    rows = check_guard(
        world,
        FIT,
        lambda a: actions.fit_transmission(a, county=world.county),
        outside=world.town_staff,  # 东镇's centre: the county's model covers 西镇 too
        insider=world.centre_staff,
    )
    assert rows[0].fitted_by == world.centre_staff


def test_nightly_rule_refits_a_week_old_or_missing_fit(world, history):
    start = timezone.now()
    assert actions.counties_due(start) == [world.county]
    actions.fit_due(start)
    assert actions.counties_due(start + dt.timedelta(days=6, hours=23)) == []
    assert actions.counties_due(start + dt.timedelta(days=7)) == [world.county]
    fitted_at = TransmissionFit.objects.get(area=world.county).fitted_at
    assert actions.fit_due(start + dt.timedelta(days=3)) == []
    assert TransmissionFit.objects.get(area=world.county).fitted_at == fitted_at


def test_the_scheduler_runs_the_nightly_command(world):
    from anju.core.scheduler import schedule

    entry = next(e for e in schedule() if e.name == "transmission-fit")
    assert entry.argv == ("transmission-fit", "--if-due") and entry.weekday is None


def test_command_line_fits_the_county_of_an_area(world, history, capsys):
    from anju.cli import main

    assert main(["transmission-fit", "--area", world.town_a.code]) == 0
    assert "示范县：3 个序列" in capsys.readouterr().out
    assert main(["transmission-fit", "--area", "999"]) == 2
    assert main(["transmission-fit", "--if-due"]) == 0
    assert "无需重算" in capsys.readouterr().out


def test_town_user_sees_own_town_not_the_other(client, world, fitted):
    client.force_login(world.town_staff)
    page = client.get("/warning/transmission/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "风险传导：东镇" in text and "统计细节" in text
    assert "西镇" not in text
    assert client.get(f"/warning/transmission/?area={world.town_b.code}").status_code == 404
    assert client.get(f"/warning/transmission/?area={world.county.code}").status_code == 404
    client.force_login(world.centre_staff)  # positive control: the county sees both towns
    page = client.get(f"/warning/transmission/?area={world.town_b.code}")
    assert page.status_code == 200 and "风险传导：西镇" in page.content.decode()


def test_village_cadre_is_refused_and_empty_state_before_a_fit(client, world):
    client.force_login(world.cadre)
    assert client.get("/warning/transmission/").status_code == 403
    client.force_login(world.town_staff)
    page = client.get("/warning/transmission/").content.decode()
    assert "尚未计算" in page and "立即计算" not in page  # the county's model is not the town's to start
    client.force_login(world.centre_staff)
    assert "立即计算示范县的风险传导" in client.get("/warning/transmission/").content.decode()


def test_refit_button_queues_a_job_that_the_worker_runs(client, world, history):
    client.force_login(world.town_staff)
    assert client.post("/warning/transmission/fit/").status_code == 403
    client.force_login(world.centre_staff)
    assert client.post("/warning/transmission/fit/").status_code == 302
    job = Job.objects.get(kind="transmission_fit")
    assert job.status == JobStatus.QUEUED and not TransmissionFit.objects.exists()
    run_due_jobs("test")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert TransmissionFit.objects.get(area=world.county).fitted_by == world.centre_staff


def scenario_url(world, **fields):
    params = {"s-village": world.village_a1.pk, "s-domain": world.wages.pk, "s-factor": "2", "s-weeks": "3"}
    params.update({f"s-{k}": v for k, v in fields.items()})
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/warning/transmission/?area={world.town_a.code}&{query}"


def test_scenario_from_the_page(client, world, fitted):
    client.force_login(world.town_staff)
    page = client.get(scenario_url(world))
    assert page.status_code == 200
    report = page.context["report"]
    by_village = {row["name"]: row["expected"] for row in report.by_village}
    assert by_village["东一村"] > 0.1
    assert "西一村" not in by_village  # another town's village is not reported to 东镇
    assert report.total["expected"] >= by_village["东一村"]
    assert "若东一村的社会保障和民工欠薪类事项在 3 周内增加到平常的 2 倍" in page.content.decode()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"factor": "0.5"}, "factor", "倍数须大于 1"),
        ({"factor": "abc"}, "factor", "请输入数字"),
        ({"weeks": "20"}, "weeks", "持续周数须为 1 至 8 周"),
        ({"village": "999999"}, "village", "请从列表中选择"),
        ({"village": "{b1}"}, "village", "请从列表中选择"),  # 西镇's village, not in 东镇's list
        ({"domain": "{health}"}, "domain", "没有这一序列"),
    ],
)
def test_scenario_form_errors_stand_next_to_the_field(client, world, fitted, fields, field, message):
    from anju.core.models import Domain

    health = Domain.objects.get(code="health")
    fields = {k: v.format(b1=world.village_b1.pk, health=health.pk) for k, v in fields.items()}
    client.force_login(world.town_staff)
    page = client.get(scenario_url(world, **fields))
    assert page.status_code == 400
    form = page.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert page.context["report"] is None


def test_scenario_is_fast_and_changes_nothing(client, world, fitted):
    import time

    client.force_login(world.town_staff)
    before = (AuditEvent.objects.count(), TransmissionFit.objects.get(area=world.town_a).fitted_at)
    started = time.perf_counter()
    assert client.get(scenario_url(world)).status_code == 200
    assert time.perf_counter() - started < 2.0
    assert (AuditEvent.objects.count(), TransmissionFit.objects.get(area=world.town_a).fitted_at) == before
    assert np.isfinite(TransmissionFit.objects.get(area=world.county).result["coefficients"]["loglik"])
