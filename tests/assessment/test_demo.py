"""The demo builds assessments at different stages on whatever county exists."""

from __future__ import annotations

from anju.assessment.demo import load_assessment_demo
from anju.assessment.models import Assessment, AssessmentItem, Stage


def test_demo_on_the_test_county(world):
    summary = load_assessment_demo()
    assert "评估事项" in summary
    stages = set(Assessment.objects.values_list("stage", flat=True))
    assert {Stage.DECIDED, Stage.REPORTED, Stage.ANALYSIS} <= stages
    outcomes = set(
        Assessment.objects.filter(decision__isnull=False).values_list("decision__outcome", flat=True)
    )
    assert {"implement", "postpone"} <= outcomes
    implemented = Assessment.objects.get(decision__outcome="implement")
    assert implemented.tasks.count() == 3 and implemented.tasks.filter(done_on__isnull=False).count() == 1
    coverage = {item.title: item.coverage() for item in AssessmentItem.objects.all()}
    assert coverage["城乡公交线路调整"] == "decided_unassessed"
    assert coverage["中小学校布局调整"] == "overdue"
    assert all(a.report_pdf for a in Assessment.objects.filter(stage__in=[Stage.REPORTED, Stage.DECIDED]))
    assert load_assessment_demo() == "稳评演示数据已存在。"
