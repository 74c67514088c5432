"""The administration pages' actions: areas, units, users and risk domains (管理).

Each action checks ``admin.manage`` and the actor's scope (an administrator of a town manages only that town's
subtree: the object, and any area or unit it is moved or assigned to, must be theirs), locks the rows it
changes, and writes an audit event with the values before and after, in one transaction.

The setup functions of ``actions`` (``create_area``, ``create_unit``, ``create_user``) stay unguarded for the
command line, the demo and the tests; the pages reach them only through the guarded functions here.
"""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import actions, audit
from anju.core.area_choices import tree_changed
from anju.core.errors import Conflict, NotAllowed, WorkflowError
from anju.core.models import Area, AreaLevel, Domain, EmergencyClass, Unit, UnitKind, User
from anju.core.permissions import require
from anju.core.phones import is_valid_phone, normalise_phone
from anju.core.roles import UNIT_SCOPED_ROLES, Role
from anju.core.textsafety import refuse_invisible_in

AREA_EDIT_FIELDS = ("name", "latitude", "longitude")
UNIT_FIELDS = ("name", "kind", "area")
USER_EDIT_FIELDS = ("display_name", "role", "area", "unit")
DOMAIN_FIELDS = ("name", "name_en", "emergency_class", "keywords", "sort_order", "active")
MAX_KEYWORDS = 200


def fingerprint(values: dict) -> str:
    """What a page showed of an object, in short: sent back with the form, compared under the row lock, so
    that a change made meanwhile by someone else is refused (``Conflict``) instead of silently overwritten.
    (These rows are not ``Versioned``: a sign-in saves the user row, which must not count as an edit.)"""
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def area_fingerprint(area: Area) -> str:
    return fingerprint(audit.snapshot(area, AREA_EDIT_FIELDS) | {"parent": area.parent_id})


def unit_fingerprint(unit: Unit) -> str:
    return fingerprint(
        audit.snapshot(unit, UNIT_FIELDS) | {"domains": sorted(unit.domains.values_list("pk", flat=True))}
    )


def user_fingerprint(user: User) -> str:
    return fingerprint(audit.snapshot(user, (*USER_EDIT_FIELDS, "is_active")))


def domain_fingerprint(domain: Domain) -> str:
    return fingerprint(audit.snapshot(domain, DOMAIN_FIELDS))


def _check_seen(seen, current: str) -> None:
    if seen and seen != current:
        raise Conflict(_("该记录已被他人修改，请刷新后重试。"))


def _refuse_self(actor, user: User, message: str) -> None:
    if actor is not None and actor.pk == user.pk:
        raise WorkflowError(message)


def _refuse_superuser(actor, user: User) -> None:
    """A superuser (the server operator's account) is changed from the command line, not by an administrator."""
    if user.is_superuser and not getattr(actor, "is_superuser", False):
        raise NotAllowed(_("该账号为系统超级管理员，只能在服务器命令行中修改。"))


# --- areas -------------------------------------------------------------------------------------------------
def _coordinates(latitude, longitude) -> dict:
    errors = {}
    if latitude is not None and not -90 <= latitude <= 90:
        errors["latitude"] = _("纬度应在 -90 到 90 之间。")
    if longitude is not None and not -180 <= longitude <= 180:
        errors["longitude"] = _("经度应在 -180 到 180 之间。")
    if (latitude is None) != (longitude is None):
        errors["longitude" if longitude is None else "latitude"] = _("经度和纬度须同时填写或同时留空。")
    return errors


@transaction.atomic
def add_area(actor, parent: Area, *, code: str, name: str, level=None, latitude=None, longitude=None) -> Area:
    """A new area below ``parent`` (one level lower unless ``level`` says otherwise)."""
    require(actor, "admin.manage", parent)
    level = int(level) if level else min(parent.level + 1, AreaLevel.GRID)
    errors = _coordinates(latitude, longitude)
    code, name = (code or "").strip(), (name or "").strip()
    if not name:
        errors["name"] = _("请填写名称。")
    if code and Area.objects.filter(code=code).exists():
        errors["code"] = _("区划代码“%(code)s”已被其他区域使用。") % {"code": code}
    if errors:
        raise ValidationError(errors)
    return actions.create_area(
        actor, code=code, name=name, level=level, parent=parent, latitude=latitude, longitude=longitude
    )


