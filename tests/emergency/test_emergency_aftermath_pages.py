"""The aftermath pages: the 善后 page's forms and errors, the open rectification list (scoped, overdue flags),
the closing report as an office document in the customary outline."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from emergency_helpers import at

from anju.emergency import actions
from anju.emergency.models import EmergencyTask
from documents_check import (
    assert_docx_is_an_office_document,
    assert_pdf_is_an_office_document,
    download_names,
    pdf_lines,
)
from guards import outsider

OUTLINE = [
    "一、事件基本情况",
    "二、应急处置情况",
    "三、原因调查",
    "四、问题查处",
    "五、整改落实",
    "六、举一反三",
    "七、善后恢复",
]


@pytest.fixture
def ended(world, published_plan, incident):
    actions.activate_response(world.leader, incident, plan=published_plan, level=4, now=at(10, 14))
    actions.end_response(world.leader, incident, note="全部出院", now=at(12, 9))
    incident.refresh_from_db()
    return incident


def test_the_aftermath_page_waits_for_the_end_of_the_response(client, world, incident):
    client.force_login(world.town_staff)
    page = client.get(f"/emergency/incidents/{incident.pk}/aftermath/").content.decode()
    assert "应急响应终止后才能开展善后工作。" in page
    assert 'value="investigation"' not in page
    response = client.post(f"/emergency/incidents/{incident.pk}/aftermath/", {"form": "recovery"})
    assert response.status_code == 409


def test_a_bad_investigation_shows_chinese_errors_next_to_the_fields(client, world, ended):
    client.force_login(world.town_staff)
    url = f"/emergency/incidents/{ended.pk}/aftermath/"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        url,
        {
            "form": "investigation",
            "cause_category": "管理责任",
            "findings": "凉菜污染",
            "concluded_at": tomorrow,
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert re.search(r'name="concluded_at".*?调查完成日期不能晚于今天。', page, re.S)
    response = client.post(
        url,
        {
            "form": "investigation",
            "cause_category": "管理责任",
            "findings": "凉菜污染",
            "concluded_at": timezone.localdate(),
        },
    )
    assert response.status_code == 302
    assert "凉菜污染" in client.get(url).content.decode()


def test_the_open_rectifications_are_scoped_and_flag_overdue_ones(client, world, ended):
    task = actions.add_aftermath_task(
        world.town_staff, ended, title="建立聚餐备案制度", owner_unit=world.police
    )
    EmergencyTask.objects.filter(pk=task.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(world.town_staff)  # positive control: the town sees its task, flagged
    page = client.get("/emergency/rectifications/?overdue=1").content.decode()
    assert "建立聚餐备案制度" in page and "超期" in page
    client.force_login(outsider(world, "centre_staff"))
    page = client.get("/emergency/rectifications/").content.decode()
    assert "建立聚餐备案制度" not in page and "暂无未完成的整改任务" in page
    assert client.get(f"/emergency/incidents/{ended.pk}/aftermath/").status_code == 404


def _filled(world, incident):
    actions.record_investigation(
        world.town_staff,
        incident,
        cause_category="管理责任",
        findings="宴席凉菜加工储存不当，联系人电话13812345678。",
        concluded_at=dt.date(2026, 3, 14),
        now=at(15, 9),
    )
    actions.add_problem_finding(
        world.town_staff, incident, unit=world.police, duty="聚餐备案", finding="未备案", decision="约谈"
    )
    task = actions.add_aftermath_task(
        world.town_staff, incident, title="建立聚餐备案制度", owner_unit=world.police
    )
    actions.complete_task(world.officer, task, note="已建立")
    actions.verify_task(world.leader, task, note="合格")
    actions.add_recovery(
        world.town_staff,
        incident,
        kind="relief",
        item="慰问金",
        recipients="住院患者",
        recipient_count=30,
        amount=15000,
    )


def test_the_closing_report_follows_the_outline_as_an_office_document(client, world, ended):
    _filled(world, ended)
    client.force_login(world.town_staff)
    page = client.get(f"/emergency/incidents/{ended.pk}/aftermath/").content.decode()
    for shown in ("管理责任", "东镇派出所", "聚餐备案", "已验收", "住院患者", "15000.00"):
        assert shown in page, shown
    docx = client.get(f"/emergency/incidents/{ended.pk}/closing.docx")
    assert docx.status_code == 200
    assert download_names(docx)[0].startswith("关于“东一村聚餐食物中毒”的总结报告")
    doc = assert_docx_is_an_office_document(docx.content)
    headings = [p.text for p in doc.paragraphs if p.text in OUTLINE]
    assert headings == OUTLINE
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "原因类别：管理责任。调查于 2026-03-14 完成。" in text
    assert "下达整改任务 1 项，已办结 1 项，已验收 1 项。" in text
    assert "合计金额 15,000.00 元。" in text
    assert "13812345678" not in text and "138****5678" in text
    pdf = client.get(f"/emergency/incidents/{ended.pk}/closing.pdf")
    assert pdf.status_code == 200
    assert_pdf_is_an_office_document(pdf.content)
    lines = pdf_lines(pdf.content)
    assert [line for line in lines if line in OUTLINE] == OUTLINE
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日\d{2}时\d{2}分导出", "".join(lines))
