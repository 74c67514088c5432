"""Each domain's detection method: every method through ``anju warn-scan``, the configuration action and its
page, and the scan's write transaction."""

import datetime as dt
import math

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from anju.cli import main
from anju.core.errors import Conflict, NotAllowed
from anju.core.jobs import run_due_jobs
from anju.core.models import AuditEvent
from anju.warning import actions
from anju.warning.models import Alert, DomainDetection, Signal, SignalScan

# The surge week of the ``history`` fixture under each method, worked out by hand.
# EARS: the 7 baseline weeks before the surge (C1: weeks t-7..t-1; C2 and C3: t-9..t-3, two guard weeks)
# alternate 1,0,1,0,1,0,1: mean 4/7, sample sd sqrt(84/294) = 0.534522.
#   C1, C2: bound = 4/7 + qnorm(0.999) * 0.534522 = 0.571429 + 3.090232 * 0.534522 = 2.223233 < 8: alarm.
#   C3 (R 1.20.3, alpha 0.025): bound = y + sd * (qnorm(0.975) - lag terms); the C2 statistic is
#   (1 - 3/7) / 0.534522 = 1.069045 a week before (lag term 0.069045) and negative two weeks before (0), so
#   bound = 8 + 0.534522 * (1.959964 - 0.069045) = 9.010744 > 8: no alarm (C3 needs a rise over three weeks).
# Farrington methods: past years predict about 0.5 a week; 8 lies above any bound they give.
SURGE = {
    "farrington_flexible": (True, None),
    "farrington": (True, None),
    "ears_c1": (True, 2.223233),
    "ears_c2": (True, 2.223233),
    "ears_c3": (False, 9.010744),
}


@pytest.mark.parametrize("method", list(SURGE))
def test_every_method_runs_through_warn_scan(world, history, capsys, method):
    actions.configure_domain(world.centre_staff, world.wages, method=method)
    assert main(["warn-scan", "--weeks", "4"]) == 0
    assert "45 个序列" in capsys.readouterr().out  # 3 villages x 15 domains
    surge = Signal.objects.get(area=world.village_a1, domain=world.wages, week=history)
    alarm, bound = SURGE[method]
    assert (surge.method, surge.observed, surge.alarm, surge.status) == (method, 8, alarm, "ok")
    if bound is not None:
        assert surge.upperbound == pytest.approx(bound, abs=1e-5)
    else:
        assert surge.upperbound < 8
    wages = Signal.objects.filter(domain=world.wages)
    assert wages.count() == 3 * 4 and set(wages.values_list("method", flat=True)) == {method}
    # the other domains keep the default method
    assert set(Signal.objects.exclude(domain=world.wages).values_list("method", flat=True)) == {
        "farrington_flexible"
    }


def test_ears_needs_only_its_baseline_weeks(world, history):
    """Weeks 1..7 of the series have no 7-week baseline before them (C1); week 8 has one."""
    actions.configure_domain(world.centre_staff, world.wages, method="ears_c1")
    actions.run_scan(world.centre_staff, weeks=200)
    series = Signal.objects.filter(area=world.village_a1, domain=world.wages).order_by("week")
    statuses = [s.status for s in series[:9]]
    assert statuses == ["insufficient_history"] * 7 + ["ok", "ok"]


def test_a_rescan_keeps_the_signal_a_warning_was_drafted_from(world, history):
    actions.run_scan(world.centre_staff, weeks=4)
    surge = Signal.objects.get(area=world.village_a1, domain=world.wages, week=history)
    alert = actions.draft_from_signal(world.centre_staff, surge, recipients=[world.committee_a1])
    actions.configure_domain(world.centre_staff, world.wages, method="ears_c2")
    scan = actions.run_scan(world.centre_staff, weeks=4)
    alert.refresh_from_db()
    assert alert.signal_id == surge.pk
    surge.refresh_from_db()
    assert surge.method == "ears_c2" and surge.scan_id == scan.pk
    assert Signal.objects.count() == 45 * 4


