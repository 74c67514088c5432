"""The one place where every query is scoped to the user's area subtree.

Models that can be scoped name the path to their area in ``scope_area_field`` ("" for Area itself). Views, API,
exports and search obtain their querysets through ``scoped`` or ``get_scoped_or_404`` and never filter
by area themselves.

Inside the area, the roles of ``roles.UNIT_SCOPED_ROLES`` (department officers) see less: models that belong
to a matter name the path to it in ``scope_matter_field`` ("" for Matter itself), and for these users such
querysets keep only what ``settings.ANJU_DEPARTMENT_VISIBILITY`` allows — the matters assigned to their unit
("unit"), plus those of the risk domains their unit serves ("unit+domain", the default), or the whole area
("area"). Acting on a matter needs more: ``may_act_on`` (the unit is responsible for it).

Objects addressed to a unit (a meeting's task, a warning to acknowledge, a 稳评 measure, a co-handling
task) are that unit's to see whatever their area: such a model names the path from it to the ``core.Unit`` it
is addressed to in ``scope_unit_field`` (a path, or a tuple of paths any of which may match; a to-many path
such as ``"recipients__unit"`` is fine), and may name
in ``scope_unit_condition`` a ``Q`` a row must meet to count as addressed (a draft warning is not sent yet).
``scoped`` adds the rows addressed to the user's unit to those of their area (an OR, without duplicates);
``addressed_to`` answers the same question for one object, and ``permissions.require`` lets it stand in for
the area check (the role is still checked). The matter rule of department officers does not narrow what is
addressed to their own unit.

A few rows made above apply below (a county's 总体预案 is the plan its towns use): such a model sets
``scope_shared_down = True`` and may name in ``scope_shared_down_condition`` a ``Q`` a row must meet to be
shared (a plan in force, not a draft). ``scoped`` then also lists the rows of the areas *above* the user's
own — to read only: ``permissions.require`` keeps checking the area subtree, so the town cannot change the
county's plan, and the rows of a sibling town stay invisible.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from anju.core.models import Domain, Unit
from anju.core.roles import UNIT_SCOPED_ROLES

VISIBILITY_CHOICES = ("unit", "unit+domain", "area")


def scoped(user, queryset_or_model) -> QuerySet:
    qs = (
        queryset_or_model
        if isinstance(queryset_or_model, QuerySet)
        else queryset_or_model._default_manager.all()
    )
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    field = getattr(qs.model, "scope_area_field", None)
    if field is None:
        raise TypeError(f"{qs.model.__name__} has no scope_area_field; it cannot be listed by area")
    if user.area_id is None and user.is_superuser:
        return qs  # only a superuser without an area sees everything
    if user.area_id is None:
        rule = Q(pk__in=[])  # anyone else without an area sees only what is addressed to their unit
    else:
        lookup = f"{field}__path__startswith" if field else "path__startswith"
        rule = Q(**{lookup: user.area.path})
        matter_field = getattr(qs.model, "scope_matter_field", None)
        if matter_field is not None and is_unit_scoped(user):
            rule &= _unit_rule(user, matter_field)
        shared = _shared_down_rule(user, qs.model, field)
        if shared is not None:
            rule |= shared
    addressed = _addressed_rule(user, qs.model)
    if addressed is not None:
        rule |= addressed
    return qs.filter(rule)


def ancestor_paths(path: str) -> list[str]:
    """The paths of the areas strictly above the one at ``path`` ("/c/t/" → ["/c/"])."""
    codes = [c for c in path.strip("/").split("/") if c]
    return ["/" + "/".join(codes[:n]) + "/" for n in range(1, len(codes))]


def _shared_down_rule(user, model, field: str) -> Q | None:
    """The rows of the areas above the user's that the model shares downwards (``scope_shared_down``)."""
    if not getattr(model, "scope_shared_down", False):
        return None
    above = ancestor_paths(user.area.path)
    if not above:
        return None
    lookup = f"{field}__path__in" if field else "path__in"
    rows = model._default_manager.filter(**{lookup: above})
    condition = getattr(model, "scope_shared_down_condition", None)
    if condition is not None:
        rows = rows.filter(condition)
    return Q(pk__in=rows.values("pk"))


def _addressed_rule(user, model) -> Q | None:
    """The rows of ``model`` addressed to the user's unit, as ``pk__in`` a subquery: a to-many path
    (a warning's recipients) joined into the main query would repeat its rows."""
    paths = getattr(model, "scope_unit_field", None)
    if paths is None or user.unit_id is None:
        return None
    if isinstance(paths, str):
        paths = (paths,)
    to_unit = Q()
    for path in paths:
        to_unit |= Q(**{path: user.unit_id})
    rows = model._default_manager.filter(to_unit)
    condition = getattr(model, "scope_unit_condition", None)
    if condition is not None:
        rows = rows.filter(condition)
    return Q(pk__in=rows.values("pk"))


