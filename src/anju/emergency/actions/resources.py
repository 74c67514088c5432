"""Resources (应急资源): register teams, materials and shelters; restock; dispatch (调拨) and return.

Stock arithmetic happens on the locked material row: a dispatch never takes more than is there (the
quantity never goes below zero, and the database refuses it too), a return never gives back more than
went out."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.permissions import require
from anju.emergency.models import Dispatch, LogEntry, Material, Readiness, Shelter, Team

MATERIAL_FIELDS = ("category", "item", "quantity", "measure", "site", "owner_unit", "expires_on", "minimum")


def _amount(value, field: str, *, allow_zero=False) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("请填写数量。")}) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: _("数量须大于零。") if not allow_zero else _("数量不能为负数。")})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def add_team(actor, *, area, name, speciality, size, unit=None, readiness=Readiness.READY) -> Team:
    require(actor, "emergency.resource", area)
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("请填写队伍名称。")
    if not (speciality or "").strip():
        errors["speciality"] = _("请填写专业类别。")
    if size is None or int(size) <= 0:
        errors["size"] = _("人数须大于零。")
    if readiness not in Readiness.values:
        errors["readiness"] = _("请选择战备状态。")
    if errors:
        raise ValidationError(errors)
    team = Team.objects.create(
        area=area, name=name.strip(), speciality=speciality.strip(), size=size, unit=unit, readiness=readiness
    )
    audit.record(
        actor,
        "emergency.team_add",
        team,
        after=audit.snapshot(team, ("name", "unit", "speciality", "size", "readiness")),
    )
    return team


@transaction.atomic
def add_material(
    actor, *, area, category, item, quantity, measure, site, owner_unit=None, expires_on=None, minimum=0
) -> Material:
    require(actor, "emergency.resource", area)
    errors = {}
    for field, value, message in (
        ("category", category, _("请填写物资类别。")),
        ("item", item, _("请填写物资名称。")),
        ("measure", measure, _("请填写计量单位。")),
        ("site", site, _("请填写存放地点。")),
    ):
        if not (value or "").strip():
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    material = Material.objects.create(
        area=area,
        category=category.strip(),
        item=item.strip(),
        quantity=_amount(quantity, "quantity", allow_zero=True),
        measure=measure.strip(),
        site=site.strip(),
        owner_unit=owner_unit,
        expires_on=expires_on,
        minimum=_amount(minimum or 0, "minimum", allow_zero=True),
    )
    audit.record(actor, "emergency.material_add", material, after=audit.snapshot(material, MATERIAL_FIELDS))
    return material


@transaction.atomic
def restock(actor, material: Material, *, quantity, expires_on=None, seen_version=None) -> Material:
    """Stock added (补充入库); a new expiry date replaces the old one when given."""
    require(actor, "emergency.resource", material)
    lock_checked(material, seen_version)
    amount = _amount(quantity, "quantity")
    before = audit.snapshot(material, MATERIAL_FIELDS)
    material.quantity += amount
    if expires_on is not None:
        material.expires_on = expires_on
    material.save()
    audit.record(
        actor,
        "emergency.material_restock",
        material,
        before=before,
        after=audit.snapshot(material, MATERIAL_FIELDS),
    )
    return material


@transaction.atomic
def dispatch_material(
    actor, material: Material, *, quantity, destination, incident=None, seen_version=None, now=None
) -> Dispatch:
    now = now or timezone.now()
    require(actor, "emergency.resource", material)
    if incident is not None:
        require(actor, "emergency.resource", incident)  # the incident must be theirs too
    lock_checked(material, seen_version)
    amount = _amount(quantity, "quantity")
    if not (destination or "").strip():
        raise ValidationError({"destination": _("请填写调往何处。")})
    if amount > material.quantity:
        raise ValidationError(
            {
                "quantity": _("库存不足：现有 %(have)s %(measure)s。")
                % {"have": material.quantity.normalize(), "measure": material.measure}
            }
        )
    before = audit.snapshot(material, MATERIAL_FIELDS)
    material.quantity -= amount
    material.save()
    dispatch = Dispatch.objects.create(
        material=material,
        incident=incident,
        quantity=amount,
        destination=destination.strip(),
        dispatched_at=now,
        dispatched_by=actor,
    )
    if incident is not None:  # the response log shows every dispatch beside decisions and reports
        LogEntry.objects.create(
            incident=incident,
            at=now,
            by=actor,
            text=_("调拨%(item)s %(n)s %(measure)s至%(to)s。")
            % {
                "item": material.item,
                "n": f"{amount.normalize():f}",
                "measure": material.measure,
                "to": dispatch.destination,
            },
        )
    audit.record(
        actor,
        "emergency.material_dispatch",
        material,
        before=before,
        after=audit.snapshot(material, MATERIAL_FIELDS)
        | {"dispatch": dispatch.pk, "incident": incident.pk if incident else None},
    )
    return dispatch


@transaction.atomic
def return_material(actor, dispatch: Dispatch, *, quantity, now=None) -> Dispatch:
    """What comes back of a dispatch goes back into stock; never more than went out."""
    now = now or timezone.now()
    require(actor, "emergency.resource", dispatch.material)
    material = lock_checked(dispatch.material)
    dispatch.refresh_from_db()
    amount = _amount(quantity, "quantity")
    if amount > dispatch.outstanding:
        raise ValidationError(
            {
                "quantity": _("归还数量不能超过未归还的 %(left)s %(measure)s。")
                % {"left": dispatch.outstanding.normalize(), "measure": material.measure}
            }
        )
    before = audit.snapshot(material, MATERIAL_FIELDS)
    dispatch.returned += amount
    dispatch.save(update_fields=["returned"])
    material.quantity += amount
    material.save()
    if dispatch.incident_id is not None:
        LogEntry.objects.create(
            incident_id=dispatch.incident_id,
            at=now,
            by=actor,
            text=_("归还%(item)s %(n)s %(measure)s。")
            % {"item": material.item, "n": f"{amount.normalize():f}", "measure": material.measure},
        )
    audit.record(
        actor,
        "emergency.material_return",
        material,
        before=before,
        after=audit.snapshot(material, MATERIAL_FIELDS) | {"dispatch": dispatch.pk},
    )
    return dispatch


@transaction.atomic
def add_shelter(actor, *, area, name, capacity, location) -> Shelter:
    require(actor, "emergency.resource", area)
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("请填写场所名称。")
    if capacity is None or int(capacity) <= 0:
        errors["capacity"] = _("可容纳人数须大于零。")
    if not (location or "").strip():
        errors["location"] = _("请填写位置。")
    if errors:
        raise ValidationError(errors)
    shelter = Shelter.objects.create(
        area=area, name=name.strip(), capacity=capacity, location=location.strip()
    )
    audit.record(
        actor,
        "emergency.shelter_add",
        shelter,
        after=audit.snapshot(shelter, ("name", "capacity", "location")),
    )
    return shelter
