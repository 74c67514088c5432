"""The matter pages: ledger, matter page with its action panel, registration, supervision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.matters import actions
from anju.matters.models import Matter, MediationSession, SupervisionNote
from anju.matters.workflow import Status

pytestmark = pytest.mark.django_db


def page(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    return response, response.content.decode()


def act(client, user, matter, action, data, **extra):
    client.force_login(user)
    return client.post(
        reverse("matters:act", args=[matter.pk, action]),
        {f"{action}-{k}": v for k, v in data.items()} | extra,
    )


# ledger ---------------------------------------------------------------------------------------------------


def test_ledger_lists_scoped_matters_with_badges(client, world, make_matter, advance):
    # assigned ten days ago with a deadline that passed yesterday
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    mine = advance(
        make_matter(title="东一村欠薪", now=ten_days_ago),
        "assigned",
        now=ten_days_ago,
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    actions.set_grey_rhino(world.centre_staff, mine, marked=True)
    # first of its kind and now of consequence 4 (3 × 4 is still 较高): suggested as a 黑天鹅
    actions.regrade(world.centre_staff, mine, likelihood=3, consequence=4, reason="涉及人数增加")
    make_matter(area=world.village_b1, title="西一村纠纷")
    response, html = page(client, world.cadre, reverse("matters:ledger"))
    assert response.status_code == 200
    assert "东一村欠薪" in html and "西一村纠纷" not in html
    _response, western = page(client, world.cadre_b, reverse("matters:ledger"))  # positive control
    assert "西一村纠纷" in western and "东一村欠薪" not in western
    assert "level-high" in html and "超期" in html and "灰犀牛" in html and "疑似黑天鹅" in html
    assert 'href="/matters/export/?' in html


def test_ledger_filters_and_empty_state(client, world, make_matter):
    make_matter(title="工资拖欠")
    _response, html = page(client, world.centre_staff, reverse("matters:ledger"), q="没有的关键词")
    assert "没有符合筛选条件的事项" in html and "工资拖欠" not in html
    _response, html = page(client, world.centre_staff, reverse("matters:ledger"))
    assert "工资拖欠" in html


def test_ledger_paginates(client, world, make_matter, settings):
    settings.ANJU_PAGE_SIZE = 2
    for i in range(5):
        make_matter(title=f"事项{i}")
    _response, html = page(client, world.centre_staff, reverse("matters:ledger"), sort="number", page=3)
    assert "事项4" in html and "事项0" not in html
    assert "第 3 页" in html and "共 5 件事项" in html


def test_ledger_hides_export_without_permission(client, world, make_matter):
    make_matter(area=world.grid_a1)
    _response, html = page(client, world.grid_worker, reverse("matters:ledger"))
    assert "导出 Excel" not in html
    _response, html = page(client, world.centre_staff, reverse("matters:ledger"))  # positive control
    assert "导出 Excel" in html


# matter page ----------------------------------------------------------------------------------------------


def test_detail_shows_facts_masked_parties_and_timeline_in_order(client, world, make_matter, advance):
    matter = advance(make_matter(), "resolved")
    response, html = page(client, world.centre_staff, reverse("matters:detail", args=[matter.pk]))
    assert response.status_code == 200
    assert matter.number in html and "东镇派出所" in html and "示范县 / 东镇 / 东一村" in html
    assert "张**" in html and "138****5678" in html and "张三丰" not in html and "13812345678" not in html
    assert reverse("care:reveal_party", args=[matter.parties.get().pk, "name"]) in html
    positions = [
        html.index(label)
        for label in ("事项已登记", "研判定级：较高", "交办东镇派出所办理", "开始化解", "已办结")
    ]
    assert positions == sorted(positions)
    assert "default-5x5@1" in html


def test_detail_hides_reveal_from_roles_without_the_permission(client, world, make_matter):
    matter = make_matter()
    _response, html = page(client, world.leader, reverse("matters:detail", args=[matter.pk]))
    assert "张**" in html and "core/reveal" not in html and "/reveal/" not in html
    _response, html = page(client, world.centre_staff, reverse("matters:detail", args=[matter.pk]))
    assert "/reveal/" in html  # positive control: a role that may reveal gets the link on the same page


def test_reveal_of_a_party_is_logged(client, world, make_matter):
    party = make_matter().parties.get()
    client.force_login(world.centre_staff)
    # a party is revealed for a purpose (care's page), recorded with the reveal
    response = client.post(reverse("care:reveal_party", args=[party.pk, "phone"]), {"purpose": "mediation"})
    assert "13812345678" in response.content.decode()
    event = AuditEvent.objects.get(action="personal_data.reveal", object_id=str(party.pk))
    assert event.after["purpose"] == "mediation"


def test_out_of_scope_matter_is_404_everywhere(client, world, make_matter):
    matter = make_matter()
    client.force_login(world.cadre_b)
    assert client.get(reverse("matters:detail", args=[matter.pk])).status_code == 404
    response = client.post(reverse("matters:act", args=[matter.pk, "note"]), {"note-note": "越界"})
    assert response.status_code == 404
    assert not matter.events.filter(kind="note").exists()


def test_panel_shows_only_actions_the_role_may_do_now(client, world, make_matter):
    matter = make_matter()
    _response, html = page(client, world.centre_staff, reverse("matters:detail", args=[matter.pk]))
    for key in ("assess", "escalate", "merge", "reject", "note", "black_swan"):
        assert f'id="panel-{key}"' in html
    for key in ("assign", "start", "resolve", "archive", "mediation"):
        assert f'id="panel-{key}"' not in html
    assert "可能性＼后果" in html  # matrix legend on the assess form
    _response, html = page(client, world.cadre, reverse("matters:detail", args=[matter.pk]))
    assert 'id="panel-assess"' not in html and 'id="panel-escalate"' in html


def test_assess_through_the_page(client, world, make_matter):
    matter = make_matter()
    response = act(client, world.centre_staff, matter, "assess", {"likelihood": "4", "consequence": "4"})
    assert response.status_code == 302 and response.url == reverse("matters:detail", args=[matter.pk])
    matter.refresh_from_db()
    assert (matter.status, matter.inherent_level, matter.grey_rhino) == (Status.ASSESSED, "critical", True)


def test_missing_fields_are_shown_in_chinese_and_nothing_changes(
    client, world, make_matter, advance, db_state
):
    matter = advance(make_matter(), "assessed")
    before = db_state(matter)
    response = act(client, world.centre_staff, matter, "assign", {"unit": "", "deadline": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "这个字段是必填项。" in html and 'open id="panel-assign"' in html
    assert db_state(matter) == before


def test_action_validation_errors_land_next_to_the_field(client, world, make_matter, advance, db_state):
    matter = advance(make_matter(), "assessed")
    before = db_state(matter)
    response = act(
        client,
        world.centre_staff,
        matter,
        "assign",
        {"unit": world.police.pk, "person": world.cadre.pk, "deadline": timezone.localdate().isoformat()},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "责任人须属于责任单位。" in html
    assert db_state(matter) == before


def test_reason_is_required_on_the_page(client, world, make_matter, db_state):
    matter = make_matter()
    before = db_state(matter)
    response = act(client, world.centre_staff, matter, "escalate", {"reason": ""})
    assert response.status_code == 400 and "这个字段是必填项。" in response.content.decode()
    assert db_state(matter) == before


def test_reject_needs_confirmation(client, world, make_matter, db_state):
    matter = make_matter()
    before = db_state(matter)
    response = act(client, world.centre_staff, matter, "reject", {"reason": "不属于受理范围"})
    assert "请勾选确认后再提交。" in response.content.decode()
    assert db_state(matter) == before
    response = act(
        client, world.centre_staff, matter, "reject", {"reason": "不属于受理范围", "confirm": "on"}
    )
    assert response.status_code == 302
    assert Matter.objects.get(pk=matter.pk).status == Status.REJECTED


def test_illegal_transition_gives_a_message_and_changes_nothing(client, world, make_matter, db_state):
    matter = make_matter()
    before = db_state(matter)
    response = act(client, world.centre_staff, matter, "resolve", {"outcome": "直接办结"})
    assert response.status_code == 302
    assert db_state(matter) == before
    follow = client.get(response.url).content.decode()
    assert "不能执行“化解办结”" in follow


def test_wrong_role_on_the_page_is_refused(client, world, make_matter, db_state):
    matter = make_matter()
    before = db_state(matter)
    response = act(client, world.cadre, matter, "assess", {"likelihood": "2", "consequence": "2"})
    assert response.status_code == 302
    assert "无权执行" in client.get(response.url).content.decode()
    assert db_state(matter) == before


def test_merge_by_number_through_the_page(client, world, make_matter, db_state):
    duplicate, target = make_matter(title="重复"), make_matter(title="原件")
    before = db_state(duplicate)
    response = act(
        client, world.centre_staff, duplicate, "merge", {"into_number": "NO-SUCH", "confirm": "on"}
    )
    assert "未找到编号为 NO-SUCH 的事项" in response.content.decode()
    response = act(
        client, world.centre_staff, duplicate, "merge", {"into_number": duplicate.number, "confirm": "on"}
    )
    assert "请选择另一个事项作为合并目标" in response.content.decode()
    assert db_state(duplicate) == before
    act(client, world.centre_staff, duplicate, "merge", {"into_number": target.number, "confirm": "on"})
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == target


def test_mediation_upload_accepts_pdf_and_refuses_other_files(client, world, make_matter, advance):
    matter = advance(make_matter(), "assigned")
    data = {
        "held_on": timezone.localdate().isoformat(),
        "mediators": "李调解员",
        "summary": "双方协商",
        "result": "agreed",
        "agreement_text": "分两期支付",
    }
    fake = SimpleUploadedFile("agreement.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = act(client, world.officer, matter, "mediation", data | {"agreement_file": fake})
    assert response.status_code == 400 and "只能上传 PDF、JPG 或 PNG 文件。" in response.content.decode()
    assert not MediationSession.objects.exists()
    pdf = SimpleUploadedFile("agreement.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = act(client, world.officer, matter, "mediation", data | {"agreement_file": pdf})
    assert response.status_code == 302
    session = MediationSession.objects.get()
    assert session.agreement_file.read().startswith(b"%PDF")
    download = client.get(reverse("matters:agreement", args=[session.pk]))
    assert download.status_code == 200
    client.force_login(world.cadre_b)
    assert client.get(reverse("matters:agreement", args=[session.pk])).status_code == 404


def test_oversized_agreement_is_refused(client, world, make_matter, advance, settings):
    settings.ANJU_ATTACHMENT_MAX_BYTES = 10
    matter = advance(make_matter(), "assigned")
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 longer than ten bytes", content_type="application/pdf")
    response = act(
        client,
        world.officer,
        matter,
        "mediation",
        {
            "held_on": timezone.localdate().isoformat(),
            "mediators": "李",
            "summary": "协商",
            "result": "agreed",
            "agreement_file": pdf,
        },
    )
    assert "文件不能超过" in response.content.decode()


def test_unit_members_lists_only_that_units_people(client, world):
    client.force_login(world.centre_staff)
    html = client.get(reverse("matters:unit_members"), {"assign-unit": world.police.pk}).content.decode()
    assert "bumen" in html and "cun" not in html
    committee = client.get(reverse("matters:unit_members"), {"assign-unit": world.committee_a1.pk})
    assert "cun" in committee.content.decode()  # positive control: that unit's own people are listed
    client.force_login(world.cadre_b)
    assert client.get(reverse("matters:unit_members"), {"unit": world.police.pk}).status_code == 404


# registration ---------------------------------------------------------------------------------------------


def new_matter_data(world, **overrides):
    data = {
        "kind": "dispute",
        "domain": world.land.pk,
        "area": world.village_a1.pk,
        "title": "征地补偿款分配",
        "description": "村民对补偿款分配方案有异议",
        "people_involved": "30",
        "amount_involved": "120000",
        "applicant_name": "李四",
        "applicant_phone": "13900001111",
        "applicant_id_number": "",
    }
    data.update(overrides)
    return data


def test_new_matter_form_registers_and_assesses(client, world):
    client.force_login(world.centre_staff)
    response = client.post(reverse("matters:new"), new_matter_data(world, likelihood="2", consequence="3"))
    matter = Matter.objects.get()
    assert response.status_code == 302 and response.url == reverse("matters:detail", args=[matter.pk])
    assert matter.status == Status.ASSESSED and matter.inherent_level == "medium"
    party = matter.parties.get()
    assert party.name == "李四" and party.phone == "13900001111"
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone FROM matters_matterparty")
        stored = cursor.fetchone()
    assert "李四" not in stored[0] and "13900001111" not in stored[1]  # encrypted at rest


def test_new_matter_form_shows_chinese_errors(client, world):
    client.force_login(world.centre_staff)
    response = client.post(
        reverse("matters:new"),
        new_matter_data(
            world, title="", applicant_id_number="12345", likelihood="2", area=world.village_b1.pk + 999
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "这个字段是必填项。" in html and "身份证号码格式或校验位不正确" in html
    assert "可能性与后果须同时填写" in html and "选择一个有效的选项" in html
    assert not Matter.objects.exists()


def test_new_matter_area_must_be_in_scope(client, world):
    client.force_login(world.cadre)
    response = client.post(reverse("matters:new"), new_matter_data(world, area=world.village_b1.pk))
    assert response.status_code == 400 and not Matter.objects.exists()
    _response, html = page(client, world.cadre, reverse("matters:new"))
    assert "可能性（可选" not in html  # only the centre scores risk
    _response, html = page(client, world.centre_staff, reverse("matters:new"))
    assert "可能性（可选" in html  # positive control


def test_new_matter_needs_the_permission(client, world):
    client.force_login(world.leader)
    assert client.get(reverse("matters:new")).status_code == 403


# supervision ----------------------------------------------------------------------------------------------


def test_supervision_lists_overdue_and_high_matters_and_takes_quick_notes(
    client, world, make_matter, advance
):
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    late = advance(
        make_matter(title="超期欠薪", now=ten_days_ago),
        "assigned",
        now=ten_days_ago,
        deadline=timezone.localdate() - dt.timedelta(days=4),
    )
    high = make_matter(title="高风险征地")
    actions.assess(world.centre_staff, high, likelihood=5, consequence=5)
    make_matter(title="普通事项")
    url = reverse("matters:supervision")
    _response, html = page(client, world.leader, url)
    assert "超期欠薪" in html and "4 天" in html and "东镇派出所" in html and "未督办" in html
    assert "高风险征地" in html and "普通事项" not in html
    response = client.post(
        reverse("matters:act", args=[late.pk, "supervise"]), {"supervise-note": "请三日内办结", "next": url}
    )
    assert response.status_code == 302 and response.url == url
    _response, html = page(client, world.leader, url)
    assert "请三日内办结" in html


def test_an_empty_inline_supervision_returns_to_the_list_with_a_message(client, world, make_matter, advance):
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    late = advance(
        make_matter(title="超期欠薪", now=ten_days_ago),
        "assigned",
        now=ten_days_ago,
        deadline=timezone.localdate() - dt.timedelta(days=4),
    )
    url = reverse("matters:supervision")
    _response, html = page(client, world.leader, url)
    assert 'name="inline" value="1"' in html  # the list's quick form marks itself
    response = client.post(
        reverse("matters:act", args=[late.pk, "supervise"]),
        {"supervise-note": "   ", "next": url, "inline": "1"},
        follow=True,
    )
    assert response.redirect_chain == [(url, 302)] and response.status_code == 200
    said = [str(m) for m in response.context["messages"]]
    assert said == ["“督办”未提交：请填写督办意见。"]
    assert not SupervisionNote.objects.filter(matter=late).exists()
    # the same empty note from the matter page still shows the form there, with its error
    on_detail = act(client, world.leader, late, "supervise", {"note": ""})
    assert on_detail.status_code == 400


def test_supervision_redirect_refuses_foreign_hosts(client, world, make_matter, advance):
    matter = advance(make_matter(), "assigned")
    response = act(client, world.leader, matter, "supervise", {"note": "督办"}, next="https://evil.example/")
    assert response.url == reverse("matters:detail", args=[matter.pk])


def test_flags_notes_and_follow_up_through_the_page(client, world, make_matter, advance):
    matter = make_matter(area=world.grid_a1)  # in the grid worker's own grid
    act(client, world.centre_staff, matter, "grey_rhino", {"marked": "yes"})
    act(
        client,
        world.centre_staff,
        matter,
        "black_swan",
        {"reason": "已知风险", "unit": world.police.pk, "deadline": "2099-01-31"},
    )
    act(client, world.centre_staff, matter, "mitigation", {"plan": "分批支付工资，劳动监察每周核查"})
    act(client, world.cadre, matter, "note", {"note": "已电话联系工地负责人", "public": "on"})
    matter.refresh_from_db()
    assert matter.grey_rhino and matter.black_swan_confirmed is True
    assert matter.root_cause_tasks.get().unit == world.police
    assert matter.mitigation_plan == "分批支付工资，劳动监察每周核查"
    assert matter.events.get(kind="note").public
    advance(matter, "resolved")
    response = act(
        client,
        world.grid_worker,
        matter,
        "follow_up",
        {"visited_on": timezone.localdate().isoformat(), "satisfaction": "", "method": "上门"},
    )
    assert response.status_code == 400 and "这个字段是必填项。" in response.content.decode()
    act(
        client,
        world.grid_worker,
        matter,
        "follow_up",
        {"visited_on": timezone.localdate().isoformat(), "satisfaction": "satisfied", "method": "上门"},
    )
    matter.refresh_from_db()
    assert matter.status == Status.FOLLOWED_UP and matter.follow_ups.get().method == "上门"
