"""The county-configurable verdict rule: missing records, computed levels and reasons, config changes."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from anju.assessment import actions, verdict
from anju.assessment.models import Stage

from .conftest import consult, plan


@pytest.fixture
def rule_file(settings, tmp_path):
    """Write a modified copy of the packaged rule and point the setting at it."""

    def write(change) -> dict:
        rule = json.loads(verdict.PACKAGED.read_text(encoding="utf-8"))
        change(rule)
        path = tmp_path / f"rule-{len(list(tmp_path.iterdir()))}.json"
        path.write_text(json.dumps(rule, ensure_ascii=False), encoding="utf-8")
        settings.ANJU_ASSESSMENT_RULE = str(path)
        return rule

    return write


def test_missing_records_are_listed_and_nothing_is_levelled(world, item):
    assessment = consult(world, plan(world, item))
    actions.add_factor(
        world.centre_staff,
        assessment,
        dimension="legality",
        title="用地手续",
        description="手续未齐",
        likelihood=3,
        impact=3,
    )
    actions.add_opinion(world.centre_staff, assessment, source="来信", content="补偿太低")
    result = verdict.evaluate(assessment)
    assert not result.complete and result.initial == ""
    text = "\n".join(result.missing)
    assert "缺少“合理性”分析论证意见" in text
    assert "“用地手续”缺少措施后的可能性与影响程度" in text
    assert "“用地手续”（措施前非低风险）缺少防范化解措施" in text
    assert "还有 1 条意见未处理" in text
    with pytest.raises(ValidationError) as err:
        actions.determine_level(world.centre_staff, assessment)
    assert any("合理性" in m for m in err.value.messages)
    assessment.refresh_from_db()
    assert assessment.stage == Stage.ANALYSIS and assessment.final_level == ""


def test_no_factors_and_too_few_experts(world, item, rule_file):
    rule_file(lambda r: r["consultation"].update(min_experts=5))
    assessment = consult(world, plan(world, item))
    missing = verdict.evaluate(assessment).missing
    assert "尚未识别任何风险因素" in missing
    assert "专家意见不足：需 5 名，现有 3 名" in missing


def test_default_rule_levels_and_reasons(world, analysed):
    result = verdict.evaluate(analysed)
    assert result.complete
    # initial: worst factor 较高 (0.8, w .5) and worst group opposed 20 % (w .2) → 0.63 ≥ 0.6 → high
    assert result.initial == "high" and result.initial_score == pytest.approx(0.6286, abs=1e-3)
    # final: worst factor 中 (0.5), experts mean 40 (0.4, w .3), opposed .2 → 0.41 → medium
    assert result.final == "medium" and result.final_score == pytest.approx(0.41, abs=1e-3)
    reasons = "\n".join(result.reasons)
    assert "周边居民 200 人，反对占 20%" in reasons
    assert "3 名专家加权平均风险评分 40.0" in reasons
    level = actions.determine_level(world.centre_staff, analysed)
    assert level.final_level == "medium" and level.recommendation.startswith("采取防范化解措施")


def test_changing_thresholds_changes_the_level(world, analysed, rule_file):
    rule_file(lambda r: r["thresholds"].update(high=0.4, medium=0.2))
    assert verdict.evaluate(analysed).final == "high"
    rule_file(
        lambda r: (
            r["thresholds"].update(high=0.9, medium=0.5),
            r["floors"]["opposed_share"].update(medium=0.3),
        )
    )
    result = verdict.evaluate(analysed)
    assert result.initial == "medium" and result.final == "low"
    # …unless a floor says a group this opposed (20 %) is at least medium
    rule_file(
        lambda r: (
            r["thresholds"].update(high=0.9, medium=0.5),
            r["floors"]["opposed_share"].update(medium=0.2),
        )
    )
    result = verdict.evaluate(analysed)
    assert result.final == "medium" and any("反对比例达到 20%" in r for r in result.reasons)


def test_changing_weights_changes_the_level(world, analysed, rule_file):
    # with the experts weighted heavily, their low scores pull the after-measures level down
    rule_file(
        lambda r: (
            r["weights"].update(factors=0.1, experts=0.9, opposed=0.0),
            r["floors"].update(opposed_share={}),
        )
    )
    result = verdict.evaluate(analysed)
    assert result.final_score == pytest.approx((0.1 * 0.5 + 0.9 * 0.4) / 1.0, abs=1e-3)
    assert result.final == "medium"
    rule_file(
        lambda r: (
            r["weights"].update(factors=0.1, experts=0.9, opposed=0.0),
            r["thresholds"].update(medium=0.45),
            r["floors"].update(opposed_share={}),
        )
    )
    assert verdict.evaluate(analysed).final == "low"


def test_critical_factor_floor(world, analysed, rule_file):
    rule_file(lambda r: r["thresholds"].update(high=0.95))
    factor = analysed.factors.first()
    actions.score_factor_after(world.centre_staff, factor, likelihood_after=5, impact_after=5)
    result = verdict.evaluate(analysed)
    assert result.final == "high"
    assert any("等级至少为高风险" in r for r in result.reasons)


def test_override_needs_justification_and_is_recorded(world, analysed):
    with pytest.raises(ValidationError) as err:
        actions.determine_level(world.centre_staff, analysed, final_level="low")
    assert "须写明理由" in err.value.message_dict["justification"][0]
    analysed.refresh_from_db()
    assert analysed.final_level == ""
    done = actions.determine_level(
        world.centre_staff,
        analysed,
        final_level="high",
        justification="同类项目近期在邻县引发聚集，从严把握。",
    )
    assert done.computed_final_level == "medium" and done.final_level == "high" and done.is_overridden
    assert done.recommendation.startswith("不实施或暂缓")
    from anju.core.models import AuditEvent

    event = AuditEvent.objects.filter(action="assessment.level").latest("id")
    assert "从严把握" in event.note


def test_safety_dimension_switched_on_by_configuration(world, analysed, rule_file):
    assert "safety" not in verdict.enabled_dimensions()
    rule_file(lambda r: r["dimensions"].update(safety=True))
    assert "safety" in verdict.enabled_dimensions()
    assert "缺少“安全性”分析论证意见" in verdict.evaluate(analysed).missing
    actions.save_analysis(world.centre_staff, analysed, texts={"safety": "施工期间设置围挡。"})
    assert verdict.evaluate(analysed).complete
