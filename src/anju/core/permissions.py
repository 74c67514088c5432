"""The one guard every action calls: ``require(actor, permission, target)``.

Who may do what is the table in ``anju.core.roles`` (each app contributes its rows); where they may do it is
scope (``anju.core.scoping``). ``require`` checks both and raises ``NotAllowed`` (403 on pages and in the
API) — actions call it first, inside their transaction; pages and API only use ``may`` to decide what to
*show*, never to re-check what the action checks.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from anju.core.errors import NotAllowed
from anju.core.models import Area
from anju.core.roles import role_has
from anju.core.scoping import addressed_to, in_scope, may_act_on


def may(actor, permission: str) -> bool:
    """Whether the actor's role holds ``permission`` (an inactive or anonymous user holds none)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return role_has(actor.role, permission)


def require(actor, permission: str, target=None) -> None:
    """Refuse unless the actor's role holds ``permission`` and ``target`` is theirs to act on.

    ``target`` is an ``Area``, a scoped model instance (its area is found along the model's
    ``scope_area_field``), or None for actions not tied to a place. Acting on a matter, or on a row that
    belongs to one (``scope_matter_field``), also needs the unit rule of ``scoping.may_act_on``: a department
    officer acts only on the matters assigned to their unit.

    An object addressed to the actor's unit (``scoping.addressed_to``: its model's ``scope_unit_field``) passes
    the area check and the unit rule whatever its area: the unit it was sent to acts on it (a meeting's task
    completed, a co-handling task answered). The role is still checked. An action that *manages* such an
    object for its sender (edits, withdraws it) checks the sender's scope on the object that created it."""
    if not may(actor, permission):
        role = actor.get_role_display() if actor is not None and hasattr(actor, "get_role_display") else "—"
        raise NotAllowed(_("您的角色（%(role)s）无权执行此操作。") % {"role": role})
    if target is None:
        return
    if not isinstance(target, Area) and addressed_to(actor, target):
        return
    area = area_of(target)
    if not in_scope(actor, area):
        if isinstance(target, Area):
            raise NotAllowed(_("“%(area)s”不在您的管辖范围内。") % {"area": target.name})
        raise NotAllowed(_("该%(what)s不在您的管辖范围内。") % {"what": type(target)._meta.verbose_name})
    matter = matter_of(target)
    if matter is not None and not may_act_on(actor, matter):
        raise NotAllowed(_("该事项未交办给您的单位，您只能办理本单位承办的事项。"))


def area_of(target):
    """The area a scoped object belongs to, following its model's ``scope_area_field``."""
    if isinstance(target, Area):
        return target
    path = getattr(type(target), "scope_area_field", None)
    if path is None:
        raise TypeError(f"{type(target).__name__} has no scope_area_field; it cannot be checked for scope")
    return _follow(target, path)


def matter_of(target):
    """The matter a row belongs to (``scope_matter_field``; "" for the matter itself), or None."""
    path = getattr(type(target), "scope_matter_field", None)
    if path is None or isinstance(target, Area):
        return None
    return _follow(target, path)


def _follow(obj, path: str):
    for name in filter(None, path.split("__")):
        obj = getattr(obj, name)
        if obj is None:
            return None
    return obj
