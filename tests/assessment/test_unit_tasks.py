"""稳评 measures and tracking tasks addressed to a unit outside the assessed item's area: the unit sees them
on its own list and completes its tasks there; another unit of the same town sees nothing of them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anju.assessment import actions
from anju.assessment.models import Measure, TrackingTask
from anju.core.errors import NotAllowed
from anju.core.models import Notification
from anju.core.scoping import scoped

from .conftest import analyse, consult, make_item, plan, to_reported

pytestmark = pytest.mark.django_db


@pytest.fixture
def west_assessment(world):
    """An item of 西镇 whose measures are owned by 东镇综治中心 and 东镇派出所 (units outside 西镇)."""
    item = make_item(
        world,
        title="西镇水库移民安置",
        sponsor_unit=world.committee_b1,
        area=world.town_b,
        affected_areas=[world.village_b1],
    )
    return to_reported(world, analyse(world, consult(world, plan(world, item))))


def _decide(world, assessment):
    actions.record_decision(
        world.leader,
        assessment,
        outcome="implement",
        decided_on=timezone.localdate(),
        meeting="县政府常务会议",
        summary="同意实施。",
    )


def test_measures_are_seen_by_their_unit_before_the_decision(world, west_assessment):
    mine = scoped(world.town_staff, Measure)
    assert [m.description for m in mine] == ["过渡期免收摊位费三个月"]  # 东镇综治中心's own
    assert [m.description for m in scoped(world.officer, Measure)] == ["分批搬迁并安排交警疏导"]
    assert not scoped(world.cadre, Measure).exists()  # 东一村村委会: nothing addressed to it


def test_the_unit_completes_its_tracking_task(client, world, west_assessment):
    _decide(world, west_assessment)
    task = TrackingTask.objects.get(owner_unit=world.town_centre)
    notice = Notification.objects.get(user=world.town_staff, kind="assessment.tracking_task")
    client.force_login(world.town_staff)
    page = client.get(notice.link)
    assert page.status_code == 200 and "过渡期免收摊位费三个月" in page.content.decode()
    assert "分批搬迁并安排交警疏导" not in page.content.decode()  # the police station's task
    assert client.get(f"/assessment/{west_assessment.pk}/").status_code == 404  # the assessment stays 西镇's
    today = timezone.localdate().isoformat()
    response = client.post(f"/assessment/tasks/{task.pk}/done/", {"done_on": today, "note": "已免收"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.note == "已免收" and task.done_on == timezone.localdate()
    # negative control: the police station (same town) may neither open nor complete 东镇综治中心's task
    other = TrackingTask.objects.get(owner_unit=world.police)
    client.force_login(world.officer)
    response = client.post(f"/assessment/tasks/{task.pk}/done/", {"done_on": today, "note": "x"})
    assert response.status_code == 404
    with pytest.raises(NotAllowed, match="管辖"):
        actions.complete_task(world.officer, task, done_on=today, note="x")
    # the police station completes its own
    actions.complete_task(world.officer, other, done_on=timezone.localdate(), note="交警已疏导")
    other.refresh_from_db()
    assert other.note == "交警已疏导"


def test_an_empty_field_comes_back_with_its_message(client, world, west_assessment):
    _decide(world, west_assessment)
    task = TrackingTask.objects.get(owner_unit=world.town_centre)
    client.force_login(world.town_staff)
    response = client.post(
        f"/assessment/tasks/{task.pk}/done/", {"done_on": timezone.localdate().isoformat(), "note": ""}
    )
    assert response.status_code == 400 and "请填写落实情况" in response.content.decode()
    task.refresh_from_db()
    assert task.done_on is None
