"""Saving a county's level rules (等级处置规则): always a new version, never an edit of one in use."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.errors import Conflict
from anju.core.models import Area, AreaLevel
from anju.core.permissions import require
from anju.matters.level_rules import FIELDS, current_set, rules_for
from anju.matters.models import LevelRule, LevelRuleSet
from anju.matters.risk import current_matrix

# field -> (lowest, highest) accepted
LIMITS = {
    "deadline_days": (1, 365),
    "report_every_days": (0, 90),
    "supervise_after_days_overdue": (0, 90),
    "escalate_after_days": (0, 90),
}


def _checked(level: str, values: dict) -> tuple[dict, dict]:
    """(clean values, errors keyed "<level>-<field>")."""
    clean, errors = {}, {}
    for name in FIELDS:
        key = f"{level}-{name}"
        value = values.get(name)
        if name in LIMITS:
            low, high = LIMITS[name]
            try:
                number = int(value)
            except (TypeError, ValueError):
                errors[key] = _("请填写整数。")
                continue
            if not low <= number <= high:
                errors[key] = _("须在 %(low)s 到 %(high)s 之间。") % {"low": low, "high": high}
                continue
            clean[name] = number
        elif name == "min_handling_level":
            try:
                clean[name] = AreaLevel(int(value)).value
            except (TypeError, ValueError):
                errors[key] = _("请选择最低办理层级。")
        else:
            clean[name] = bool(value)
    return clean, errors


@transaction.atomic
def save_level_rules(
    actor,
    county: Area,
    *,
    rules: dict[str, dict],
    note: str,
    based_on: int | None = None,
    now: dt.datetime | None = None,
) -> LevelRuleSet:
    """A new version of ``county``'s level rules for the current matrix. ``based_on`` is the rules version
    the page showed (0: the packaged defaults); a newer one saved since is refused (``Conflict``)."""
    require(actor, "level_rules.edit", county)
    if county.parent_id is not None:
        raise ValidationError({"__all__": _("等级处置规则由县级设置。")})
    matrix = current_matrix()
    # Lock the county's row: two saves at once number their versions one after the other.
    Area.objects.select_for_update().get(pk=county.pk)
    latest = current_set(county, matrix.key)
    latest_number = latest.number if latest else 0
    if based_on is not None and int(based_on) != latest_number:
        raise Conflict(
            _("等级处置规则已被他人修改（现为第 %(n)s 版），请刷新后重新修改。") % {"n": latest_number}
        )
    errors, cleaned = {}, {}
    for level in matrix.levels:
        clean, level_errors = _checked(level, rules.get(level) or {})
        cleaned[level] = clean
        errors.update(level_errors)
    if not (note or "").strip():
        errors["note"] = _("请填写修改说明。")
    if errors:
        raise ValidationError(errors)
    before = {code: rule.as_dict() for code, rule in rules_for(county, matrix.key).items()}
    rule_set = LevelRuleSet.objects.create(
        area=county,
        matrix_key=matrix.key,
        number=latest_number + 1,
        note=note.strip(),
        created_by=actor,
        created_at=now or timezone.now(),
    )
    LevelRule.objects.bulk_create(
        LevelRule(rule_set=rule_set, level=level, **values) for level, values in cleaned.items()
    )
    audit.record(
        actor,
        "level_rules.saved",
        rule_set,
        before=before,
        after=cleaned,
        area=county,
        note=_("等级处置规则第 %(n)s 版：%(note)s") % {"n": rule_set.number, "note": rule_set.note},
    )
    return rule_set
