"""Pages: register with coverage, forms with Chinese field errors, step tabs, scope (404), downloads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.assessment.models import AssessmentItem, PublicNotice, Stage

from .conftest import days, make_item


@pytest.fixture
def staff(client, world):
    client.force_login(world.centre_staff)
    return client


def test_register_lists_items_with_coverage(staff, world):
    make_item(world, title="按期事项")
    make_item(world, title="逾期事项", planned_decision_date=days(-3))
    page = staff.get(reverse("assessment:index"))
    html = page.content.decode()
    assert page.status_code == 200 and "按期事项" in html and "逾期未评" in html
    flagged = staff.get(reverse("assessment:index"), {"coverage": "flagged"}).content.decode()
    assert "逾期事项" in flagged and "按期事项" not in flagged
    assert "稳评" in html  # nav entry


def test_new_item_form_shows_chinese_errors_next_to_fields(staff, world):
    response = staff.post(
        reverse("assessment:item_new"),
        {
            "year": 2026,
            "title": "",
            "category": "project",
            "description": "概况",
            "sponsor_unit": world.police.pk,
            "area": world.town_a.pk,
            "affected_areas": [world.village_a1.pk],
            "people_affected": -4,
            "planned_decision_date": days(30).isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写事项名称。" in html and "预计涉及人数不能为负数。" in html and "has-error" in html
    assert not AssessmentItem.objects.exists()


def test_new_item_and_start_assessment(staff, world):
    response = staff.post(
        reverse("assessment:item_new"),
        {
            "year": 2026,
            "title": "镇区道路改造",
            "category": "project",
            "description": "改造主街",
            "sponsor_unit": world.town_centre.pk,
            "area": world.town_a.pk,
            "affected_areas": [world.village_a1.pk],
            "domains": [world.land.pk],
            "people_affected": 300,
            "planned_decision_date": days(30).isoformat(),
        },
    )
    item = AssessmentItem.objects.get()
    assert response.status_code == 302 and response.url == reverse("assessment:item", args=[item.pk])
    response = staff.post(
        reverse("assessment:item_start", args=[item.pk]),
        {
            "body_unit": world.town_centre.pk,
            "team": "张三",
            "methods": ["notice", "survey"],
            "schedule_start": days(0).isoformat(),
            "schedule_end": days(-1).isoformat(),
        },
    )
    assert response.status_code == 400 and "计划完成日期不能早于开始日期。" in response.content.decode()
    response = staff.post(
        reverse("assessment:item_start", args=[item.pk]),
        {
            "body_unit": world.town_centre.pk,
            "team": "张三",
            "methods": ["notice", "survey"],
            "schedule_start": days(0).isoformat(),
            "schedule_end": days(20).isoformat(),
            "consult_whom": "沿街商户",
        },
    )
    assessment = item.assessments.get()
    assert response.url == reverse("assessment:detail", args=[assessment.pk])
    staff.post(reverse("assessment:act", args=[assessment.pk, "open_consultation"]))
    assessment.refresh_from_db()
    assert assessment.stage == Stage.CONSULTATION
    # a short notice is refused with the message next to the end date, nothing saved
    response = staff.post(
        reverse("assessment:act", args=[assessment.pk, "notice"]),
        {
            "channel": "公示栏",
            "start_on": days(-5).isoformat(),
            "end_on": days(0).isoformat(),
            "opinions_received": 0,
        },
    )
    assert response.status_code == 400 and "少于规定的最短 20 天" in response.content.decode()
    assert not PublicNotice.objects.exists()
    # survey with a negative count: the message sits in that cell
    response = staff.post(
        reverse("assessment:act", args=[assessment.pk, "survey"]),
        {
            "title": "问卷",
            "conducted_from": days(-3).isoformat(),
            "conducted_to": days(-1).isoformat(),
            "g0_group": "商户",
            "g0_support": 5,
            "g0_neutral": 1,
            "g0_opposed": -2,
        },
    )
    assert response.status_code == 400 and "反对人数不能为负数。" in response.content.decode()


def test_every_tab_renders(staff, reported):
    for tab in ("plan", "consultation", "analysis", "level", "report", "decision", "tracking"):
        response = staff.get(reverse("assessment:detail", args=[reported.pk]), {"tab": tab})
        assert response.status_code == 200, tab
    html = staff.get(reverse("assessment:detail", args=[reported.pk]), {"tab": "level"}).content.decode()
    assert "采取防范化解措施、完善方案后实施" in html and "判定依据" in html


def test_missing_list_on_the_level_tab(staff, world, item):
    from .conftest import consult, plan

    assessment = consult(world, plan(world, item))
    html = staff.get(reverse("assessment:detail", args=[assessment.pk]), {"tab": "level"}).content.decode()
    assert "记录不完整，无法判定风险等级" in html and "尚未识别任何风险因素" in html


def test_decision_before_report_message(client, world, analysed):
    client.force_login(world.leader)
    response = client.post(
        reverse("assessment:act", args=[analysed.pk, "decision"]),
        {"outcome": "implement", "decided_on": days(0).isoformat(), "meeting": "党委会", "summary": "同意"},
    )
    assert response.status_code == 409 and "评估报告尚未形成" in response.content.decode()


def test_report_downloads(staff, reported):
    docx = staff.get(reverse("assessment:report", args=[reported.pk, "docx"]))
    assert docx.status_code == 200 and b"".join(docx.streaming_content)[:2] == b"PK"
    pdf = staff.get(reverse("assessment:report", args=[reported.pk, "pdf"]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_other_town_gets_404(client, world, reported):
    other = world.cadre_b  # 西一村 cadre: the item is in 东镇
    client.force_login(other)
    assert client.get(reverse("assessment:detail", args=[reported.pk])).status_code == 404
    assert client.get(reverse("assessment:item", args=[reported.item.pk])).status_code == 404
    assert client.get(reverse("assessment:report", args=[reported.pk, "docx"])).status_code == 404
    assert "东镇农贸市场" not in client.get(reverse("assessment:index")).content.decode()
    # positive control: 东镇's own centre staff see the item on the same pages
    client.force_login(world.town_staff)
    assert "东镇农贸市场" in client.get(reverse("assessment:index")).content.decode()
    assert client.get(reverse("assessment:detail", args=[reported.pk])).status_code == 200


def test_grid_worker_may_not_view(client, world):
    client.force_login(world.grid_worker)
    assert client.get(reverse("assessment:index")).status_code == 403


def test_review_then_decision_on_the_decision_tab(client, world, analysed):
    from .conftest import to_reported

    reported = to_reported(world, analysed, review=False)
    client.force_login(world.leader)
    url = reverse("assessment:detail", args=[reported.pk])
    html = client.get(url, {"tab": "decision"}).content.decode()
    assert "评估报告尚未经审核通过" in html and 'data-form="decision"' not in html
    response = client.post(reverse("assessment:act", args=[reported.pk, "review"]), {"conclusion": "pass"})
    assert response.status_code == 400 and "请填写审核意见。" in response.content.decode()
    client.post(
        reverse("assessment:act", args=[reported.pk, "review"]), {"conclusion": "pass", "opinion": "同意"}
    )
    html = client.get(url, {"tab": "decision"}).content.decode()
    assert 'data-form="decision"' in html and "审核通过，提交决策" in html


def test_register_shows_report_date_and_lateness(staff, world, reported):
    item = reported.item
    html = staff.get(reverse("assessment:index")).content.decode()
    assert f"报告 {reported.report_issued_on:%Y-%m-%d}" in html and "晚于计划决策日期" not in html
    type(item).objects.filter(pk=item.pk).update(planned_decision_date=days(-1))
    html = staff.get(reverse("assessment:index")).content.decode()
    assert "晚于计划决策日期" in html


def test_override_without_justification_is_refused_on_the_page(staff, world, analysed):
    url = reverse("assessment:act", args=[analysed.pk, "level"])
    response = staff.post(url, {"final_level": "low"})
    html = response.content.decode()
    assert response.status_code == 400 and "须写明理由" in html
    analysed.refresh_from_db()
    assert analysed.final_level == "" and analysed.stage == Stage.ANALYSIS
    staff.post(url, {"final_level": "high", "justification": "从严把握"})
    analysed.refresh_from_db()
    assert analysed.final_level == "high" and analysed.override_justification == "从严把握"


def test_remove_a_record_only_while_records_are_open(staff, world, analysed):
    notice = analysed.notices.get()
    response = staff.post(reverse("assessment:remove", args=[analysed.pk, "notice", notice.pk]))
    assert response.status_code == 302 and not analysed.notices.exists()
    from anju.assessment import actions

    actions.add_public_notice(
        world.centre_staff, analysed, channel="栏", start_on=days(-40), end_on=days(-20)
    )
    actions.determine_level(world.centre_staff, analysed)
    notice = analysed.notices.get()
    staff.post(reverse("assessment:remove", args=[analysed.pk, "notice", notice.pk]))
    assert analysed.notices.filter(pk=notice.pk).exists()  # refused after the level is set
    survey_cell = staff.get(reverse("assessment:detail", args=[analysed.pk]), {"tab": "consultation"})
    assert survey_cell.status_code == 200


def test_register_export_follows_the_filters(staff, world, reported):
    import io

    from openpyxl import load_workbook

    make_item(world, title="逾期事项", planned_decision_date=days(-3))
    response = staff.get(reverse("assessment:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert response.status_code == 200 and set(rows) == {"东镇农贸市场搬迁改造", "逾期事项"}
    assert rows["东镇农贸市场搬迁改造"][10] == "中风险" and rows["东镇农贸市场搬迁改造"][12] == "通过"
    assert rows["逾期事项"][15] == "逾期未评"
    flagged = load_workbook(
        io.BytesIO(staff.get(reverse("assessment:export"), {"coverage": "flagged"}).content)
    )
    assert [r[1] for r in flagged.active.iter_rows(min_row=2, values_only=True)] == ["逾期事项"]


def test_downloads_are_named_by_their_chinese_titles(staff, world, reported):
    import io

    from django.utils import timezone
    from openpyxl import load_workbook

    from documents_check import assert_sheet_prints, download_names

    item = reported.item
    for fmt in ("docx", "pdf"):
        response = staff.get(reverse("assessment:report", args=[reported.pk, fmt]))
        assert download_names(response) == (
            f"东镇农贸市场搬迁改造社会稳定风险评估报告（第1版）.{fmt}",
            f"assessment-{item.pk}-r1.{fmt}",
        )
        assert response["X-Content-Type-Options"] == "nosniff"  # still served inert
    today = timezone.localdate()
    stamp = f"（{today.year}年{today.month}月{today.day}日导出）"
    register = staff.get(reverse("assessment:export"))
    assert download_names(register) == (
        f"示范县社会稳定风险评估事项目录{stamp}.xlsx",
        "assessment-register.xlsx",
    )
    sheet = load_workbook(io.BytesIO(register.content)).active
    assert_sheet_prints(sheet, "$1:$1")
    assert sheet.oddHeader.center.text == f"示范县社会稳定风险评估事项目录{stamp}"
    of_year = staff.get(reverse("assessment:export"), {"year": item.year})
    assert download_names(of_year)[0] == f"示范县{item.year}年度社会稳定风险评估事项目录{stamp}.xlsx"
