"""Preparedness records: the yearly drill plan (年度演练计划), stocktaking (盘点) that corrects the book, and
requisition (征用) during an incident with its return and compensation (征用补偿)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import WorkflowError
from anju.core.permissions import require
from anju.emergency.actions.drills import plan_drill
from anju.emergency.actions.resources import MATERIAL_FIELDS
from anju.emergency.models import (
    DrillForm,
    DrillProgramme,
    DrillScope,
    Incident,
    Material,
    OwnerCategory,
    ProgrammeItem,
    Requisition,
    ReturnState,
    Stocktake,
)

REQUISITION_FIELDS = (
    "what",
    "owner",
    "owner_category",
    "started_on",
    "ended_on",
    "return_state",
    "compensation",
    "paid_on",
)


def _decimal(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("请填写数量。")}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("数量不能为负数。")})
    return amount.quantize(Decimal("0.01"))


# ---- yearly drill plan ---------------------------------------------------------------------------------


@transaction.atomic
def create_programme(actor, *, area, year: int, now=None) -> DrillProgramme:
    now = now or timezone.now()
    require(actor, "emergency.drill", area)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("请填写年度。")}) from None
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("请填写年度。")})
    if DrillProgramme.objects.filter(area=area, year=year).exists():
        raise ValidationError({"year": _("该区域本年度的演练计划已存在。")})
    programme = DrillProgramme.objects.create(area=area, year=year, created_by=actor, created_at=now)
    audit.record(actor, "emergency.programme_create", programme, after={"year": year})
    return programme


@transaction.atomic
def add_programme_item(
    actor,
    programme: DrillProgramme,
    *,
    title,
    target_date: dt.date,
    plan=None,
    form=DrillForm.TABLETOP,
    scope=DrillScope.SINGLE,
    units=(),
    scenario="",
) -> ProgrammeItem:
    """A drill the yearly plan promises by ``target_date``: planned as a drill on that date, so recording it
    (``record_drill``) is what counts it as conducted — on time when its date is not after the target."""
    require(actor, "emergency.drill", programme)
    if target_date is None or target_date.year != programme.year:
        raise ValidationError(
            {"target_date": _("计划完成日期须在 %(year)s 年内。") % {"year": programme.year}}
        )
    drill = plan_drill(
        actor,
        area=programme.area,
        title=title,
        date=target_date,
        plan=plan,
        form=form,
        scope=scope,
        units=units,
        scenario=scenario,
    )
    item = ProgrammeItem.objects.create(programme=programme, drill=drill, target_date=target_date)
    audit.record(
        actor,
        "emergency.programme_item",
        programme,
        after={"drill": drill.pk, "title": drill.title, "target_date": target_date},
    )
    return item


# ---- stocktaking --------------------------------------------------------------------------------------


@transaction.atomic
def record_stocktake(
    actor, material: Material, *, counted, note="", seen_version=None, now=None
) -> Stocktake:
    """A count of the material: the difference from the book is recorded and the book is set to the count.
    A difference needs its explanation (差异说明)."""
    now = now or timezone.now()
    require(actor, "emergency.resource", material)
    lock_checked(material, seen_version)
    counted = _decimal(counted, "counted")
    difference = counted - material.quantity
    note = (note or "").strip()
    if difference and not note:
        raise ValidationError({"note": _("实盘与账面不符，请填写差异说明。")})
    before = audit.snapshot(material, MATERIAL_FIELDS)
    stocktake = Stocktake.objects.create(
        material=material,
        book_quantity=material.quantity,
        counted_quantity=counted,
        difference=difference,
        note=note,
        counted_at=now,
        counted_by=actor,
    )
    if difference:
        material.quantity = counted
        material.save()
    audit.record(
        actor,
        "emergency.material_stocktake",
        material,
        before=before,
        after=audit.snapshot(material, MATERIAL_FIELDS)
        | {"stocktake": stocktake.pk, "difference": difference, "note": note},
        at=now,
    )
    return stocktake


# ---- requisition and compensation ---------------------------------------------------------------------


@transaction.atomic
def requisition(
    actor, incident: Incident, *, what, owner, owner_category, started_on: dt.date, now=None
) -> Requisition:
    """Property of a unit or company requisitioned (征用) for the incident from ``started_on``."""
    now = now or timezone.now()
    require(actor, "emergency.incident", incident)
    lock_checked(incident)
    errors = {}
    if not (what or "").strip():
        errors["what"] = _("请填写征用的财产。")
    if not (owner or "").strip():
        errors["owner"] = _("请填写被征用单位。")
    if owner_category not in OwnerCategory.values:
        errors["owner_category"] = _("请选择单位类别。")
    if started_on is None:
        errors["started_on"] = _("请填写征用开始日期。")
    elif started_on > timezone.localdate(now):
        errors["started_on"] = _("征用开始日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    item = Requisition.objects.create(
        incident=incident,
        what=what.strip(),
        owner=owner.strip(),
        owner_category=owner_category,
        started_on=started_on,
        created_by=actor,
        created_at=now,
    )
    audit.record(
        actor,
        "emergency.requisition",
        incident,
        after=audit.snapshot(item, REQUISITION_FIELDS) | {"requisition": item.pk},
        at=now,
    )
    return item


@transaction.atomic
def return_requisitioned(
    actor, item: Requisition, *, ended_on: dt.date, return_state, seen_version=None, now=None
) -> Requisition:
    """The requisition ends: the day it ended and the state the property came back in (or 毁损灭失)."""
    now = now or timezone.now()
    require(actor, "emergency.incident", item.incident)
    lock_checked(item, seen_version)
    if item.return_state != ReturnState.IN_USE:
        raise WorkflowError(_("该征用已登记返还。"))
    errors = {}
    if return_state not in ReturnState.values or return_state == ReturnState.IN_USE:
        errors["return_state"] = _("请选择返还状态。")
    if ended_on is None:
        errors["ended_on"] = _("请填写征用结束日期。")
    elif ended_on < item.started_on:
        errors["ended_on"] = _("征用结束日期不能早于开始日期。")
    elif ended_on > timezone.localdate(now):
        errors["ended_on"] = _("征用结束日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(item, REQUISITION_FIELDS)
    item.ended_on = ended_on
    item.return_state = return_state
    item.save()
    audit.record(
        actor,
        "emergency.requisition_return",
        item.incident,
        before=before,
        after=audit.snapshot(item, REQUISITION_FIELDS) | {"requisition": item.pk},
        at=now,
    )
    return item


@transaction.atomic
def record_compensation(
    actor, item: Requisition, *, amount, paid_on: dt.date, seen_version=None, now=None
) -> Requisition:
    """The compensation (征用补偿) paid for a requisition that has ended, and the day it was paid."""
    now = now or timezone.now()
    require(actor, "emergency.incident", item.incident)
    lock_checked(item, seen_version)
    if item.return_state == ReturnState.IN_USE:
        raise WorkflowError(_("征用结束并登记返还后才能登记补偿。"))
    if item.paid_on is not None:
        raise WorkflowError(_("该征用的补偿已登记。"))
    errors = {}
    try:
        amount = _decimal(amount, "amount")
    except ValidationError:
        errors["amount"] = _("补偿金额须为不小于零的数。")
    if paid_on is None:
        errors["paid_on"] = _("请填写支付日期。")
    elif paid_on > timezone.localdate(now):
        errors["paid_on"] = _("支付日期不能晚于今天。")
    elif paid_on < item.started_on:
        errors["paid_on"] = _("支付日期不能早于征用开始日期。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(item, REQUISITION_FIELDS)
    item.compensation = amount
    item.paid_on = paid_on
    item.save()
    audit.record(
        actor,
        "emergency.requisition_compensation",
        item.incident,
        before=before,
        after=audit.snapshot(item, REQUISITION_FIELDS) | {"requisition": item.pk},
        at=now,
    )
    return item