@transaction.atomic
def update_area(actor, area: Area, *, name: str, latitude=None, longitude=None, seen=None) -> Area:
    """Rename an area or set its label point; the code, level and place in the tree stay."""
    require(actor, "admin.manage", area)
    area = Area.objects.select_for_update().get(pk=area.pk)
    _check_seen(seen, area_fingerprint(area))
    name = (name or "").strip()
    errors = _coordinates(latitude, longitude)
    if not name:
        errors["name"] = _("请填写名称。")
    if errors:
        raise ValidationError(errors)
    refuse_invisible_in(name=name)
    before = audit.snapshot(area, AREA_EDIT_FIELDS)
    area.name, area.latitude, area.longitude = name, latitude, longitude
    area.full_clean()
    area.save(update_fields=["name", "latitude", "longitude"])
    old, new = audit.changed(before, audit.snapshot(area, AREA_EDIT_FIELDS))
    if new:
        audit.record(actor, "area.update", area, before=old, after=new, area=area)
    return area


@transaction.atomic
def move_area(actor, area: Area, *, new_parent: Area) -> int:
    """Put ``area`` (with everything below it) under ``new_parent``; returns how many areas' paths changed.

    The materialised ``path`` of the whole subtree is rewritten in this one transaction. Refused: a cycle (under
    itself or its own descendant), a parent of the same or a lower level, and the actor's own area (that would
    move their scope). Both the area and the new parent must be in the actor's scope."""
    require(actor, "admin.manage", area)
    require(actor, "admin.manage", new_parent)
    area = Area.objects.select_for_update().get(pk=area.pk)
    new_parent = Area.objects.select_for_update().get(pk=new_parent.pk)
    if actor is not None and actor.area_id is not None and area.contains(actor.area):
        raise NotAllowed(_("不能移动您自己的管辖区域或其上级区域。"))
    if new_parent.pk == area.pk or area.contains(new_parent):
        raise ValidationError({"new_parent": _("不能把区域移到它自己或它的下级区域之下。")})
    if new_parent.pk == area.parent_id:
        raise ValidationError({"new_parent": _("该区域已在“%(p)s”之下。") % {"p": new_parent.name}})
    if new_parent.level >= area.level:
        raise ValidationError(
            {
                "new_parent": _("上级区域的层级须高于“%(a)s”（%(level)s）。")
                % {"a": area.name, "level": area.get_level_display()}
            }
        )
    old_path, new_path = area.path, new_parent.path + area.code + "/"
    before = {"parent": area.parent_id, "path": old_path}
    subtree = Area.objects.select_for_update().filter(path__startswith=old_path)
    moved = len(list(subtree))  # locks every row of the subtree before the rewrite
    Area.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
    )
    Area.objects.filter(pk=area.pk).update(parent=new_parent)
    tree_changed()  # update() sends no signal: the area pickers' kept choices are stale
    area.refresh_from_db()
    audit.record(
        actor,
        "area.move",
        area,
        before=before,
        after={"parent": new_parent.pk, "path": area.path, "areas": moved},
        area=area,
    )
    return moved


@transaction.atomic
def set_area_boundary(actor, area: Area, boundary: dict | None) -> Area:
    """Store (or, with None, remove) an area's boundary geometry, already checked by ``geojson.parse_boundary``."""
    require(actor, "admin.manage", area)
    area = Area.objects.select_for_update().get(pk=area.pk)
    had = area.boundary is not None
    area.boundary = boundary
    area.save(update_fields=["boundary"])
    summary = None if boundary is None else {"type": boundary["type"]}
    audit.record(
        actor, "area.boundary", area, before={"boundary": had}, after={"boundary": summary}, area=area
    )
    return area


# --- units -------------------------------------------------------------------------------------------------
def _check_unit(name: str, kind: str) -> dict:
    errors = {}
    if not name:
        errors["name"] = _("请填写名称。")
    if kind not in UnitKind.values:
        errors["kind"] = _("请选择单位类型。")
    return errors


@transaction.atomic
def add_unit(actor, *, name: str, kind: str, area: Area, domains=()) -> Unit:
    require(actor, "admin.manage", area)
    name = (name or "").strip()
    errors = _check_unit(name, kind)
    if name and Unit.objects.filter(area=area, name=name).exists():
        errors["name"] = _("“%(area)s”已有名为“%(name)s”的单位。") % {"area": area.name, "name": name}
    if errors:
        raise ValidationError(errors)
    return actions.create_unit(actor, name=name, kind=kind, area=area, domains=list(domains))