@pytest.mark.django_db(transaction=True)
def test_the_numbers_are_computed_outside_the_write_transaction(world, history, monkeypatch):
    from anju.warning import detection
    from anju.warning.actions import scan as scan_module

    seen = []
    real = detection.scan_points

    def observed_scan_points(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(scan_module, "scan_points", observed_scan_points)
    scan = actions.run_scan(world.centre_staff, weeks=4)
    assert seen == [False]
    assert scan.points_evaluated == 45 * 4 and Signal.objects.filter(scan=scan).count() == 45 * 4
    assert 0 <= scan.write_ms <= scan.duration_ms


def test_a_rescan_removes_series_no_longer_scanned(world, history):
    actions.run_scan(world.centre_staff, weeks=4)
    world.land.active = False
    world.land.save()
    actions.run_scan(world.centre_staff, weeks=4)
    assert not Signal.objects.filter(domain=world.land).exists()
    assert Signal.objects.count() == 3 * 14 * 4


# --- configure_domain ---------------------------------------------------------------------------------------
def test_configure_domain_saves_versions_and_audits(world):
    setting = actions.configure_domain(
        world.centre_staff, world.wages, method="ears_c2", controls={"baseline": 10, "alpha": 0.01}
    )
    assert (setting.method, setting.controls, setting.version) == (
        "ears_c2",
        {"baseline": 10, "alpha": 0.01},
        1,
    )
    event = AuditEvent.objects.get(action="signals.configure")
    assert event.actor == world.centre_staff and event.before is None
    assert event.after == {
        "domain": "social_security_wages",
        "method": "ears_c2",
        "controls": setting.controls,
    }
    setting = actions.configure_domain(
        world.admin, world.wages, method="farrington", controls={"b": 3}, seen_version=1
    )
    assert (setting.method, setting.controls, setting.version) == ("farrington", {"b": 3}, 2)
    with pytest.raises(Conflict):  # someone saw version 1 and saves after the change above
        actions.configure_domain(world.centre_staff, world.wages, method="ears_c1", seen_version=1)
    with pytest.raises(Conflict):  # someone saw no configuration yet, but there is one now
        actions.configure_domain(world.centre_staff, world.wages, method="ears_c1", seen_version=0)
    assert DomainDetection.objects.get(domain=world.wages).method == "farrington"
    assert AuditEvent.objects.filter(action="signals.configure").count() == 2


@pytest.mark.parametrize(
    ("method", "controls", "field"),
    [
        ("cusum", {}, "method"),
        ("farrington", {"b": 0}, "b"),
        ("farrington", {"b": 2.5}, "b"),
        ("farrington_flexible", {"w": 11}, "w"),
        ("farrington_flexible", {"alpha": 0.5}, "alpha"),
        ("farrington_flexible", {"alpha": float("nan")}, "alpha"),
        ("farrington_flexible", {"thresholdMethod": "median"}, "thresholdMethod"),
        ("farrington_flexible", {"trend": "yes"}, "trend"),
        ("farrington", {"limit54": [5]}, "limit54"),
        ("farrington", {"noPeriods": 10}, "noPeriods"),  # farringtonFlexible only
        ("ears_c1", {"baseline": 2}, "baseline"),
        ("ears_c3", {"b": 5}, "b"),  # a Farrington control
        ("ears_c3", {"populationOffset": True}, "controls"),
    ],
)
def test_configure_domain_refuses_bad_controls_field_by_field(world, method, controls, field):
    with pytest.raises(ValidationError) as refused:
        actions.configure_domain(world.centre_staff, world.wages, method=method, controls=controls)
    assert list(refused.value.message_dict) == [field]
    assert not DomainDetection.objects.exists() and not AuditEvent.objects.filter(action="signals.configure")


def test_only_staff_over_every_village_may_configure(world):
    for user in (world.cadre, world.grid_worker, world.leader, world.auditor, world.officer):
        with pytest.raises(NotAllowed):
            actions.configure_domain(user, world.wages, method="ears_c1")
    with pytest.raises(NotAllowed):  # a town's centre: the method would change other towns' scans too
        actions.configure_domain(world.town_staff, world.wages, method="ears_c1")
    assert not DomainDetection.objects.exists()
    # positive controls: the county centre and the administrator
    actions.configure_domain(world.centre_staff, world.wages, method="ears_c1")
    actions.configure_domain(world.admin, world.land, method="ears_c3")
    assert DomainDetection.objects.count() == 2


# --- pages --------------------------------------------------------------------------------------------------
def test_method_list_shows_each_domain_with_its_method_and_controls(client, world):
    actions.configure_domain(world.centre_staff, world.wages, method="ears_c2", controls={"baseline": 10})
    client.force_login(world.leader)
    html = client.get("/warning/signals/methods/").content.decode()
    row = html[html.index("社会保障和民工欠薪") :].split("</tr>")[0]
    assert "EARS C2" in row and "baseline = 10" in row and "alpha = 0.001" in row
    land = html[html.index("征地拆迁") :].split("</tr>")[0]
    assert "改进 Farrington" in land and "noPeriods = 10" in land and "（默认）" in land
    assert "/warning/signals/methods/" + str(world.wages.pk) not in html  # no edit link for a leader
    client.force_login(world.centre_staff)
    assert (
        f"/warning/signals/methods/{world.wages.pk}/"
        in client.get("/warning/signals/methods/").content.decode()
    )


def _post(client, domain, **data):
    return client.post(f"/warning/signals/methods/{domain.pk}/", data)


def test_method_form_saves_and_shows_chinese_messages_next_to_the_fields(client, world):
    client.force_login(world.centre_staff)
    page = client.get(f"/warning/signals/methods/{world.wages.pk}/")
    assert page.status_code == 200 and 'name="version" value="0"' in page.content.decode()
    for data, field, message in [
        ({"method": "farrington", "b": "abc"}, "b", "请填写整数。"),
        ({"method": "farrington", "b": "0"}, "b", "取值须在 [1, 10] 之内。"),
        ({"method": "ears_c1", "noPeriods": "5"}, "noPeriods", "该参数不适用于所选方法（EARS C1），请清空。"),
        ({"method": "farrington", "limit54": "5"}, "limit54", "请填写两个整数“件数,周数”，如 5,4。"),
    ]:
        response = _post(client, world.wages, version="0", **data)
        html = response.content.decode()
        assert response.status_code == 200
        block = html[html.index(f'name="{field}"') :].split("</div>")[0]
        assert message in block, (data, block)
    assert not DomainDetection.objects.exists()
    response = _post(client, world.wages, version="0", method="ears_c3", baseline="9", minSigma="0.5")
    assert response.status_code == 302
    setting = DomainDetection.objects.get(domain=world.wages)
    assert (setting.method, setting.controls) == ("ears_c3", {"baseline": 9, "minSigma": 0.5})
    html = client.get(f"/warning/signals/methods/{world.wages.pk}/").content.decode()
    assert 'name="version" value="1"' in html and 'name="baseline" value="9"' in html


def test_method_form_refuses_stale_versions_and_users_without_the_right(client, world):
    actions.configure_domain(world.centre_staff, world.wages, method="ears_c1")
    client.force_login(world.admin)
    response = _post(client, world.wages, version="0", method="farrington")
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    client.force_login(world.town_staff)
    assert _post(client, world.wages, version="1", method="farrington").status_code == 403
    client.force_login(world.cadre)
    assert client.get(f"/warning/signals/methods/{world.wages.pk}/").status_code == 403
    assert _post(client, world.wages, version="1", method="farrington").status_code == 403
    assert DomainDetection.objects.get(domain=world.wages).method == "ears_c1"


# --- the scan button and command with bad input -------------------------------------------------------------
@pytest.mark.parametrize("weeks", ["abc", "0", "-3", "9999", "1e3"])
def test_scan_button_answers_bad_weeks_with_a_message(client, world, weeks):
    client.force_login(world.centre_staff)
    response = client.post("/warning/signals/scan/", {"weeks": weeks}, follow=True)
    assert response.status_code == 200
    assert "周数须为 1 至 520 之间的整数。" in response.content.decode()
    assert not SignalScan.objects.exists()


def test_scan_button_checks_the_permission_before_the_input(client, world, history):
    client.force_login(world.cadre)
    assert client.post("/warning/signals/scan/", {"weeks": "abc"}).status_code == 403
    client.force_login(world.centre_staff)
    assert client.post("/warning/signals/scan/", {"weeks": "2"}).status_code == 302
    assert not SignalScan.objects.exists()  # the page queued the scan; the worker runs it
    assert run_due_jobs("test-worker") == {"done": 1, "failed": 0}
    scan = SignalScan.objects.get()
    assert (scan.first_week, scan.last_week) == (history - dt.timedelta(weeks=1), history)


def test_warn_scan_command_refuses_bad_weeks(world, capsys):
    assert main(["warn-scan", "--weeks", "0"]) == 2
    assert "周数须为 1 至 520 之间的整数。" in capsys.readouterr().err
    assert not SignalScan.objects.exists()


# --- the alert text drafted from a signal ------------------------------------------------------------------
def _signal(world, method):
    return Signal.objects.create(
        area=world.village_a1,
        domain=world.wages,
        week=timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday()),
        method=method,
        observed=7,
        expected=1.2,
        upperbound=4.1,
        alarm=True,
    )


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (
            "farrington_flexible",
            "本周 东一村 社会保障和民工欠薪 类事项 7 件，往年同期预期 1.2 件，预警阈值 4.1 件，明显高于往年同期。",
        ),
        (
            "ears_c1",
            "本周 东一村 社会保障和民工欠薪 类事项 7 件，此前几周平均 1.2 件，预警阈值 4.1 件，明显高于此前几周。",
        ),
    ],
)
def test_the_form_and_draft_from_signal_prefill_the_same_text(client, world, method, expected):
    signal = _signal(world, method)
    alert = actions.draft_from_signal(world.centre_staff, signal, recipients=[world.committee_a1])
    assert alert.headline == "东一村社会保障和民工欠薪类事项异常增多预警"
    assert alert.expected == expected
    assert alert.measures == "请属地村（社区）和相关部门立即开展排查，逐件登记化解，及时报告进展。"
    client.force_login(world.centre_staff)
    html = client.get(f"/warning/new/?signal={signal.pk}").content.decode()
    for text in (alert.headline, alert.expected, alert.measures):
        assert text in html
    assert Alert.objects.count() == 1


def test_scan_of_zero_series_stores_no_infinite_numbers(world, history):
    actions.configure_domain(world.centre_staff, world.land, method="ears_c1")
    actions.run_scan(world.centre_staff, weeks=4)
    quiet = Signal.objects.filter(domain=world.land, area=world.village_a2)
    assert quiet.count() == 4
    for signal in quiet:  # all-zero baseline: bound 0, score 0/0 (stored as none), no alarm
        assert signal.upperbound == 0 and signal.score is None and not signal.alarm
        assert signal.expected is not None and math.isfinite(signal.expected)
