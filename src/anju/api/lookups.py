"""Turning the codes and ids that clients send into objects, with a field error when they don't resolve.

References to areas and matters go through the user's scope: something outside it is "not found".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from anju.core.models import Area, Domain, Unit, User
from anju.core.scoping import scoped


def scoped_area(user, code: str, field: str = "area") -> Area:
    area = scoped(user, Area).filter(code=(code or "").strip()).first()
    if area is None:
        raise ValidationError({field: _("区域不存在或不在您的管辖范围内。")})
    return area


def domain(code: str, field: str = "domain") -> Domain:
    found = Domain.objects.filter(code=(code or "").strip(), active=True).first()
    if found is None:
        raise ValidationError({field: _("风险领域不存在或已停用。")})
    return found


def unit(pk: int, field: str = "unit") -> Unit:
    # Not scoped: a town centre may assign to a county department; the action decides what is allowed.
    found = Unit.objects.select_related("area").filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("责任单位不存在。")})
    return found


def person(pk: int | None, field: str = "person") -> User | None:
    if pk is None:
        return None
    found = User.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise ValidationError({field: _("责任人不存在。")})
    return found


def scoped_matter(user, pk: int, field: str):
    from anju.matters.models import Matter

    found = scoped(user, Matter).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("事项不存在或不在您的管辖范围内。")})
    return found
