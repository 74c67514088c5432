"""Helpers of the spread (风险传导) tests (imported by name: the test folders are not packages)."""

import datetime as dt
import itertools

from django.utils import timezone

from anju.cases.models import Case, CaseMatter
from anju.core.models import Domain
from anju.matters import actions as matter_actions
from anju.matters.models import MatterLink

_codes = itertools.count(1)


def at(day: int, hour: int = 9) -> dt.datetime:
    """A local moment in March 2026."""
    return timezone.make_aware(dt.datetime(2026, 3, day, hour))


def domain(code: str) -> Domain:
    return Domain.objects.get(code=code)


def matter(world, code: str, area, day: int, title: str):
    """A matter of domain ``code`` in ``area``, registered on March ``day``."""
    return matter_actions.create_matter(
        world.admin,
        kind="dispute",
        domain=domain(code),
        area=area,
        title=title,
        description=f"{title}，测试用情况描述。",
        registered_at=at(day),
    )


def link(source, target, kind: str):
    return MatterLink.objects.create(source=source, target=target, kind=kind, reason="测试关联")


def case(world, area, matters, title="测试专案"):
    c = Case.objects.create(
        code=f"ZA-T{next(_codes):03d}", title=title, area=area, lead_unit=world.centre, created_by=world.admin
    )
    for m in matters:
        CaseMatter.objects.create(case=c, matter=m, added_by=world.admin)
    return c


def described(crossings):
    """(from title, to title, kind, via) of each crossing, in the order given."""
    return [(c.source.title, c.target.title, c.kind, c.via) for c in crossings]
