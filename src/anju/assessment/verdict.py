"""The county-configurable rule that turns the records into an overall level (高/中/低).

The rule is data (``data/verdict_rule.json``, or the file named by ``ANJU_ASSESSMENT_RULE``): indicator
weights, thresholds, floors and the level → recommendation mapping are a county's own grading criteria,
not national figures. ``evaluate`` returns the levels, the reasons that produced them and, when the
records are incomplete, the list of what is missing (and then no level).

Indicators, each normalised to 0–1 (higher = riskier):
  factors  the highest factor level on the risk matrix (before measures for the initial level, after for
           the final one), scored by ``factor_level_scores``;
  experts  the weighted mean of expert risk scores / 100 (final level only: experts judge the plan with
           its measures);
  opposed  the highest share opposed among stakeholder groups with enough respondents.
The weighted mean of the available indicators is compared with ``thresholds``; ``floors`` then raise the
level when a single factor or a single group is bad enough on its own.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

PACKAGED = Path(__file__).with_name("data") / "verdict_rule.json"
LEVEL_ORDER = ["low", "medium", "high"]
LEVEL_LABELS = {
    "low": _lazy("低风险"),
    "medium": _lazy("中风险"),
    "high": _lazy("高风险"),
}


def rule_path() -> str:
    return str(
        getattr(settings, "ANJU_ASSESSMENT_RULE", "")
        or os.environ.get("ANJU_ASSESSMENT_RULE", "")
        or PACKAGED
    )


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> dict:
    rule = json.loads(Path(path).read_text(encoding="utf-8"))
    for key in ("weights", "thresholds", "factor_level_scores", "recommendations", "consultation"):
        if key not in rule:
            raise ValueError(f"verdict rule {path} lacks {key!r}")
    return rule


def load_rule() -> dict:
    path = rule_path()
    return _load(path, Path(path).stat().st_mtime)


def rule_key(rule: dict | None = None) -> str:
    rule = rule or load_rule()
    return f"{rule['id']}@{rule['version']}"


def enabled_dimensions(rule: dict | None = None) -> list[str]:
    from anju.assessment.models import Dimension

    rule = rule or load_rule()
    flags = rule.get("dimensions", {})
    return [d.value for d in Dimension if flags.get(d.value, d.value != "safety")]


def _english() -> bool:
    return (get_language() or "").startswith("en")


def recommendation(level: str, rule: dict | None = None) -> str:
    """The rule's recommendation for a level (stored in Chinese on the assessment)."""
    return (rule or load_rule())["recommendations"].get(level, "")


def recommendation_text(level: str, rule: dict | None = None) -> str:
    """The rule's recommendation for a level in the reader's language."""
    rule = rule or load_rule()
    if _english() and rule.get("recommendations_en", {}).get(level):
        return rule["recommendations_en"][level]
    return rule["recommendations"].get(level, "")


def recommendation_for_reader(assessment, rule: dict | None = None) -> str:
    """The stored recommendation, in English for an English reader when it is the rule's standard text."""
    stored = assessment.recommendation or ""
    if not _english() or not assessment.final_level:
        return stored
    rule = rule or load_rule()
    if stored == rule["recommendations"].get(assessment.final_level, ""):
        return rule.get("recommendations_en", {}).get(assessment.final_level, stored)
    return stored


def stored_reasons(assessment, rule: dict | None = None) -> dict:
    """Evaluate for storage: the reasons in Chinese (the record) plus an English copy for English readers."""
    with override("zh-hans"):
        result = evaluate(assessment, rule)
    data = result.as_json()
    with override("en"):
        data["reasons_en"] = evaluate(assessment, rule).reasons
    return data


def reasons_for_reader(verdict_reasons: dict) -> list[str]:
    """The stored judgement lines in the reader's language (older records hold Chinese only)."""
    verdict_reasons = verdict_reasons or {}
    if _english() and verdict_reasons.get("reasons_en"):
        return list(verdict_reasons["reasons_en"])
    return list(verdict_reasons.get("reasons", []))


def max_level(a: str, b: str) -> str:
    return a if LEVEL_ORDER.index(a) >= LEVEL_ORDER.index(b) else b


@dataclass
class Verdict:
    initial: str = ""
    final: str = ""
    initial_score: float | None = None
    final_score: float | None = None
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    rule: str = ""

    @property
    def complete(self) -> bool:
        return not self.missing

    def as_json(self) -> dict:
        return {
            "initial": self.initial,
            "final": self.final,
            "initial_score": self.initial_score,
            "final_score": self.final_score,
            "reasons": self.reasons,
            "rule": self.rule,
        }


def missing_records(assessment, rule: dict) -> list[str]:
    """What must be on record before a level can be computed, in words for the page."""
    from anju.assessment.models import Dimension

    missing = []
    cfg = rule["consultation"]
    factors = list(assessment.factors.all())
    analysis = assessment.analysis or {}
    for dim in enabled_dimensions(rule):
        if not (analysis.get(dim) or "").strip():
            missing.append(_("缺少“%(dim)s”分析论证意见") % {"dim": Dimension(dim).label})
    if not factors:
        missing.append(_("尚未识别任何风险因素"))
    for factor in factors:
        if not factor.level_after:
            missing.append(_("风险因素“%(f)s”缺少措施后的可能性与影响程度") % {"f": factor.title})
        if factor.level_before != "low" and not factor.measures.exists():
            missing.append(_("风险因素“%(f)s”（措施前非低风险）缺少防范化解措施") % {"f": factor.title})
    experts = assessment.experts.count()
    if experts < cfg.get("min_experts", 0):
        missing.append(
            _("专家意见不足：需 %(n)s 名，现有 %(have)s 名") % {"n": cfg["min_experts"], "have": experts}
        )
    if not assessment.surveys.exists():
        missing.append(_("缺少问卷调查记录（各利益相关群体的支持/中立/反对人数）"))
    if not assessment.notices.exists():
        missing.append(_("缺少公示记录"))
    pending = assessment.opinions.filter(handling="").count()
    if pending:
        missing.append(_("还有 %(n)s 条意见未处理（采纳/部分采纳/不予采纳及理由）") % {"n": pending})
    return missing


