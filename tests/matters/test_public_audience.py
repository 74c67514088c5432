"""Internal stays internal: what the citizen's status page (/public/track) shows after every action.

Each walk drives a request through the actions, typing a distinct marker into every text field staff
fill in. After each step the citizen's page is fetched over HTTP and compared with a hand-written table
of the lines it must show — the neutral line per step and only the text written for the citizen in a
field labelled as public. Every internal marker, party detail, staff login and risk level stays away.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from anju.intake import actions as intake
from anju.matters import actions
from anju.matters.models import Matter, MatterEvent

TRACK_ITEM = re.compile(r'<li><div class="when">[^<]*</div>(.*?)(?:<p class="prewrap">(.*?)</p>)?</li>', re.S)
STATUS = re.compile(r'<span class="badge status-[a-z_]+">(.*?)</span>')
WAITING = "已受理，正在登记分办"
PARTY_NAME, PARTY_PHONE, PARTY_ID = "李四光", "13912345678", "110101199003074514"
PERSONAL = [PARTY_NAME, PARTY_PHONE, "139****5678", "李*", PARTY_ID, "zongzhi", "bumen", "cun"]
# Words that name internal steps or things; none may appear in the citizen's result (risk levels are
# checked by the tables: a level label such as 中 is part of ordinary words like 化解中).
INTERNAL_WORDS = [
    "东镇派出所",
    "东一村村委会",
    "风险",
    "研判定级",
    "上报至",
    "退回",
    "督办",
    "灰犀牛",
    "黑天鹅",
]


class Markers:
    """Distinct text for every staff-typed field; ``all`` is what must never reach the citizen."""

    def __init__(self):
        self.all: list[str] = []

    def __call__(self, field: str) -> str:
        text = f"内部{field}（{len(self.all) + 1}号：申请人有多次越级上访记录）"
        self.all.append(text)
        return text


def citizen_page(client: Client, code: str) -> dict:
    response = client.get("/public/track", {"code": code})
    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index('class="card track-result"') :]
    section = section[: section.index("</section>")]
    return {
        "html": html,
        "section": section,
        "status": unescape(STATUS.search(section).group(1)),
        "lines": [
            (unescape(line).strip(), unescape(text or "")) for line, text in TRACK_ITEM.findall(section)
        ],
    }


def assert_page(client, code, status, lines, markers, *, waiting=False):
    page = citizen_page(client, code)
    assert page["status"] == status
    assert page["lines"] == lines
    assert (WAITING in page["html"]) is waiting
    for secret in [*markers.all, *PERSONAL]:
        assert secret not in page["html"], secret
    for word in INTERNAL_WORDS:
        assert word not in page["section"], word


def submit(world, text="工地拖欠工资三个月，多次讨要未果。"):
    return intake.submit_report(None, channel="online", text=text, area=world.village_a1)


def register(world, report, **kwargs):
    kwargs.setdefault("title", "工地拖欠工资")
    return intake.register_report(world.centre_staff, report, kind="dispute", domain=world.wages, **kwargs)


def api_post(user, path: str, payload: dict):
    from anju.core.actions import issue_api_token

    token = issue_api_token(user)
    response = Client().post(
        "/api" + path,
        data=json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_every_action_and_text_field_of_the_main_path(world, client):
    staff, mark = world.centre_staff, Markers()
    later = timezone.localdate() + dt.timedelta(days=10)
    report = submit(world)
    code = report.receipt_code
    assert_page(client, code, "已受理，待登记", [], mark, waiting=True)

    # Registered and graded with an opinion (the 研判定级 of the intake page).
    matter = register(
        world,
        report,
        title=mark("标题"),
        description=mark("情况描述"),
        likelihood=4,
        consequence=4,
        assessment_note=mark("研判意见"),
    )
    lines = [("已登记受理", ""), ("已研判，正在交办", "")]
    assert_page(client, code, "已研判", lines, mark)

    # Steps that are for staff only add nothing to the citizen's page.
    actions.add_party(
        staff, matter, role="respondent", name=PARTY_NAME, phone=PARTY_PHONE, id_number=PARTY_ID
    )
    actions.add_note(staff, matter, note=mark("备注"))
    actions.set_grey_rhino(staff, matter, marked=True)
    actions.confirm_black_swan(staff, matter, reason=mark("黑天鹅理由"), unit=world.police, deadline=later)
    actions.set_mitigation_plan(staff, matter, plan=mark("缓释方案"))  # a grey rhino is assigned with a plan
    actions.regrade(staff, matter, likelihood=4, consequence=5, reason=mark("调整原因"))
    assert_page(client, code, "已研判", lines, mark)

    # A note the staff mark 群众可见 is written for the citizen and shown as written.
    actions.add_note(staff, matter, note="已约谈施工方，将于近日答复。", public=True)
    lines += [("办理说明", "已约谈施工方，将于近日答复。")]
    assert_page(client, code, "已研判", lines, mark)

    actions.assign(
        staff,
        matter,
        unit=world.police,
        person=world.officer,
        lead_leader=world.leader,
        deadline=later,
        note=mark("交办意见"),
        exemption_reason=mark("不上报理由"),  # 4 × 4 is 最高, to be handled by the county
    )
    lines += [("已交办责任单位办理", "")]
    assert_page(client, code, "已交办", lines, mark)

    actions.supervise(staff, matter, note=mark("督办意见"), new_deadline=later)
    assert_page(client, code, "已交办", lines, mark)

    actions.return_matter(world.officer, matter, reason=mark("退回原因"))
    assert_page(client, code, "办理中", lines, mark)

    # Graded again without an opinion: the level must not show through the default wording either.
    actions.assess(staff, matter, likelihood=5, consequence=5)
    lines += [("已研判，正在交办", "")]
    assert_page(client, code, "已研判", lines, mark)

    actions.escalate(staff, matter, reason=mark("上报原因"))
    lines += [("已报上级综治中心办理", "")]
    assert_page(client, code, "上级办理中", lines, mark)

    # The 研判定级 through the API, with an opinion.
    api_post(
        staff, f"/matters/{matter.pk}/assess", {"likelihood": 2, "consequence": 3, "note": mark("API研判")}
    )
    lines += [("已研判，正在交办", "")]
    assert_page(client, code, "已研判", lines, mark)

    matter.refresh_from_db()
    actions.assign(
        staff, matter, unit=world.committee_a1, person=world.cadre, lead_leader=world.leader, deadline=later
    )
    actions.start(world.cadre, matter, note=mark("开始说明"))
    lines += [("已交办责任单位办理", ""), ("责任单位已开始化解", "")]
    assert_page(client, code, "化解中", lines, mark)

    actions.record_mediation(
        world.cadre,
        matter,
        held_on=timezone.localdate(),
        mediators=mark("调解员"),
        summary=mark("调解经过"),
        result="agreed",
        parties_present=mark("到场当事人"),
        agreement_text=mark("协议内容"),
    )
    lines += [("已组织调解", "")]
    assert_page(client, code, "化解中", lines, mark)

    actions.set_residual_risk(staff, matter, likelihood=1, consequence=2, note=mark("已采取的措施"))
    assert_page(client, code, "化解中", lines, mark)

    actions.resolve(world.cadre, matter, outcome=mark("化解结果"), public_note="拖欠的工资已全部结清。")
    lines += [("已化解", "拖欠的工资已全部结清。")]
    assert_page(client, code, "已化解", lines, mark)

    actions.follow_up(
        staff, matter, visited_on=timezone.localdate(), satisfaction="unsatisfied", note=mark("回访情况")
    )
    lines += [("已回访", "")]
    assert_page(client, code, "已回访", lines, mark)

    actions.archive(staff, matter, note=mark("归档说明"))
    lines += [("已办结归档", "")]
    assert_page(client, code, "已办结", lines, mark)

    # Positive control: each marker did reach the staff side, so its absence above means something.
    staff_text = " ".join(
        [*MatterEvent.objects.filter(matter=matter).values_list("note", flat=True)]
        + [
            s.summary + s.mediators + s.parties_present + s.agreement_text
            for s in matter.mediation_sessions.all()
        ]
        + [v.note for v in matter.follow_ups.all()]
        + [n.note for n in matter.supervision_notes.all()]
        + [matter.outcome, matter.title, matter.description]
    )
    assert [m for m in mark.all if m not in staff_text] == []
    # The staff page shows the same neutral line next to each public entry, so staff know what the citizen reads.
    staff_client = Client()
    staff_client.force_login(staff)
    detail = staff_client.get(f"/matters/{matter.pk}/").content.decode()
    assert "群众查询时显示：已研判，正在交办" in detail and mark.all[2] in detail  # the 研判意见


def test_a_request_linked_to_a_matter_and_a_merged_one_show_the_matters_public_lines(world, client):
    staff, mark = world.centre_staff, Markers()
    first = submit(world)
    matter = register(world, first)
    repeated = submit(world, text="又来反映：工地工资还是没发。")
    intake.link_report(staff, repeated, matter, note=mark("并入说明"))
    lines = [("已登记受理", "")]
    assert_page(client, repeated.receipt_code, "已登记", lines, mark)

    duplicate_report = submit(world, text="同一工地工人反映欠薪。")
    duplicate = register(world, duplicate_report)
    actions.merge(staff, duplicate, into=matter, note=mark("合并说明"))
    # The duplicate's request now follows the matter it was merged into; the merge itself is internal.
    assert_page(client, duplicate_report.receipt_code, "已登记", lines, mark)
    assert_page(client, first.receipt_code, "已登记", lines, mark)
    assert Matter.objects.get(pk=duplicate.pk).events.filter(kind="merged", public=True).exists()


def test_a_matter_rejected_after_registration_shows_its_public_reason(world, client):
    mark = Markers()
    report = submit(world)
    matter = register(world, report)
    actions.reject(
        world.centre_staff, matter, reason="属于劳动仲裁受理范围，请向县劳动人事争议仲裁委员会申请。"
    )
    assert_page(
        client,
        report.receipt_code,
        "不予受理",
        [("已登记受理", ""), ("不予受理", "属于劳动仲裁受理范围，请向县劳动人事争议仲裁委员会申请。")],
        mark,
    )
    assert 'class="badge status-rejected"' in citizen_page(client, report.receipt_code)["section"]


def test_a_request_rejected_at_intake_shows_the_reason_and_not_that_it_is_being_registered(world, client):
    report = submit(world)
    assert WAITING in citizen_page(client, report.receipt_code)["html"]
    intake.reject_report(world.centre_staff, report, "请向劳动监察大队反映")
    page = citizen_page(client, report.receipt_code)
    assert page["status"] == "不予受理" and page["lines"] == []
    assert "请向劳动监察大队反映" in page["html"]
    assert WAITING not in page["html"]


def test_the_public_lines_are_translated(world, client):
    report = submit(world)
    matter = register(world, report, likelihood=3, consequence=3, assessment_note="内部研判意见")
    later = timezone.localdate() + dt.timedelta(days=5)
    actions.assign(world.centre_staff, matter, unit=world.police, lead_leader=world.leader, deadline=later)
    actions.resolve(world.centre_staff, matter, outcome="内部结果", public_note="已解决")
    client.cookies["django_language"] = "en"
    page = citizen_page(client, report.receipt_code)
    assert page["lines"] == [
        ("Registered and accepted", ""),
        ("Assessed; being assigned", ""),
        ("Assigned to the responsible unit", ""),
        ("Resolved", "已解决"),  # the text written for the citizen stays as it was written
    ]
    assert page["status"] == "Resolved"


LEAKED = "研判定级：最高。申请人有多次越级上访记录"


@pytest.mark.parametrize(
    ("kind", "old_public", "note", "public", "public_text"),
    [
        ("registered", True, LEAKED, True, ""),
        ("assessed", True, LEAKED, True, ""),
        ("escalated", True, LEAKED, True, ""),
        ("returned", True, LEAKED, False, ""),
        ("supervised", True, LEAKED, False, ""),
        ("residual_assessed", True, LEAKED, False, ""),
        ("merge_received", True, LEAKED, False, ""),
        ("party_added", True, LEAKED, False, ""),
        ("note", False, LEAKED, False, ""),
        # A note staff had ticked 群众可见 was written for the citizen: it stays public, as written.
        ("note", True, "已约谈施工方", True, "已约谈施工方"),
    ],
)
def test_old_rows_are_neutralised_by_the_migration(
    world, client, kind, old_public, note, public, public_text
):
    """A database written before the audience rule: events marked public with staff text as their note."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("anju.matters.migrations.0002_event_public_text")
    report = submit(world)
    matter = register(world, report)
    matter.events.all().delete()
    MatterEvent.objects.create(matter=matter, kind=kind, note=note, public=old_public, at=timezone.now())

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.neutralise_public_events(apps, editor)
    event = MatterEvent.objects.get(matter=matter)
    assert (event.public, event.public_text) == (public, public_text)
    page = citizen_page(client, report.receipt_code)
    assert LEAKED not in page["html"]


def test_old_resolved_and_rejected_rows_keep_the_matters_public_note(world):
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("anju.matters.migrations.0002_event_public_text")
    matter = register(world, submit(world))
    Matter.objects.filter(pk=matter.pk).update(public_note="工资已结清")
    for kind, note in (("resolved", "工资已结清"), ("rejected", "不予受理：内部原因")):
        MatterEvent.objects.create(matter=matter, kind=kind, note=note, public=True, public_text="")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.neutralise_public_events(apps, editor)
    got = dict(matter.events.filter(kind__in=["resolved", "rejected"]).values_list("kind", "public_text"))
    assert got == {"resolved": "工资已结清", "rejected": "工资已结清"}
