"""The one place where every query is scoped to the user's area subtree.

Models that can be scoped name the path to their area in ``scope_area_field`` ("" for Area itself). Views, API,
exports and search obtain their querysets through ``scoped`` or ``get_scoped_or_404`` and never filter
by area themselves.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404


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
    if user.area_id is None:
        # Only a superuser without an area sees everything; anyone else without an area sees nothing.
        return qs if user.is_superuser else qs.none()
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    return qs.filter(**{lookup: user.area.path})


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