def _group_shares(assessment, min_respondents: int) -> tuple[list[tuple[str, int, float]], list[str]]:
    totals: dict[str, list[int]] = {}
    for survey in assessment.surveys.prefetch_related("groups"):
        for g in survey.groups.all():
            t = totals.setdefault(g.group, [0, 0])
            t[0] += g.opposed
            t[1] += g.total
    counted, small = [], []
    for group, (opposed, total) in totals.items():
        if total >= min_respondents:
            counted.append((group, total, opposed / total))
        else:
            small.append(group)
    return counted, small


def _combine(parts: list[tuple[str, float, float]]) -> float:
    weight = sum(w for _, w, _ in parts)
    return sum(w * x for _, w, x in parts) / weight if weight else 0.0


def _threshold_level(score: float, rule: dict) -> str:
    t = rule["thresholds"]
    if score >= t["high"]:
        return "high"
    if score >= t["medium"]:
        return "medium"
    return "low"


def evaluate(assessment, rule: dict | None = None) -> Verdict:
    from anju.matters.risk import current_matrix

    rule = rule or load_rule()
    verdict = Verdict(rule=rule_key(rule))
    verdict.missing = missing_records(assessment, rule)
    if verdict.missing:
        return verdict
    labels = {lv.code: lv.label for lv in current_matrix().levels.values()}
    weights, scores = rule["weights"], rule["factor_level_scores"]
    floors = rule.get("floors", {})
    factors = list(assessment.factors.all())
    reasons = verdict.reasons

    # opposed share per group (applies to both levels)
    min_n = rule["consultation"].get("min_survey_respondents", 0)
    shares, small = _group_shares(assessment, min_n)
    worst_share = max((s for _, _, s in shares), default=None)
    for group, total, share in shares:
        reasons.append(
            _("问卷：%(g)s %(n)s 人，反对占 %(p).0f%%") % {"g": group, "n": total, "p": share * 100}
        )
    for group in small:
        reasons.append(_("问卷：%(g)s 样本少于 %(n)s 人，不计入反对比例") % {"g": group, "n": min_n})

    def factor_part(attr: str) -> tuple[float, str]:
        worst = max(factors, key=lambda f: scores[getattr(f, attr)])
        return scores[getattr(worst, attr)], getattr(worst, attr)

    def level_for(which: str) -> tuple[str, float]:
        attr = "level_before" if which == "initial" else "level_after"
        name = _("初始") if which == "initial" else _("措施后")
        f_score, f_level = factor_part(attr)
        parts = [("factors", weights["factors"], f_score)]
        reasons.append(
            _("%(w)s：风险因素最高为“%(l)s”，得分 %(s).2f（权重 %(k)s）")
            % {"w": name, "l": labels.get(f_level, f_level), "s": f_score, "k": weights["factors"]}
        )
        if which == "final":
            experts = list(assessment.experts.all())
            total_w = sum(Decimal(e.weight) for e in experts)
            if total_w > 0:
                mean = float(sum(Decimal(e.weight) * e.score for e in experts) / total_w)
                parts.append(("experts", weights["experts"], mean / 100))
                reasons.append(
                    _("%(w)s：%(n)s 名专家加权平均风险评分 %(m).1f，得分 %(s).2f（权重 %(k)s）")
                    % {"w": name, "n": len(experts), "m": mean, "s": mean / 100, "k": weights["experts"]}
                )
        if worst_share is not None:
            parts.append(("opposed", weights["opposed"], worst_share))
            reasons.append(
                _("%(w)s：最高群体反对比例 %(p).0f%%，得分 %(s).2f（权重 %(k)s）")
                % {"w": name, "p": worst_share * 100, "s": worst_share, "k": weights["opposed"]}
            )
        score = round(_combine(parts), 4)
        level = _threshold_level(score, rule)
        reasons.append(
            _("%(w)s：综合得分 %(s).2f，阈值 高≥%(h)s、中≥%(m)s → %(l)s")
            % {
                "w": name,
                "s": score,
                "h": rule["thresholds"]["high"],
                "m": rule["thresholds"]["medium"],
                "l": LEVEL_LABELS[level],
            }
        )
        floor = floors.get("factor_level", {}).get(f_level)
        if floor and max_level(level, floor) != level:
            level = floor
            reasons.append(
                _("%(w)s：存在“%(f)s”风险因素，等级至少为%(l)s")
                % {"w": name, "f": labels.get(f_level, f_level), "l": LEVEL_LABELS[floor]}
            )
        if worst_share is not None:
            for floor_level in ("high", "medium"):
                limit = floors.get("opposed_share", {}).get(floor_level)
                if limit is not None and worst_share >= limit and max_level(level, floor_level) != level:
                    level = floor_level
                    reasons.append(
                        _("%(w)s：群体反对比例达到 %(p).0f%%，等级至少为%(l)s")
                        % {"w": name, "p": limit * 100, "l": LEVEL_LABELS[floor_level]}
                    )
        return level, score

    verdict.initial, verdict.initial_score = level_for("initial")
    verdict.final, verdict.final_score = level_for("final")
    return verdict
