"""稳评 levels, judgement lines and recommendations in the reader's language."""

from __future__ import annotations

from django.utils import translation

from anju.assessment import actions, verdict


def test_levelling_stores_the_reasons_in_both_languages(world, analysed):
    with translation.override("en"):
        level = actions.determine_level(world.centre_staff, analysed)
    stored = level.verdict_reasons
    # The record stays Chinese whatever the language of the person who levelled it.
    assert any("3 名专家加权平均风险评分 40.0" in line for line in stored["reasons"])
    assert any("weighted average risk score of 3 experts 40.0" in line for line in stored["reasons_en"])
    assert level.recommendation.startswith("采取防范化解措施")
    with translation.override("en"):
        lines = level.verdict_reason_lines
        assert lines == stored["reasons_en"]
        assert "Initial: highest risk factor “High”" in "\n".join(lines)
        assert level.recommendation_for_reader == (
            "Implement after taking preventive measures and improving the plan (implement after adjustment)"
        )
        assert str(level.get_final_level_display()) == "Medium risk"
        assert str(verdict.LEVEL_LABELS["high"]) == "High risk"
    with translation.override("zh-hans"):
        assert level.verdict_reason_lines == stored["reasons"]
        assert level.recommendation_for_reader.startswith("采取防范化解措施")
        assert str(verdict.LEVEL_LABELS["high"]) == "高风险"


def test_older_records_without_english_show_the_stored_lines():
    with translation.override("en"):
        assert verdict.reasons_for_reader({"reasons": ["旧的判定依据"]}) == ["旧的判定依据"]
        assert verdict.reasons_for_reader({}) == []
