"""Re-grading (重新定级) and correcting a matter's facts (更正事项信息) at any open stage.

Both keep what they replace: a re-grading writes a ``Grading`` row with the grading it replaced (the matter
page's 定级记录), a correction writes the old and new values into the timeline entry and the audit event.
Both need a reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anju.core.scoping import in_scope
from anju.matters import swans
from anju.matters.actions.base import begin, finish, required_text, score
from anju.matters.models import Grading, Matter, MatterKind


@transaction.atomic
def regrade(
    actor,
    matter: Matter,
    *,
    likelihood: int,
    consequence: int,
    reason: str,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Grading:
    """重新定级: a new likelihood × consequence on the current matrix, whatever the open status; the grading
    it replaces is kept in the matter's 定级记录."""
    step = begin(actor, matter, "regrade", version, now)
    reason = required_text(reason, "reason", _("重新定级须填写调整原因。"))
    matrix, level = score(likelihood, consequence)
    grading = Grading.objects.create(
        matter=matter,
        at=step.now,
        by=actor,
        likelihood=int(likelihood),
        consequence=int(consequence),
        level=level.code,
        matrix_version=matrix.key,
        previous_likelihood=matter.likelihood,
        previous_consequence=matter.consequence,
        previous_level=matter.inherent_level,
        previous_matrix_version=matter.matrix_version,
        reason=reason,
    )
    previous = matter.get_inherent_level_display() or _("未定级")
    matter.likelihood, matter.consequence = int(likelihood), int(consequence)
    matter.inherent_level, matter.matrix_version = level.code, matrix.key
    matter.grey_rhino = matter.grey_rhino or matrix.is_grey_rhino(matter.likelihood, matter.consequence)
    swans.refresh_suggestion(matter)
    finish(
        step,
        note=_("重新定级：%(old)s → %(new)s（%(reason)s）")
        % {"old": previous, "new": level.label, "reason": reason},
        data={"grading": grading.pk, "level": level.code, "previous_level": grading.previous_level},
        changed=True,
    )
    return grading


# The facts a correction may change, in the order the timeline lists them.
CORRECTABLE = ("people_involved", "amount_involved", "domain", "area", "kind")


def _display(field: str, value) -> str:
    if value is None:
        return "—"
    if field == "kind":
        return str(MatterKind(value).label)
    if field == "area":
        return value.full_name()
    return str(value)


@transaction.atomic
def correct_facts(
    actor,
    matter: Matter,
    *,
    reason: str,
    people_involved: int | None = None,
    amount_involved=None,
    domain=None,
    area=None,
    kind: str | None = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """更正事项信息: people involved, amount involved, risk domain, place and type, each only when given and
    different; the old and new values go into the timeline and the audit log. A new place must be within the
    actor's own area."""
    step = begin(actor, matter, "correct", version, now)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("更正事项信息须填写原因。")
    if people_involved is not None and int(people_involved) < 0:
        errors["people_involved"] = _("涉及人数不能为负数。")
    if amount_involved is not None:
        try:
            amount_involved = Decimal(str(amount_involved))
        except InvalidOperation:
            errors["amount_involved"] = _("请填写有效的金额。")
        else:
            if amount_involved < 0:
                errors["amount_involved"] = _("涉及金额不能为负数。")
    if kind is not None and kind not in MatterKind.values:
        errors["kind"] = _("请选择事项类型。")
    if area is not None and not in_scope(actor, area):
        errors["area"] = _("发生地须在您的管辖范围内。")
    if domain is not None and not domain.active:
        errors["domain"] = _("该风险领域已停用。")
    if errors:
        raise ValidationError(errors)
    wanted = {
        "people_involved": int(people_involved) if people_involved is not None else None,
        "amount_involved": amount_involved,
        "domain": domain,
        "area": area,
        "kind": kind,
    }
    changes = {}
    for field in CORRECTABLE:
        new = wanted[field]
        old = getattr(matter, field)
        if new is not None and new != old:
            changes[field] = (old, new)
    if not changes:
        raise ValidationError({"reason": _("没有需要更正的内容：各项与现有信息相同。")})
    reason = reason.strip()
    if "area" in changes:
        old_area, new_area = changes["area"]
        # The handling centre follows the place, unless the matter was escalated to a level that still
        # contains the new place.
        if matter.handling_area_id == old_area.pk or not matter.handling_area.contains(new_area):
            matter.handling_area = new_area
    for field, (_old, new) in changes.items():
        setattr(matter, field, new)
    swans.refresh_suggestion(matter)
    lines = "；".join(
        _("%(field)s：%(old)s → %(new)s")
        % {"field": Matter._meta.get_field(f).verbose_name, "old": _display(f, o), "new": _display(f, n)}
        for f, (o, n) in changes.items()
    )
    finish(
        step,
        note=_("更正事项信息：%(lines)s（原因：%(reason)s）") % {"lines": lines, "reason": reason},
        data={
            "reason": reason,
            "changes": {f: [_plain(o), _plain(n)] for f, (o, n) in changes.items()},
        },
        changed=True,
    )
    return matter


def _plain(value):
    """A JSON value for the timeline's data: a row by its primary key, a decimal as text."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    return value
