"""舆情应对: the order 核实 → 口径 → 回应 → 跟踪 → 结束, each step's guard, scope (with a positive control), and
the pages. Expected values are written by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.cases import actions
from anju.cases.models import OpinionResponse, OpinionStage, OpinionTracking
from anju.core.errors import Conflict, WorkflowError
from anju.core.models import AuditEvent
from anju.core.roles import Role
from anju.matters import actions as matter_actions
from anju.matters.models import MatterEvent, MatterKind
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 11, 20, 10, 0))
OPINION_ROLES = {"admin", "centre_staff", "town_staff", "leader"}


@pytest.fixture
def plant(world):
    return matter_actions.create_matter(
        world.centre_staff,
        kind=MatterKind.HAZARD,
        domain=world.wages,
        area=world.village_a1,
        title="化工厂夜间排放刺鼻气味",
        description="东一村村民反映化工厂夜间排放异味。",
        now=NOW - dt.timedelta(days=3),
    )


def _open(world, plant, actor=None, **kw):
    fields = {
        "title": "短视频称化工厂排毒致村民中毒",
        "platform": "抖音",
        "reported_by": "citizen",
        "seen_at": NOW - dt.timedelta(hours=5),
        "source_text": "村民转来的视频链接",
        "now": NOW - dt.timedelta(hours=4),
    }
    fields.update(kw)
    return actions.open_opinion(actor or world.town_staff, plant, **fields)


def _through_response(world, response):
    staff = world.town_staff
    actions.record_verification(
        staff, response, result="partly", note="异味属实，无人中毒", now=NOW - dt.timedelta(hours=3)
    )
    actions.draft_wording(staff, response, wording="异味问题已责令整改，监测未见超标，未有人员中毒。")
    actions.approve_wording(world.leader, response, now=NOW - dt.timedelta(hours=2))
    actions.record_response(
        staff,
        response,
        channel="镇政府公众号",
        published_at=NOW - dt.timedelta(hours=1),
        text="关于东一村化工厂异味问题的情况通报",
        now=NOW,
    )
    return response


def test_the_whole_way_in_order(world, plant):
    response = _open(world, plant)
    assert response.stage == OpinionStage.VERIFY
    _through_response(world, response)
    response.refresh_from_db()
    assert response.stage == OpinionStage.TRACK
    assert response.wording_approved_by == world.leader
    assert response.wording_approved_at == NOW - dt.timedelta(hours=2)
    assert response.verification == "partly"
    actions.add_tracking(world.town_staff, response, on_date=NOW.date(), posts=12, views=8300, now=NOW)
    actions.add_tracking(
        world.town_staff, response, on_date=NOW.date(), posts=3, views=1200, note="热度下降", now=NOW
    )
    actions.close_opinion(world.town_staff, response, summary="通报发布后热度回落，无新增帖文。", now=NOW)
    response.refresh_from_db()
    assert response.stage == OpinionStage.CLOSED and response.closed_by == world.town_staff
    assert [t.posts for t in response.tracking.all()] == [12, 3]
    codes = list(
        AuditEvent.objects.filter(action__startswith="opinion.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert codes == [
        "opinion.open",
        "opinion.verify",
        "opinion.wording_draft",
        "opinion.wording_approve",
        "opinion.respond",
        "opinion.track",
        "opinion.track",
        "opinion.close",
    ]
    kinds = list(
        MatterEvent.objects.filter(matter=plant, kind__startswith="opinion").values_list("kind", flat=True)
    )
    assert kinds == ["opinion_opened", "opinion_responded", "opinion_closed"]


def test_steps_out_of_order_are_refused(world, plant):
    response = _open(world, plant)
    with pytest.raises(WorkflowError, match="核实"):
        actions.draft_wording(world.town_staff, response, wording="口径")
    with pytest.raises(WorkflowError):
        actions.record_response(
            world.town_staff, response, channel="公众号", published_at=NOW, text="通报", now=NOW
        )
    with pytest.raises(WorkflowError):
        actions.add_tracking(world.town_staff, response, on_date=NOW.date(), posts=1, views=1, now=NOW)
    with pytest.raises(WorkflowError):
        actions.close_opinion(world.town_staff, response, summary="结束", now=NOW)
    actions.record_verification(world.town_staff, response, result="true", note="属实")
    with pytest.raises(ValidationError, match="尚无口径草稿"):
        actions.approve_wording(world.leader, response)
    with pytest.raises(WorkflowError):
        actions.record_verification(world.town_staff, response, result="true", note="再次核实")
    response.refresh_from_db()
    assert response.stage == OpinionStage.WORDING


def test_close_needs_a_tracking_entry_and_a_summary(world, plant):
    response = _through_response(world, _open(world, plant))
    with pytest.raises(WorkflowError, match="至少记录一次跟踪"):
        actions.close_opinion(world.town_staff, response, summary="结束", now=NOW)
    with pytest.raises(ValidationError) as before_response:
        actions.add_tracking(
            world.town_staff, response, on_date=NOW.date() - dt.timedelta(days=2), posts=1, views=1, now=NOW
        )
    assert "on_date" in before_response.value.message_dict
    actions.add_tracking(world.town_staff, response, on_date=NOW.date(), posts=1, views=10, now=NOW)
    with pytest.raises(ValidationError) as blank:
        actions.close_opinion(world.town_staff, response, summary=" ", now=NOW)
    assert "summary" in blank.value.message_dict
    assert OpinionTracking.objects.count() == 1


def test_open_checks_its_input(world, plant):
    with pytest.raises(ValidationError) as bad:
        _open(
            world,
            plant,
            title="",
            platform="",
            reported_by="robot",
            seen_at=NOW + dt.timedelta(days=1),
            now=NOW,
        )
    assert set(bad.value.message_dict) == {"title", "platform", "reported_by", "seen_at"}
    assert not OpinionResponse.objects.exists()


def test_response_cannot_predate_the_approval_or_lie_ahead(world, plant):
    response = _open(world, plant)
    actions.record_verification(world.town_staff, response, result="false", note="视频系旧闻")
    actions.draft_wording(world.town_staff, response, wording="网传视频系三年前外地旧闻。")
    actions.approve_wording(world.leader, response, now=NOW)
    with pytest.raises(ValidationError, match="不能早于口径审定时间"):
        actions.record_response(
            world.town_staff,
            response,
            channel="公众号",
            published_at=NOW - dt.timedelta(hours=1),
            text="辟谣",
            now=NOW,
        )
    with pytest.raises(ValidationError, match="不能晚于当前时间"):
        actions.record_response(
            world.town_staff,
            response,
            channel="公众号",
            published_at=NOW + dt.timedelta(hours=1),
            text="辟谣",
            now=NOW,
        )


def test_stale_version_is_refused(world, plant):
    response = _open(world, plant)
    with pytest.raises(Conflict):
        actions.record_verification(
            world.town_staff, response, result="true", note="属实", version=response.version + 5
        )


def test_open_guard_and_scope(world, plant):
    check_guard(
        world,
        OPINION_ROLES,
        lambda u: _open(world, plant, actor=u),
        insider=world.town_staff,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    assert OpinionResponse.objects.count() == 1


def test_step_guards_and_scope(world, plant):
    response = _open(world, plant)
    out = outsider(world, Role.CENTRE_STAFF)
    check_guard(
        world,
        OPINION_ROLES,
        lambda u: actions.record_verification(u, response, result="true", note="属实"),
        insider=world.town_staff,
        outside=out,
    )
    actions.draft_wording(world.town_staff, response, wording="口径草稿")
    check_guard(
        world,
        OPINION_ROLES,
        lambda u: actions.approve_wording(u, response),
        insider=world.leader,
        outside=outsider(world, Role.LEADER),
    )
    response.refresh_from_db()
    assert response.stage == OpinionStage.RESPOND


def test_list_and_pages_are_scoped(world, plant, client):
    response = _open(world, plant)
    client.force_login(world.cadre_b)  # 西一村: not theirs
    assert client.get(f"/cases/opinion/{response.pk}/").status_code == 404
    assert response.title not in client.get("/cases/opinion/").content.decode()
    client.force_login(world.cadre)  # 东一村: may read it (positive control), has no step forms
    page = client.get(f"/cases/opinion/{response.pk}/").content.decode()
    assert response.title in page and "step-verify" not in page
    assert response.title in client.get("/cases/opinion/").content.decode()


def test_pages_walk_the_steps(world, plant, client):
    client.force_login(world.town_staff)
    bad = client.post(
        "/cases/opinion/new/",
        {"matter_number": "nope", "title": "x", "platform": "微博", "reported_by": "staff"},
    )
    assert bad.status_code == 400 and "未找到编号为 nope 的事项" in bad.content.decode()
    made = client.post(
        "/cases/opinion/new/",
        {
            "matter_number": plant.number,
            "title": "网帖称化工厂偷排",
            "platform": "本地论坛",
            "reported_by": "staff",
        },
    )
    response = OpinionResponse.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/cases/opinion/{response.pk}/"
    early = client.post(
        f"/cases/opinion/{response.pk}/wording/",
        {"wording-wording": "口径", "wording-version": response.version},
    )
    assert early.status_code == 302  # refused with a message: the stage is 核实
    response.refresh_from_db()
    assert response.stage == OpinionStage.VERIFY and response.wording == ""
    missing = client.post(f"/cases/opinion/{response.pk}/verify/", {"verify-result": "true"})
    assert missing.status_code == 400
    done = client.post(
        f"/cases/opinion/{response.pk}/verify/",
        {"verify-result": "true", "verify-note": "现场核实属实", "verify-version": response.version},
    )
    assert done.status_code == 302
    response.refresh_from_db()
    assert response.stage == OpinionStage.WORDING
    page = client.get(f"/cases/opinion/{response.pk}/").content.decode()
    assert "拟定口径" in page and "审定口径" in page


def test_matter_page_offers_the_entry_for_an_online_matter(world, plant, client):
    from anju.core.models import Domain

    online = matter_actions.create_matter(
        world.centre_staff,
        kind=MatterKind.HAZARD,
        domain=Domain.objects.get(code="online_opinion"),
        area=world.village_a1,
        title="网传化工厂爆炸谣言",
        description="微博流传化工厂爆炸视频。",
    )
    client.force_login(world.town_staff)
    page = client.get(f"/matters/{online.pk}/").content.decode()
    assert f"/cases/opinion/new/?matter={online.number}" in page
    # an offline matter without online sources shows no entry, until it has a 舆情应对
    assert "/cases/opinion/new/" not in client.get(f"/matters/{plant.pk}/").content.decode()
    _open(world, plant)
    assert f"/cases/opinion/?matter={plant.number}" in client.get(f"/matters/{plant.pk}/").content.decode()
