"""Level rules (等级处置规则): what each risk level of a matrix version demands of a matter's handling.

The packaged defaults (``data/level_rules_v1.json``) follow the matrix's own action texts; a county replaces
them by saving a new rules version on the level-rules page (``LevelRuleSet``, never edited once written).
This module only reads: ``rule_for(matter)`` is the rule the actions enforce.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

from anju.core.models import Area, AreaLevel
from anju.matters.risk import current_matrix

PACKAGED = Path(__file__).with_name("data") / "level_rules_v1.json"
FIELDS = (
    "deadline_days",
    "min_handling_level",
    "lead_leader_required",
    "report_every_days",
    "supervise_after_days_overdue",
    "escalate_after_days",
    "propose_emergency_plan",
)
FALLBACK_DEADLINE_DAYS = 15  # a matter without a level (or a level the rules do not name)


@dataclass(frozen=True)
class Rule:
    level: str
    deadline_days: int
    min_handling_level: int  # AreaLevel: 1 county … 4 grid; the handling area may not be deeper
    lead_leader_required: bool
    report_every_days: int  # 0: no periodic progress reports
    supervise_after_days_overdue: int  # 0: no automatic 督办
    escalate_after_days: int  # 0: an unanswered 督办 is not reported upwards
    propose_emergency_plan: bool
    version: str = ""  # "默认" (the packaged defaults) or "v<n>" (a county's rules version)

    @property
    def min_handling_label(self) -> str:
        return str(AreaLevel(self.min_handling_level).label)

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k in FIELDS}


@lru_cache(maxsize=4)
def _packaged(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def packaged_rules() -> dict[str, Rule]:
    data = _packaged(str(PACKAGED))
    return {
        code: Rule(level=code, version="default", **{k: values[k] for k in FIELDS})
        for code, values in data["levels"].items()
    }


def county_of(area: Area | None) -> Area | None:
    """The root of the area's tree (the county whose rules apply)."""
    if area is None:
        return None
    if area.parent_id is None:
        return area
    ancestors = area.ancestors()  # root first
    return ancestors[0] if ancestors else area


def current_set(county: Area | None, matrix_key: str):
    from anju.matters.models import LevelRuleSet

    if county is None:
        return None
    return (
        LevelRuleSet.objects.filter(area=county, matrix_key=matrix_key)
        .prefetch_related("rules")
        .order_by("-number")
        .first()
    )


def rules_for(county: Area | None, matrix_key: str | None = None) -> dict[str, Rule]:
    """The rules in force for ``county`` and the matrix version (default: the current matrix)."""
    matrix_key = matrix_key or current_matrix().key
    rule_set = current_set(county, matrix_key)
    if rule_set is None:
        return packaged_rules()
    return {
        r.level: Rule(level=r.level, version=f"v{rule_set.number}", **{k: getattr(r, k) for k in FIELDS})
        for r in rule_set.rules.all()
    }


def current_level(matter) -> str:
    return matter.residual_level or matter.inherent_level or ""


def rule_for(matter, level: str | None = None) -> Rule | None:
    """The rule of the matter's current level (residual, else inherent), or None when it has no level."""
    level = level or current_level(matter)
    if not level:
        return None
    return rules_for(county_of(matter.area), matter.matrix_version or None).get(level)


def required_area(matter, rule: Rule | None = None) -> Area | None:
    """The area at the rule's lowest handling level above the handling area, when the handling area is
    below it (None: the matter is handled at a level its rule allows)."""
    rule = rule or rule_for(matter)
    if rule is None or matter.handling_area.level <= rule.min_handling_level:
        return None
    chain = matter.handling_area.ancestors()  # root first, the handling area itself last
    fitting = [a for a in chain if a.level <= rule.min_handling_level]
    return fitting[-1] if fitting else chain[0]


def lead_leader_required(matter, rule: Rule | None = None) -> bool:
    rule = rule or rule_for(matter)
    return bool(matter.grey_rhino or (rule is not None and rule.lead_leader_required))


def escalation_message(matter, rule: Rule) -> str:
    return _(
        "按等级处置规则，%(level)s风险事项须由%(required)s级办理，当前办理层级为%(current)s："
        "请先上报，或填写不上报的理由。"
    ) % {
        "level": _level_label(rule.level),
        "required": rule.min_handling_label,
        "current": matter.handling_area.name,
    }


def _level_label(code: str) -> str:
    matrix = current_matrix()
    level = matrix.levels.get(code)
    return level.label if level else code
