import datetime as dt

import pytest
from django.utils import timezone

from anju.warning.actions import run_scan
from anju.warning.counting import weekly_counts
from anju.warning.models import Signal
from anju.warning.views import describe


def test_weekly_counts_roll_grids_up_to_villages(world, history):
    counts = weekly_counts(timezone.localdate())
    assert counts.counts.shape[1] >= 80
    row = counts.series_index(world.village_a1.pk, world.wages.pk)
    assert counts.counts[row, -1] == 8
    assert counts.counts[counts.series_index(world.village_a1.pk, world.land.pk), -4] == 1
    assert counts.counts[counts.series_index(world.village_b1.pk, world.land.pk), -4] == 1
    assert counts.counts.sum() == 40 + 8 + 2


def test_scan_raises_an_alarm_on_the_surge_only(world, history):
    scan = run_scan(world.centre_staff, weeks=4)
    surge = Signal.objects.get(area=world.village_a1, domain=world.wages, week=history)
    assert surge.alarm and surge.observed == 8
    assert surge.upperbound is not None and surge.upperbound < 8
    assert surge.expected is not None and surge.expected < 2
    alarms = Signal.objects.filter(alarm=True)
    assert list(alarms) == [surge]
    assert scan.alarm_count == 1 and scan.series_count == 3 * 15
    sentence = describe(surge, timezone.localdate())
    assert sentence.startswith("本周 东一村 社会保障和民工欠薪 类事项 8 件")
    assert "预警阈值" in sentence


def test_rescan_replaces_the_same_weeks(world, history):
    run_scan(world.centre_staff, weeks=4)
    first = Signal.objects.count()
    run_scan(world.centre_staff, weeks=4)
    assert Signal.objects.count() == first


def test_weeks_without_enough_history_are_marked_not_evaluated(world, history):
    run_scan(world.centre_staff, weeks=200)
    oldest = Signal.objects.order_by("week").first()
    assert oldest.status == "insufficient_history" and oldest.upperbound is None and not oldest.alarm


def test_only_centre_staff_may_scan(world, history):
    from anju.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        run_scan(world.cadre)
    assert not Signal.objects.exists()


def test_signal_page_lists_scoped_alarms_with_chart(client, world, history):
    run_scan(world.centre_staff, weeks=4)
    client.force_login(world.cadre)
    page = client.get("/warning/signals/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "东一村 社会保障和民工欠薪 类事项 8 件" in html and "<svg" in html
    client.force_login(world.cadre_b)  # another village: the alarm is outside their scope
    assert "类事项 8 件" not in client.get("/warning/signals/").content.decode()


def test_expected_is_kept_where_too_few_cases_allow_no_alarm(world, history):
    run_scan(world.centre_staff, weeks=4)
    quiet = Signal.objects.get(
        area=world.village_a1, domain=world.wages, week=history - dt.timedelta(weeks=1)
    )
    assert quiet.status == "few_cases" and quiet.upperbound is None and not quiet.alarm
    assert quiet.expected is not None and 0 < quiet.expected < 2
