"""稳评 in a real browser: an item walks from the register to a recorded collective decision.

The centre registers the item and works through plan → consultation (a too-short 公示 is refused next to
its field) → analysis → level → report (the .docx downloads), then the leader reviews the report and records
the decision, and the assessment is locked; the register shows the item as assessed.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "test-pass-123"
TITLE = "东镇农贸市场搬迁改造"


def day(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def form(page, name: str):
    """The form for one action; forms behind a <details> summary are opened first."""
    target = page.locator(f"form[data-form={name}]").first
    details = target.locator("xpath=ancestor::details[1]")
    if details.count() and details.get_attribute("open") is None:
        details.locator("summary").first.click()
    return target


def fill(target, **values) -> None:
    for name, value in values.items():
        field = target.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))


def test_item_from_register_to_decision(world, open_page, screenshot):
    from anju.assessment.models import Assessment, AssessmentItem, Stage

    page = open_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, "zongzhi")

    # 1. register the item
    page.goto("/assessment/")
    expect(page.get_by_text("暂无评估事项")).to_be_visible()
    page.get_by_role("link", name="新增评估事项").click()
    item_form = page.locator("form.stack")
    fill(
        item_form,
        title=TITLE,
        category="project",
        description="老农贸市场整体搬迁至镇区东侧新址。",
        sponsor_unit=world.town_centre.pk,
        area=world.town_a.pk,
        people_affected=860,
        planned_decision_date=day(30),
    )
    # the multi-select is behind a searchable checklist (picker.js): tick in the list, as a user does
    for village in (world.village_a1, world.village_a2):
        item_form.locator(".picker-checklist").get_by_role("checkbox", name=village.name).check()
    item_form.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()

    # 2. plan
    plan = form(page, "start")
    fill(
        plan,
        body_unit=world.town_centre.pk,
        team="张组长、李干事",
        schedule_start=day(-40),
        schedule_end=day(-1),
        consult_whom="经营户、周边居民",
        decision_body="东镇党委会",
    )
    for label in ("公示", "问卷调查", "专家论证"):
        plan.get_by_label(label).check()
    plan.get_by_role("button", name="启动评估").click()
    page.get_by_role("button", name="方案已定，开始征求意见").click()
    expect(page.get_by_text("已进入征求意见环节")).to_be_visible()

    # 3. consultation: a 公示 shorter than the county minimum is refused next to its end date
    notice = form(page, "notice")
    fill(notice, channel="镇政务公开栏", start_on=day(-35), end_on=day(-30), opinions_received=3)
    notice.get_by_role("button", name="登记公示").click()
    expect(page.locator(".has-error .errorlist")).to_contain_text("少于规定的最短 20 天")
    notice = form(page, "notice")
    fill(notice, end_on=day(-10))
    notice.get_by_role("button", name="登记公示").click()
    expect(page.get_by_text("已保存")).to_be_visible()
    survey = form(page, "survey")
    fill(
        survey,
        title="搬迁意愿问卷",
        conducted_from=day(-30),
        conducted_to=day(-20),
        g0_group="经营户",
        g0_support=60,
        g0_neutral=28,
        g0_opposed=12,
        g1_group="周边居民",
        g1_support=150,
        g1_neutral=10,
        g1_opposed=40,
    )
    survey.get_by_role("button", name="登记问卷").click()
    expect(page.get_by_role("cell", name="周边居民")).to_be_visible()
    for name, score in (("赵教授", 40), ("钱律师", 30), ("孙工程师", 50)):
        expert = form(page, "expert")
        fill(expert, expert=name, score=score, weight=1, given_on=day(-5), opinion="方案总体可行。")
        expert.get_by_role("button", name="登记").click()
        expect(page.get_by_role("cell", name=name)).to_be_visible()
    opinion = form(page, "opinion")
    fill(opinion, source="座谈会", content="新址太远", handling="not_adopted", reason="开通免费接驳车。")
    opinion.get_by_role("button", name="登记意见").click()
    page.get_by_role("button", name="意见征求完毕，进入分析论证").click()

    # 4. analysis: four dimensions, one factor scored before/after, one measure
    analysis = form(page, "analysis")
    fill(
        analysis,
        legality="符合规划。",
        rationality="补偿公开。",
        feasibility="资金到位。",
        controllability="有预案。",
    )
    analysis.get_by_role("button", name="保存分析论证").click()
    factor = form(page, "factor")
    fill(
        factor,
        dimension="rationality",
        title="经营户补偿争议",
        description="过渡期补偿偏低。",
        likelihood=4,
        impact=3,
        people_involved=80,
        likelihood_after=2,
        impact_after=2,
    )
    factor.get_by_role("button", name="添加风险因素").click()
    measure = form(page, "measure")
    fill(measure, description="过渡期免收摊位费三个月", owner_unit=world.town_centre.pk, due_on=day(30))
    measure.get_by_role("button", name="添加措施").click()
    expect(page.get_by_text("记录已齐全")).to_be_visible()

    # 5. level: computed with its reasons and the configured recommendation
    page.get_by_role("link", name="去判定").click()
    expect(page.get_by_text("判定依据")).to_be_visible()
    form(page, "level").get_by_role("button", name="确定风险等级").click()
    expect(page.get_by_text("风险等级已确定")).to_be_visible()
    screenshot(page, "assessment-level")

    # 6. report: written from the records; the .docx downloads and opens
    page.locator("a[data-tab=report]").click()
    report = form(page, "report")
    fill(
        report, emergency_plan="发现聚集苗头 30 分钟内到场。", conclusion="风险总体可控，建议采取措施后实施。"
    )
    report.get_by_role("button", name="生成评估报告").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Word").click()
    from docx import Document

    doc = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    assert "六、风险等级与建议" in [p.text for p in doc.paragraphs]

    # 7. the leader records the collective decision (confirmed), and the assessment is locked
    leader = open_page()
    leader.on("dialog", lambda dialog: dialog.accept())
    log_in(leader, "lingdao")
    assessment = Assessment.objects.get(item__title=TITLE)
    leader.goto(f"/assessment/{assessment.pk}/")
    expect(leader.get_by_text("评估报告尚未经审核通过")).to_be_visible()
    review = form(leader, "review")
    fill(review, conclusion="pass", opinion="程序完备，同意提交决策。")
    review.get_by_role("button", name="提交审核意见").click()
    expect(leader.get_by_text("审核意见已记录")).to_be_visible()
    decision = form(leader, "decision")
    fill(
        decision,
        outcome="adjust",
        decided_on=day(0),
        meeting="东镇党委会",
        summary="同意调整补偿办法后实施。",
    )
    decision.get_by_role("button", name="记录决策并锁定").click()
    expect(leader.get_by_text("本版本已集体决策并锁定")).to_be_visible()
    screenshot(leader, "assessment-decided")
    assessment.refresh_from_db()
    assert assessment.stage == Stage.DECIDED and assessment.locked and assessment.decision.outcome == "adjust"
    assert assessment.tasks.count() == 1

    leader.goto("/assessment/")
    expect(leader.get_by_role("row", name=TITLE)).to_contain_text("已评估决策")
    assert AssessmentItem.objects.get().coverage() == "assessed"
