"""Template tags other apps' pages use to show cases by name, without importing this app (the matter page
lists the cases its matter belongs to)."""

from __future__ import annotations

from django import template

from anju.cases.models import Case
from anju.core.scoping import scoped

register = template.Library()


@register.simple_tag
def cases_of_matter(user, matter) -> list:
    """The cases holding ``matter`` that ``user`` may open (a county case is not listed to a village)."""
    if not getattr(user, "is_authenticated", False) or not user.can("cases.view"):
        return []
    return list(scoped(user, Case).filter(memberships__matter=matter).distinct())