def addressed_to(user, obj) -> bool:
    """Whether ``obj`` is addressed to the user's unit (its model's ``scope_unit_field``)."""
    if obj is None or user is None or getattr(user, "unit_id", None) is None or obj.pk is None:
        return False
    rule = _addressed_rule(user, type(obj))
    return rule is not None and type(obj)._default_manager.filter(rule, pk=obj.pk).exists()


def is_unit_scoped(user) -> bool:
    return user.role in UNIT_SCOPED_ROLES and department_visibility() != "area"


def department_visibility() -> str:
    value = getattr(settings, "ANJU_DEPARTMENT_VISIBILITY", "unit+domain")
    if value not in VISIBILITY_CHOICES:
        raise ValueError(f"ANJU_DEPARTMENT_VISIBILITY must be one of {VISIBILITY_CHOICES}, not {value!r}")
    return value


def _unit_rule(user, matter_field: str) -> Q:
    """The matters a unit-scoped user sees, as a condition on the path ``matter_field`` to the matter."""
    prefix = f"{matter_field}__" if matter_field else ""
    if user.unit_id is None:
        return Q(pk__in=[])  # a department officer without a unit has no matters
    rule = Q(**{f"{prefix}responsible_unit": user.unit_id})
    # 协办: a unit with a co-handling task (open or done) sees the matter, and so does a unit a coordination
    # request (协调请求) is addressed to while it decides. Subqueries, not joins, which would repeat rows.
    for matter_ids in _co_handled_matters(user.unit_id):
        rule |= Q(**{f"{prefix}pk__in": matter_ids})
    if department_visibility() == "unit+domain":
        # a subquery, not a join: a join through the many-to-many link would repeat rows
        rule |= Q(**{f"{prefix}domain__in": Domain.objects.filter(units=user.unit_id).values("pk")})
    return rule


def _co_handled_matters(unit_id: int) -> tuple[QuerySet, QuerySet]:
    """Subqueries of the matters the unit co-handles (a task not withdrawn) and of those a pending
    coordination request asks it to help on (matters.models_coordination, named by their relations)."""
    tasks = Unit.objects.filter(pk=unit_id, cohandling_tasks__state__in=("open", "done"))
    asked = Unit.objects.filter(pk=unit_id, coordination_requests_received__state="pending")
    return (
        tasks.values("cohandling_tasks__matter"),
        asked.values("coordination_requests_received__matter"),
    )


def acting_unit_ids(matter) -> set[int]:
    """The units that may act on a matter: its responsible unit and the units with an open co-handling task."""
    units = {matter.responsible_unit_id} if matter.responsible_unit_id else set()
    if matter.pk is not None:
        units |= set(matter.cohandling_tasks.filter(state="open").values_list("unit_id", flat=True))
    return units


def handles(user, matter) -> bool:
    """Whether ``user`` handles ``matter`` in person: its responsible person (the assigned cadre or grid
    worker), or a member of its responsible unit or of a unit with an open co-handling task. Such a person
    reaches the matter's parties (care.access), on that matter only."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if matter.responsible_person_id is not None and matter.responsible_person_id == user.pk:
        return True
    return user.unit_id is not None and user.unit_id in acting_unit_ids(matter)


def may_move(user, matter) -> bool:
    """Whether the user's unit may move the matter along the workflow (resolve, return, escalate …): a
    co-handling unit records its own work on the matter, but only the responsible unit moves it."""
    if user.role not in UNIT_SCOPED_ROLES:
        return True
    return user.unit_id is not None and user.unit_id == matter.responsible_unit_id


def may_act_on(user, matter) -> bool:
    """Whether the user's unit rule lets them change the matter (area scope and role are checked apart).
    Department officers act only on their unit's matters, whatever they may see."""
    if user.role not in UNIT_SCOPED_ROLES:
        return True
    return user.unit_id is not None and user.unit_id in acting_unit_ids(matter)


def get_scoped_or_404(user, queryset_or_model, **lookup) -> Model:
    try:
        return scoped(user, queryset_or_model).get(**lookup)
    except (
        queryset_or_model if isinstance(queryset_or_model, type) else queryset_or_model.model
    ).DoesNotExist:
        raise Http404 from None
    except (ValueError, TypeError):  # malformed id
        raise Http404 from None


def in_scope(user, area) -> bool:
    if area is None:
        return False
    if user.area_id is None:
        return bool(user.is_superuser)
    return area.path.startswith(user.area.path)
