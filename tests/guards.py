"""Checking one action's own guard, called directly: the three cases every guard test of the apps makes.

(a) each user of the test ``world`` whose role lacks the permission is refused for their role; (b) a user of a
role that holds it, placed where the target is not theirs, is refused for scope; (c) the right user in scope
succeeds (the positive control). Refusals are ``NotAllowed`` (403) and write no audit event. Which users may is
a set of fixture names written by hand in each test file, never read from the permission table.
"""

from __future__ import annotations

import pytest

from anju.core.errors import NotAllowed

USERS = ("admin", "centre_staff", "town_staff", "leader", "officer", "cadre", "grid_worker", "auditor")
ROLE_REFUSAL = "无权"  # “您的角色（…）无权执行此操作。”
SCOPE_REFUSAL = "管辖"  # “…不在您的管辖范围内。”, or a change needing every village (“管辖全部区域”)


def audit_count() -> int:
    from anju.core.models import AuditEvent

    return AuditEvent.objects.count()


def outsider(world, role, *, area=None, unit=None):
    """A user of ``role`` in 西镇 (or ``area``): outside 东镇 and everything below it."""
    from anju.core import actions

    area = area or world.town_b
    return actions.create_user(
        None,
        username=f"out-{role}-{area.code}",
        password="test-pass-123",
        role=role,
        area=area,
        unit=unit,
        display_name=f"外区{role}",
    )


def check_guard(world, may: set[str], call, *, insider, outside=None):
    """Run (a), (b) and (c) for ``call(actor)``; returns what the insider's call returned.

    ``outside`` None: the action has no place to be outside of (its target is the whole platform)."""
    assert may <= set(USERS), may - set(USERS)
    before = audit_count()
    for name in USERS:
        if name in may:
            continue
        with pytest.raises(NotAllowed, match=ROLE_REFUSAL):
            call(getattr(world, name))
    if outside is not None:
        with pytest.raises(NotAllowed, match=SCOPE_REFUSAL):
            call(outside)
    assert audit_count() == before, "a refused call wrote an audit event"
    return call(insider)