@transaction.atomic
def update_unit(actor, unit: Unit, *, name: str, kind: str, area: Area, domains=(), seen=None) -> Unit:
    """Rename a unit, change its kind, move it to another area in scope, set the domains it serves."""
    require(actor, "admin.manage", unit)
    require(actor, "admin.manage", area)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_seen(seen, unit_fingerprint(unit))
    name = (name or "").strip()
    errors = _check_unit(name, kind)
    if name and Unit.objects.filter(area=area, name=name).exclude(pk=unit.pk).exists():
        errors["name"] = _("“%(area)s”已有名为“%(name)s”的单位。") % {"area": area.name, "name": name}
    if area.pk != unit.area_id:
        outside = unit.members.exclude(area__path__startswith=area.path).filter(is_active=True).count()
        if outside:
            errors["area"] = _(
                "该单位有 %(n)s 名在用账号的管辖范围不在“%(area)s”之内，请先调整这些账号。"
            ) % {"n": outside, "area": area.name}
    if errors:
        raise ValidationError(errors)
    refuse_invisible_in(name=name)
    before = audit.snapshot(unit, UNIT_FIELDS) | {
        "domains": sorted(unit.domains.values_list("code", flat=True))
    }
    unit.name, unit.kind, unit.area = name, kind, area
    unit.full_clean()
    unit.save()
    unit.domains.set(domains)
    after = audit.snapshot(unit, UNIT_FIELDS) | {"domains": sorted(d.code for d in domains)}
    old, new = audit.changed(before, after)
    if new:
        audit.record(actor, "unit.update", unit, before=old, after=new, area=area)
    return unit


# --- users -------------------------------------------------------------------------------------------------
def _check_placement(actor, *, role: str, area: Area | None, unit: Unit | None, kept_unit=None) -> dict:
    """The role, area and unit of an account: known role, an area, a unit in scope and in or above the area.

    ``kept_unit``: the account's unit before the change; keeping it needs no scope over it (a town's
    department officer may belong to a county unit that the town's administrator does not manage)."""
    errors = {}
    if role not in Role.values:
        errors["role"] = _("请选择角色。")
    if area is None:
        errors["area"] = _("请选择管辖范围。")
    else:
        require(actor, "admin.manage", area)  # never a scope outside the administrator's own
    if unit is not None:
        if kept_unit is None or unit.pk != kept_unit.pk:
            require(actor, "admin.manage", unit)
        if area is not None and not unit.area.contains(area):
            errors["unit"] = _("所属单位“%(unit)s”须在管辖范围“%(area)s”或其上级区域。") % {
                "unit": unit.name,
                "area": area.name,
            }
    if role in UNIT_SCOPED_ROLES and unit is None:
        errors["unit"] = _("职能部门的账号须选择所属单位（只办理本单位承办的事项）。")
    return errors


@transaction.atomic
def add_user(
    actor, *, username: str, display_name: str, role: str, area: Area, unit=None, phone: str = "", now=None
) -> tuple[User, str]:
    """A new account with a random one-time password, returned to be shown once (only its hash is stored)."""
    require(actor, "admin.manage", area) if area is not None else require(actor, "admin.manage")
    username, display_name = (username or "").strip(), (display_name or "").strip()
    errors = _check_placement(actor, role=role, area=area, unit=unit)
    if not username:
        errors["username"] = _("请填写用户名。")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("用户名“%(u)s”已存在。") % {"u": username}
    if not display_name:
        errors["display_name"] = _("请填写姓名。")
    phone = normalise_phone(phone) if phone else ""
    if phone and not is_valid_phone(phone):
        errors["phone"] = _("手机号码格式不正确。")
    if errors:
        raise ValidationError(errors)
    refuse_invisible_in(username=username, display_name=display_name)
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        area=area,
        unit=unit,
        phone=phone,
        must_change_password=True,
        date_joined=now or timezone.now(),
    )
    password = actions._validated_initial_password(user)
    user.full_clean()
    user.save()
    audit.record(actor, "user.create", user, after=audit.snapshot(user, actions.USER_FIELDS), area=area)
    return user, password


