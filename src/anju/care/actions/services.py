"""The directory of service units (服务机构) that take referrals: add, edit, deactivate and reactivate."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.care.models import ServiceKind, ServiceUnit
from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import WorkflowError
from anju.core.permissions import require

SERVICE_FIELDS = ("name", "kind", "area", "unit", "contact_position", "contact_phone", "address", "note")


def _snapshot(service: ServiceUnit) -> dict:
    return {
        "name": service.name,
        "kind": service.kind,
        "area": service.area_id,
        "unit": service.unit_id,
        "contact_position": service.contact_position,
        "contact_phone": service.contact_phone,
        "active": service.active,
    }


def _clean(fields: dict) -> dict:
    """The directory entry's fields, stripped; every problem reported beside its field at once."""
    errors = {}
    cleaned = {
        key: (fields.get(key) or "").strip()
        for key in ("name", "kind", "contact_position", "contact_phone", "address", "note")
    }
    cleaned["area"], cleaned["unit"] = fields.get("area"), fields.get("unit")
    if not cleaned["name"]:
        errors["name"] = _("请填写服务机构名称。")
    if cleaned["kind"] not in ServiceKind.values:
        errors["kind"] = _("请选择服务类型。")
    if cleaned["area"] is None:
        errors["area"] = _("请选择服务区域。")
    if not cleaned["contact_position"]:
        errors["contact_position"] = _("请填写联系岗位。")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _save(service: ServiceUnit) -> None:
    try:
        with transaction.atomic():
            service.save()
    except IntegrityError:
        raise ValidationError({"name": _("该区域已有同名服务机构。")}) from None


@transaction.atomic
def create_service(actor, *, now=None, **fields) -> ServiceUnit:
    cleaned = _clean(fields)
    require(actor, "care.services", cleaned["area"])
    service = ServiceUnit(**cleaned, created_at=now or timezone.now())
    _save(service)
    audit.record(actor, "care.service_create", service, after=_snapshot(service))
    return service


@transaction.atomic
def update_service(actor, service: ServiceUnit, *, version=None, **fields) -> ServiceUnit:
    require(actor, "care.services", service)
    cleaned = _clean(fields)
    require(actor, "care.services", cleaned["area"])  # moved: the new area must be the actor's too
    lock_checked(service, version)
    before = _snapshot(service)
    for key in SERVICE_FIELDS:
        setattr(service, key, cleaned[key])
    _save(service)
    old, new = audit.changed(before, _snapshot(service))
    audit.record(actor, "care.service_update", service, before=old or None, after=new or None)
    return service


@transaction.atomic
def set_service_active(actor, service: ServiceUnit, active: bool, *, reason: str = "", version=None):
    """Deactivate (停用) or reactivate a service unit. A deactivated one takes no new referrals; those already
    sent to it stay open and are answered as before."""
    require(actor, "care.services", service)
    lock_checked(service, version)
    if service.active == active:
        raise WorkflowError(_("该服务机构已启用。") if active else _("该服务机构已停用。"))
    service.active = active
    service.save(update_fields=["active"])
    audit.record(
        actor,
        "care.service_reactivate" if active else "care.service_deactivate",
        service,
        before={"active": not active},
        after={"active": active},
        note=reason.strip(),
    )
    return service
