"""Buffer measures (隔离缓冲): add one on a case or on a crossing of two domains in an area, end one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.cases.models import BufferKind, BufferMeasure, BufferStatus, Case
from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import WorkflowError
from anju.core.permissions import require

MEASURE_FIELDS = (
    "case",
    "from_domain",
    "to_domain",
    "area",
    "kind",
    "content",
    "owner_unit",
    "owner_user",
    "started_at",
    "ended_at",
    "status",
    "note",
    "end_note",
)


@transaction.atomic
def add_measure(
    actor,
    *,
    kind: str,
    content: str,
    case: Case | None = None,
    area=None,
    from_domain=None,
    to_domain=None,
    owner_unit=None,
    owner_user=None,
    started_at=None,
    note: str = "",
    now=None,
) -> BufferMeasure:
    """A measure on ``case`` (its area is the case's; a domain pair may narrow it to those crossings), or on
    the crossings ``from_domain`` → ``to_domain`` within ``area``. It starts at ``started_at`` (default now),
    which may not lie in the future."""
    now = now or timezone.now()
    if case is not None:
        require(actor, "cases.buffer", case)
        area = case.area
    else:
        require(actor, "cases.buffer", area)  # no area: the role alone is checked, then the form refuses
    errors = {}
    if case is None and area is None:
        errors["area"] = _("请选择区域。")
    if kind not in BufferKind.values:
        errors["kind"] = _("请选择措施类型。")
    content = (content or "").strip()
    if not content:
        errors["content"] = _("请填写措施内容。")
    if (from_domain is None) != (to_domain is None):
        errors["to_domain" if to_domain is None else "from_domain"] = _("来源领域和传导领域须同时填写。")
    elif case is None and from_domain is None:
        errors["from_domain"] = _("未选专案时，请选择措施针对的领域传导（来源领域 → 传导领域）。")
    elif from_domain is not None and from_domain.pk == to_domain.pk and case is None:
        errors["to_domain"] = _("领域传导的来源领域和传导领域不能相同。")
    if owner_unit is None and owner_user is None:
        errors["owner_unit"] = _("请指定责任单位或责任人。")
    started_at = started_at or now
    if started_at > now:
        errors["started_at"] = _("开始时间不能晚于现在。")
    if errors:
        raise ValidationError(errors)
    measure = BufferMeasure.objects.create(
        case=case,
        from_domain=from_domain,
        to_domain=to_domain,
        area=area,
        kind=kind,
        content=content,
        owner_unit=owner_unit,
        owner_user=owner_user,
        started_at=started_at,
        note=(note or "").strip(),
        created_by=actor,
        created_at=now,
    )
    audit.record(actor, "cases.buffer_add", measure, after=audit.snapshot(measure, MEASURE_FIELDS))
    return measure


@transaction.atomic
def end_measure(
    actor, measure: BufferMeasure, *, note: str = "", seen_version=None, now=None
) -> BufferMeasure:
    """End a measure in force, saying why (lifted, no longer needed, replaced)."""
    now = now or timezone.now()
    require(actor, "cases.buffer", measure)
    lock_checked(measure, seen_version)
    if measure.status == BufferStatus.ENDED:
        raise WorkflowError(_("该措施已结束。"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写结束说明。")})
    before = audit.snapshot(measure, MEASURE_FIELDS)
    measure.status = BufferStatus.ENDED
    measure.ended_at = max(now, measure.started_at)
    measure.end_note = note
    measure.save()
    audit.record(
        actor, "cases.buffer_end", measure, before=before, after=audit.snapshot(measure, MEASURE_FIELDS)
    )
    return measure