@transaction.atomic
def update_user(actor, user: User, *, display_name: str, role: str, area: Area, unit=None, seen=None) -> User:
    """Change an account's name, role, area and unit. Administrators cannot change their own role or area."""
    require(actor, "admin.manage", user)
    _refuse_superuser(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_seen(seen, user_fingerprint(user))
    display_name = (display_name or "").strip()
    if actor is not None and actor.pk == user.pk and (role != user.role or area != user.area):
        raise WorkflowError(_("不能修改自己的角色或管辖范围，请由其他管理员修改。"))
    errors = _check_placement(actor, role=role, area=area, unit=unit, kept_unit=user.unit)
    if not display_name:
        errors["display_name"] = _("请填写姓名。")
    if errors:
        raise ValidationError(errors)
    refuse_invisible_in(display_name=display_name)
    before = audit.snapshot(user, USER_EDIT_FIELDS)
    user.display_name, user.role, user.area, user.unit = display_name, role, area, unit
    user.full_clean()
    user.save()
    old, new = audit.changed(before, audit.snapshot(user, USER_EDIT_FIELDS))
    if new:
        audit.record(actor, "user.update", user, before=old, after=new, area=area)
    return user


@transaction.atomic
def set_user_active(actor, user: User, active: bool) -> User:
    """Deactivate an account (it can no longer sign in and every session ends) or reactivate it."""
    require(actor, "admin.manage", user)
    _refuse_superuser(actor, user)
    _refuse_self(actor, user, _("不能停用自己的账号。"))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == bool(active):
        raise WorkflowError(_("该账号已是启用状态。") if active else _("该账号已停用。"))
    user.is_active = bool(active)
    if not active:
        user.session_epoch += 1  # every open session of the account ends at its next request
    user.save(update_fields=["is_active", "session_epoch"])
    audit.record(
        actor,
        "user.activate" if active else "user.deactivate",
        user,
        before={"is_active": not active},
        after={"is_active": bool(active)},
        area=user.area,
    )
    return user


@transaction.atomic
def reset_password(actor, user: User) -> str:
    """A new random one-time password for ``user``, returned once; their sessions end and they must change it."""
    require(actor, "admin.manage", user)
    _refuse_superuser(actor, user)
    _refuse_self(actor, user, _("请在“修改密码”页面修改自己的密码。"))
    user = User.objects.select_for_update().get(pk=user.pk)
    password = actions._validated_initial_password(user)
    user.must_change_password = True
    user.session_epoch += 1
    user.save(update_fields=["password", "must_change_password", "session_epoch"])
    audit.record(actor, "user.password_reset", user, area=user.area)
    return password


@transaction.atomic
def set_two_factor_required(actor, user: User, required: bool) -> User:
    """Require (or stop requiring) the second factor of one account, beyond ``ANJU_2FA_REQUIRED_ROLES``."""
    require(actor, "admin.manage", user)
    _refuse_superuser(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.two_factor_required == bool(required):
        return user
    user.two_factor_required = bool(required)
    user.save(update_fields=["two_factor_required"])
    audit.record(
        actor,
        "user.require_2fa",
        user,
        before={"two_factor_required": not required},
        after={"two_factor_required": bool(required)},
        area=user.area,
    )
    return user


# --- risk domains --------------------------------------------------------------------------------------------
def _require_platform_admin(actor) -> None:
    """Risk domains are shared by every area: only an administrator whose scope is a root of the tree (the
    county) may change them, not a town's."""
    require(actor, "admin.manage")
    if actor is not None and actor.area_id is not None and actor.area.parent_id is not None:
        raise NotAllowed(_("风险领域为全县共用，需由管辖全部区域的管理员修改。"))


def clean_keywords(text_or_list) -> list[str]:
    """Keywords from a text (one per line, or separated by commas, 、 or ；) or a list, without repeats."""
    if isinstance(text_or_list, str):
        text = text_or_list
        for separator in ("，", ",", "、", "；", ";", "\r"):
            text = text.replace(separator, "\n")
        items = text.split("\n")
    else:
        items = list(text_or_list)
    seen, out = set(), []
    for item in (str(i).strip() for i in items):
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _domain_values(name, name_en, emergency_class, keywords, sort_order) -> tuple[dict, dict]:
    values = {
        "name": (name or "").strip(),
        "name_en": (name_en or "").strip(),
        "emergency_class": emergency_class,
        "keywords": clean_keywords(keywords),
        "sort_order": sort_order if sort_order is not None else 0,
    }
    errors = {}
    if not values["name"]:
        errors["name"] = _("请填写名称。")
    if emergency_class not in EmergencyClass.values:
        errors["emergency_class"] = _("请选择突发事件类别。")
    if len(values["keywords"]) > MAX_KEYWORDS or any(len(k) > 30 for k in values["keywords"]):
        errors["keywords"] = _("关键词最多 %(n)s 个，每个最多 30 个字。") % {"n": MAX_KEYWORDS}
    return values, errors


@transaction.atomic
def add_domain(
    actor, *, code: str, name: str, name_en="", emergency_class: str, keywords=(), sort_order=None
):
    _require_platform_admin(actor)
    values, errors = _domain_values(name, name_en, emergency_class, keywords, sort_order)
    code = (code or "").strip()
    if code and Domain.objects.filter(code=code).exists():
        errors["code"] = _("代码“%(code)s”已被使用。") % {"code": code}
    if errors:
        raise ValidationError(errors)
    refuse_invisible_in(code=code, name=values["name"], name_en=values["name_en"])
    if sort_order is None:
        last = Domain.objects.order_by("-sort_order").first()
        values["sort_order"] = (last.sort_order + 1) if last else 1
    domain = Domain(code=code, active=True, **values)
    domain.full_clean()
    domain.save()
    audit.record(actor, "domain.create", domain, after=audit.snapshot(domain, ("code", *DOMAIN_FIELDS)))
    return domain


@transaction.atomic
def update_domain(
    actor,
    domain: Domain,
    *,
    name: str,
    name_en="",
    emergency_class: str,
    keywords=(),
    sort_order=0,
    active=True,
    seen=None,
) -> Domain:
    """Change a domain's names, class, lexicon, order, or switch it off. No domain is ever deleted (matters,
    returns and units refer to it); a domain switched off is no longer offered for new matters."""
    _require_platform_admin(actor)
    domain = Domain.objects.select_for_update().get(pk=domain.pk)
    _check_seen(seen, domain_fingerprint(domain))
    values, errors = _domain_values(name, name_en, emergency_class, keywords, sort_order)
    if errors:
        raise ValidationError(errors)
    refuse_invisible_in(name=values["name"], name_en=values["name_en"])
    before = audit.snapshot(domain, DOMAIN_FIELDS)
    for key, value in values.items():
        setattr(domain, key, value)
    domain.active = bool(active)
    domain.full_clean()
    domain.save()
    old, new = audit.changed(before, audit.snapshot(domain, DOMAIN_FIELDS))
    if new:
        audit.record(actor, "domain.update", domain, before=old, after=new)
    return domain


# --- bulk import of areas and units ----------------------------------------------------------------------------
@transaction.atomic
def import_organisation(actor, area_rows, unit_rows, *, now=None) -> tuple[list[Area], list[Unit]]:
    """Create the areas and units of an imported workbook, all or none: every row is checked again
    (``org_import.check_org_rows``) and one bad row refuses the whole file (``OrgRowErrors``)."""
    from anju.core.org_import import OrgRowErrors, check_org_rows

    if actor is not None:
        require(actor, "admin.manage")
    if not area_rows and not unit_rows:
        raise ValidationError({"file": _("文件中没有区域或单位。")})
    now = now or timezone.now()
    plan = check_org_rows(actor, area_rows, unit_rows)
    if plan.errors:
        raise OrgRowErrors(plan)
    created: dict[str, Area] = {}
    areas, units = [], []
    for item in plan.areas:
        parent = created[item["parent"]] if isinstance(item["parent"], str) else item["parent"]
        if actor is not None:
            require(actor, "admin.manage", parent)
        area = Area(
            code=item["code"],
            name=item["name"],
            level=item["level"],
            parent=parent,
            latitude=item.get("latitude"),
            longitude=item.get("longitude"),
        )
        area.full_clean()
        area.save()
        note = _("批量导入，区域表第 %(line)s 行") % {"line": item["line"]}
        after = audit.snapshot(area, actions.AREA_FIELDS)
        audit.record(actor, "area.create", area, after=after, area=area, note=note, at=now)
        created[area.code] = area
        areas.append(area)
    domains = Domain.objects.in_bulk(field_name="code")
    for item in plan.units:
        area = created[item["area"]] if isinstance(item["area"], str) else item["area"]
        unit = Unit(name=item["name"], kind=item["kind"], area=area)
        unit.full_clean()
        unit.save()
        served = [domains[c] for c in item["domains"]]
        unit.domains.set(served)
        after = {"name": unit.name, "kind": unit.kind, "area": area.pk, "domains": sorted(item["domains"])}
        note = _("批量导入，单位表第 %(line)s 行") % {"line": item["line"]}
        audit.record(actor, "unit.create", unit, after=after, area=area, note=note, at=now)
        units.append(unit)
    return areas, units
