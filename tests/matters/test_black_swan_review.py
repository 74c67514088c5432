"""黑天鹅: suggested only for a first-of-its-kind matter of high consequence; reviewed (confirmed with a
根因分析 task, or dismissed) with a reason; the task is listed and completed by its unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anju.core.errors import NotAllowed, WorkflowError
from anju.matters import actions, queues
from anju.matters.models import MatterKind
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db
DUE = dt.date(2099, 1, 31)


def test_a_first_of_its_kind_matter_of_low_consequence_is_not_suggested(world, make_matter):
    jam = make_matter(
        kind=MatterKind.HAZARD,
        domain=world.land,
        title="校门口上下学交通拥堵",
        likelihood=4,
        consequence=2,
    )
    assert not jam.black_swan_suggested  # new here, but not severe


def test_suggestion_waits_for_the_grading_and_follows_the_threshold(world, make_matter, settings):
    first = make_matter()  # first of its kind, not graded yet
    assert not first.black_swan_suggested
    actions.assess(world.centre_staff, first, likelihood=1, consequence=4)
    first.refresh_from_db()
    assert first.black_swan_suggested
    second = make_matter(title="同类第二件", likelihood=1, consequence=5)  # not the first of its kind
    assert not second.black_swan_suggested
    settings.ANJU_BLACK_SWAN_MIN_CONSEQUENCE = 5
    other = make_matter(area=world.village_a2, likelihood=1, consequence=4)
    assert not other.black_swan_suggested
    other_severe = make_matter(area=world.grid_a1, likelihood=1, consequence=5)
    assert other_severe.black_swan_suggested


def test_regrading_a_first_of_its_kind_matter_to_high_consequence_suggests_it(world, make_matter):
    matter = make_matter(likelihood=3, consequence=2)
    assert not matter.black_swan_suggested
    actions.regrade(world.centre_staff, matter, likelihood=3, consequence=5, reason="波及全村")
    matter.refresh_from_db()
    assert matter.black_swan_suggested
    assert list(queues.black_swan_review(world.centre_staff)) == [matter]


def test_confirm_opens_a_root_cause_task_and_leaves_the_queue(world, make_matter):
    matter = make_matter(likelihood=2, consequence=5)
    task = actions.confirm_black_swan(
        world.centre_staff, matter, reason="全县首次出现，后果严重", unit=world.police, deadline=DUE
    )
    matter.refresh_from_db()
    assert matter.black_swan_confirmed is True
    assert (task.unit, task.deadline, task.completed_at) == (world.police, DUE, None)
    assert "全县首次出现，后果严重" in matter.events.get(kind="black_swan").note
    assert list(queues.black_swan_review(world.centre_staff)) == []
    assert list(queues.root_cause_tasks(world.centre_staff)) == [task]


def test_confirm_and_dismiss_need_their_inputs_and_change_nothing_otherwise(world, make_matter):
    matter = make_matter(likelihood=2, consequence=5)
    with pytest.raises(ValidationError) as info:
        actions.confirm_black_swan(world.centre_staff, matter, reason="", unit=None, deadline=None)
    assert set(info.value.message_dict) == {"reason", "unit", "deadline"}
    with pytest.raises(ValidationError) as info:
        actions.confirm_black_swan(
            world.centre_staff, matter, reason="首次", unit=world.police, deadline=dt.date(2020, 1, 1)
        )
    assert info.value.message_dict["deadline"] == ["完成期限不能早于今天。"]
    with pytest.raises(ValidationError):
        actions.dismiss_black_swan(world.centre_staff, matter, reason=" ")
    matter.refresh_from_db()
    assert matter.black_swan_confirmed is None and not matter.root_cause_tasks.exists()
    actions.dismiss_black_swan(world.centre_staff, matter, reason="邻县常见，影响可控")
    matter.refresh_from_db()
    assert matter.black_swan_confirmed is False
    assert matter.events.get(kind="black_swan_dismissed").note == "排除黑天鹅：邻县常见，影响可控"
    # a reviewed suggestion stays as decided when the matter is re-graded
    actions.regrade(world.centre_staff, matter, likelihood=3, consequence=5, reason="复核")
    matter.refresh_from_db()
    assert matter.black_swan_suggested and matter.black_swan_confirmed is False


def test_dismiss_guard(world, make_matter):
    matter = make_matter(likelihood=2, consequence=5)
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda actor: actions.dismiss_black_swan(actor, matter, reason="并不罕见"),
        insider=world.town_staff,
        outside=outsider(world, "centre_staff"),
    )


def test_complete_root_cause_guard_and_unit_rule(world, make_matter):
    matter = make_matter(likelihood=2, consequence=5)
    task = actions.confirm_black_swan(
        world.centre_staff, matter, reason="首次", unit=world.police, deadline=DUE
    )
    # the cadre's role may complete tasks, but only their own unit's (this one is the police station's)
    with pytest.raises(NotAllowed, match="本单位"):
        actions.complete_root_cause(world.cadre, task, findings="工程款层层转包")
    done = check_guard(
        world,
        {"admin", "centre_staff", "town_staff", "officer", "cadre"},
        lambda actor: actions.complete_root_cause(actor, task, findings="工程款层层转包"),
        insider=world.officer,
        outside=outsider(world, "department_officer"),
    )
    assert done.completed_by == world.officer and done.findings == "工程款层层转包"
    assert matter.events.get(kind="root_cause_done").note == "根因分析已完成：工程款层层转包"
    with pytest.raises(WorkflowError):
        actions.complete_root_cause(world.centre_staff, task, findings="再次提交")


def test_review_pages_and_task_completion_through_the_page(client, world, make_matter):
    matter = make_matter(title="首次出现的群体性欠薪", likelihood=2, consequence=5)
    client.force_login(world.centre_staff)
    html = client.get(reverse("matters:black_swans")).content.decode()
    assert "首次出现的群体性欠薪" in html
    url = reverse("matters:act", args=[matter.pk, "black_swan"])
    response = client.post(
        url,
        {
            "black_swan-reason": "全县首次",
            "black_swan-unit": world.police.pk,
            "black_swan-deadline": DUE.isoformat(),
            "black_swan-version": matter.version,
        },
    )
    assert response.status_code == 302
    assert "首次出现的群体性欠薪" not in client.get(reverse("matters:black_swans")).content.decode()
    task = matter.root_cause_tasks.get()
    client.force_login(world.officer)
    html = client.get(reverse("matters:root_cause")).content.decode()
    assert f'id="task-{task.pk}"' in html
    complete = reverse("matters:complete_root_cause", args=[task.pk])
    client.post(complete, {f"t{task.pk}-findings": "", f"t{task.pk}-version": task.version})
    task.refresh_from_db()
    assert task.completed_at is None  # nothing without findings
    client.post(complete, {f"t{task.pk}-findings": "分包单位资金链断裂", f"t{task.pk}-version": task.version})
    task.refresh_from_db()
    assert task.findings == "分包单位资金链断裂"


def test_review_lists_are_scoped(client, world, make_matter):
    matter = make_matter(title="东镇首次出现的事项", likelihood=2, consequence=5)
    actions.confirm_black_swan(world.centre_staff, matter, reason="首次", unit=world.police, deadline=DUE)
    other = make_matter(title="东镇另一件待研判", area=world.village_a2, likelihood=2, consequence=5)
    assert other.black_swan_suggested
    west = outsider(world, "centre_staff")
    for user, sees in ((west, False), (world.town_staff, True)):  # town A staff: the positive control
        client.force_login(user)
        review = client.get(reverse("matters:black_swans")).content.decode()
        tasks = client.get(reverse("matters:root_cause")).content.decode()
        assert ("东镇另一件待研判" in review) is sees, user
        assert ("东镇首次出现的事项" in tasks) is sees, user
    task = matter.root_cause_tasks.get()
    client.force_login(west)
    response = client.post(
        reverse("matters:complete_root_cause", args=[task.pk]), {f"t{task.pk}-findings": "越界"}
    )
    assert response.status_code == 404


def test_an_officer_sees_the_tasks_of_their_unit_only(client, world, make_matter, settings):
    settings.ANJU_DEPARTMENT_VISIBILITY = "unit"  # the officer sees only their unit's matters
    ours = make_matter(title="派出所牵头的根因分析", likelihood=2, consequence=5)
    theirs = make_matter(title="村委会牵头的根因分析", area=world.village_a2, likelihood=2, consequence=5)
    actions.confirm_black_swan(world.centre_staff, ours, reason="首次", unit=world.police, deadline=DUE)
    actions.confirm_black_swan(
        world.centre_staff, theirs, reason="首次", unit=world.committee_a1, deadline=DUE
    )
    assert [t.matter for t in queues.root_cause_tasks(world.officer)] == [ours]
    client.force_login(world.officer)
    html = client.get(reverse("matters:root_cause")).content.decode()
    assert "派出所牵头的根因分析" in html and "村委会牵头的根因分析" not in html
