"""The one permission table: who contributes which rows, and the one guard ``require``."""

import pytest

from anju.core import roles
from anju.core.errors import NotAllowed
from anju.core.models import Area, User
from anju.core.permissions import may, require

# Written by hand: the app that owns each permission family after every app's AppConfig.ready has run.
EXPECTED_OWNERS = {
    "audit.view": "core",
    "personal_data.reveal": "core",
    "admin.manage": "core",
    "api.token": "core",
    "report.create": "intake",
    "report.register": "intake",
    "matter.assess": "matters",
    "mediation.record": "matters",
    "ledger.export": "matters",
    "signals.scan": "warning",
    "alert.manage": "warning",
    "analysis.manage": "warning",
    "report.monthly": "reports",
    "triage.train": "triage",
    "screening.file": "screening",
    "assessment.decide": "assessment",
}


def test_every_app_contributes_its_rows_to_the_one_table():
    for permission, owner in EXPECTED_OWNERS.items():
        assert roles.CONTRIBUTED_BY[permission] == owner, permission
    assert roles.role_has("village_cadre", "screening.file")
    assert not roles.role_has("grid_worker", "assessment.view")
    assert roles.roles_with("assessment.decide") == {roles.Role.LEADER, roles.Role.ADMIN}


def test_a_permission_has_one_owner():
    with pytest.raises(ValueError, match="already contributed by 'matters'"):
        roles.contribute("warning", {"matter.assess": frozenset({roles.Role.ADMIN})})
    with pytest.raises(ValueError, match="unknown roles"):
        roles.contribute("warning", {"signals.new": frozenset({"mayor"})})
    assert "signals.new" not in roles.PERMISSIONS
    assert roles.roles_with("matter.assess") == {roles.Role.CENTRE_STAFF, roles.Role.ADMIN}


@pytest.mark.django_db
def test_require_checks_role_then_scope_with_a_positive_control():
    county = Area.objects.create(name="县", code="C1", level=1)
    town_a = Area.objects.create(name="甲镇", code="TA", level=2, parent=county)
    town_b = Area.objects.create(name="乙镇", code="TB", level=2, parent=county)
    staff = User.objects.create_user("staff_a", password="x" * 16, role="centre_staff", area=town_a)
    grid = User.objects.create_user("grid_a", password="x" * 16, role="grid_worker", area=town_a)

    require(staff, "matter.assess", town_a)  # positive control: the right role in its own area
    assert may(staff, "matter.assess")
    with pytest.raises(NotAllowed, match="乙镇"):
        require(staff, "matter.assess", town_b)
    with pytest.raises(NotAllowed, match="无权"):
        require(grid, "matter.assess", town_a)
    assert not may(None, "matter.view")
    staff.is_active = False
    assert not may(staff, "matter.assess")
    with pytest.raises(NotAllowed):
        require(staff, "matter.assess", town_a)
