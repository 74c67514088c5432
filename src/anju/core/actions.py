"""Every state change of core objects goes through these functions; each writes an audit event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.models import ApiToken, Area, Domain, Unit, User
from anju.core.roles import Role

AREA_FIELDS = ("code", "name", "level", "parent", "latitude", "longitude")
USER_FIELDS = ("username", "role", "area", "unit", "display_name", "is_active")


@transaction.atomic
def create_area(
    actor, *, code, name, level, parent=None, latitude=None, longitude=None, boundary=None
) -> Area:
    if parent is not None and level <= parent.level:
        raise ValidationError({"level": _("下级区域的层级必须低于上级区域。")})
    area = Area(
        code=code,
        name=name,
        level=level,
        parent=parent,
        latitude=latitude,
        longitude=longitude,
        boundary=boundary,
    )
    area.full_clean()
    area.save()
    audit.record(actor, "area.create", area, after=audit.snapshot(area, AREA_FIELDS), area=area)
    return area


@transaction.atomic
def upsert_domain(actor, *, code, name, emergency_class, keywords=(), parent=None, sort_order=0) -> Domain:
    domain = Domain.objects.filter(code=code).first()
    before = (
        audit.snapshot(domain, ("name", "emergency_class", "keywords", "parent", "sort_order"))
        if domain
        else None
    )
    domain = domain or Domain(code=code)
    domain.name, domain.emergency_class, domain.keywords = name, emergency_class, list(keywords)
    domain.parent, domain.sort_order = parent, sort_order
    domain.full_clean()
    domain.save()
    after = audit.snapshot(domain, ("name", "emergency_class", "keywords", "parent", "sort_order"))
    if before != after:
        audit.record(
            actor, "domain.update" if before else "domain.create", domain, before=before, after=after
        )
    return domain


@transaction.atomic
def create_unit(actor, *, name, kind, area, domains=()) -> Unit:
    unit = Unit(name=name, kind=kind, area=area)
    unit.full_clean()
    unit.save()
    unit.domains.set(domains)
    after = {"name": name, "kind": kind, "area": area.pk, "domains": sorted(d.code for d in domains)}
    audit.record(actor, "unit.create", unit, after=after, area=area)
    return unit


@transaction.atomic
def set_unit_domains(actor, unit: Unit, domains) -> Unit:
    """The risk domains a department serves: its officers see these matters of their area (masked)."""
    if actor is not None:
        actor.require("admin.manage")
    before = sorted(unit.domains.values_list("code", flat=True))
    unit.domains.set(domains)
    after = sorted(d.code for d in domains)
    if before != after:
        audit.record(
            actor, "unit.domains", unit, before={"domains": before}, after={"domains": after}, area=unit.area
        )
    return unit


@transaction.atomic
def create_user(
    actor,
    *,
    username,
    password,
    role,
    area=None,
    unit=None,
    display_name="",
    is_demo=False,
    is_superuser=False,
) -> User:
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色。")})
    if area is None and not is_superuser:
        raise ValidationError({"area": _("请选择管辖范围。")})
    user = User(
        username=username,
        role=role,
        area=area,
        unit=unit,
        display_name=display_name,
        is_demo=is_demo,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit.record(actor, "user.create", user, after=audit.snapshot(user, USER_FIELDS), area=area)
    return user


@transaction.atomic
def issue_api_token(actor: User, name: str = "api") -> str:
    actor.require("api.token")
    token, secret = ApiToken.issue(actor, name)
    audit.record(
        actor, "api_token.issue", token, after={"name": name, "prefix": token.prefix}, area=actor.area
    )
    return secret


@transaction.atomic
def revoke_api_token(actor, token: ApiToken) -> None:
    """Withdraw a token: the record is removed so it can never authenticate again; the audit log keeps it.

    ``actor`` None is the command line run by the server's operator."""
    if actor is not None and actor.pk != token.user_id:
        actor.require("admin.manage")
    audit.record(
        actor,
        "api_token.revoke",
        token,
        before={"name": token.name, "prefix": token.prefix, "user": token.user_id},
        area=token.user.area,
    )
    token.delete()


def revealable_fields(obj) -> tuple[str, ...]:
    """Personal-data fields (encrypted) and free-text fields stored masked with an encrypted original."""
    return tuple(getattr(obj, "personal_fields", ())) + tuple(getattr(obj, "personal_text_fields", {}))


def reveal_personal_data(actor: User, obj, field_name: str) -> str:
    """Return a decrypted personal-data field, or a free text's original, and log the reveal. Callers check
    scope first."""
    actor.require("personal_data.reveal")
    if field_name not in revealable_fields(obj):
        raise ValidationError(_("该字段不是个人信息字段。"))
    original = getattr(obj, "personal_text_fields", {}).get(field_name)
    # a free text with nothing masked has no original: the stored text is all there is
    value = (getattr(obj, original) or getattr(obj, field_name)) if original else getattr(obj, field_name)
    audit.record(
        actor,
        "personal_data.reveal",
        obj,
        note=field_name,
        area=getattr(obj, "scope_area", None) or getattr(obj, "area", None),
    )
    return value
