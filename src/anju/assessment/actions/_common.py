"""Locks and validators shared by the assessment actions (the guard is ``anju.core.permissions.require``)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.assessment.models import (
    Assessment,
    AssessmentItem,
    Stage,
)
from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import WorkflowError
from anju.matters.risk import current_matrix

ITEM_FIELDS = (
    "year",
    "title",
    "category",
    "description",
    "sponsor_unit",
    "area",
    "people_affected",
    "planned_decision_date",
    "decided_on",
    "decided_note",
)
PLAN_FIELDS = (
    "body_unit",
    "team",
    "methods",
    "schedule_start",
    "schedule_end",
    "consult_whom",
    "decision_body",
)
RECORD_STAGES = (Stage.CONSULTATION, Stage.ANALYSIS)
STALE_ASSESSMENT = gettext_lazy("该评估已被他人修改，请刷新后重试。")


# ---------------------------------------------------------------- locks and small validators


def _locked(assessment: Assessment, version=None) -> Assessment:
    """Lock the assessment's row (``assessment`` is re-read in place) and refuse a stale ``version``: every
    change of an assessment or its records passes here, so two of them never interleave."""
    return lock_checked(assessment, version, message=STALE_ASSESSMENT)


def _stage(assessment: Assessment, allowed, what: str, version=None) -> None:
    _locked(assessment, version)
    if assessment.locked:
        raise WorkflowError(_("该评估已决策并锁定，如需修改请创建新版本。"))
    if assessment.stage not in allowed:
        names = "、".join(str(Stage(s).label) for s in allowed)
        raise WorkflowError(
            _("当前环节为“%(now)s”，%(what)s只能在“%(allowed)s”环节进行。")
            % {"now": assessment.get_stage_display(), "what": what, "allowed": names}
        )


def _text(errors: dict, field: str, value, message: str) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if not value:
        errors[field] = message
    return value


def _count(errors: dict, field: str, value, label: str) -> int:
    try:
        number = int(value if value not in (None, "") else 0)
    except (TypeError, ValueError):
        errors[field] = _("%(label)s须为整数。") % {"label": label}
        return 0
    if number < 0:
        errors[field] = _("%(label)s不能为负数。") % {"label": label}
    return number


def _date(errors: dict, field: str, value, label: str, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[field] = _("请填写%(label)s。") % {"label": label}
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("%(label)s格式应为 YYYY-MM-DD。") % {"label": label}
        return None


def _order(errors: dict, start: dt.date | None, end: dt.date | None, end_field: str, message: str) -> None:
    if start and end and end < start:
        errors[end_field] = message


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _audit(actor, action: str, obj, assessment_or_item, *, before=None, after=None, note: str = "") -> None:
    item = assessment_or_item if isinstance(assessment_or_item, AssessmentItem) else assessment_or_item.item
    audit.record(actor, f"assessment.{action}", obj, before=before, after=after, note=note, area=item.area)


def _matrix_level(errors: dict, field: str, likelihood, impact) -> tuple[int, int, str]:
    matrix = current_matrix()
    try:
        lk, im = int(likelihood), int(impact)
        return lk, im, matrix.level(lk, im).code
    except (TypeError, ValueError):
        errors[field] = _("可能性与影响程度须为 1–%(n)s 的整数（风险矩阵刻度）。") % {
            "n": len(matrix.likelihood)
        }
        return 0, 0, ""
