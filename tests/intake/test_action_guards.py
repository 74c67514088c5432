"""Intake actions' own guards, called directly: who may submit, register, link and reject, and where.

Expected sets are written by hand from the README's role table, not read from ``anju.core.roles``. A role
or scope refusal is ``NotAllowed`` (403), nothing else, and changes nothing.
"""

from __future__ import annotations

import pytest

from anju.core.errors import NotAllowed
from anju.intake import actions
from anju.intake.models import Report, ReportStatus

from .helpers import report_kwargs

USERS = ["admin", "centre_staff", "town_staff", "leader", "officer", "cadre", "grid_worker", "auditor"]
# who may receive a report (staff intake or a grid worker's patrol report) in their own area
MAY_SUBMIT = {"admin", "centre_staff", "town_staff", "officer", "cadre", "grid_worker"}
# who may turn a received report into a matter, link it to a matter or decline it
MAY_HANDLE = {"admin", "centre_staff", "town_staff", "cadre"}


def _handle(world, how: str, actor, report):
    if how == "register":
        return actions.register_report(
            actor, report, kind="demand", domain=world.wages, title="道路积水", description="三组道路积水"
        )
    if how == "link":
        from anju.matters import actions as matter_actions

        matter = matter_actions.create_matter(
            world.centre_staff,
            kind="demand",
            domain=world.wages,
            area=report.area,
            title="道路积水",
            description="三组道路积水，已登记。",
        )
        return actions.link_report(actor, report, matter)
    return actions.reject_report(actor, report, "不属于受理范围")


@pytest.mark.django_db
def test_submit_refuses_roles_without_intake_and_areas_outside_scope(world):
    allowed = set()
    for name in USERS:
        try:
            actions.submit_report(getattr(world, name), **report_kwargs(world, area=world.grid_a1))
        except NotAllowed:
            continue
        allowed.add(name)
    assert allowed == MAY_SUBMIT
    assert Report.objects.count() == len(MAY_SUBMIT)  # a refusal saved nothing
    # scope: 东一村's cadre cannot receive a report for 西一村; 西一村's cadre can (positive control)
    with pytest.raises(NotAllowed):
        actions.submit_report(world.cadre, **report_kwargs(world, area=world.village_b1))
    assert not Report.objects.filter(area=world.village_b1).exists()
    assert actions.submit_report(world.cadre_b, **report_kwargs(world, area=world.village_b1)).pk


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["register", "link", "reject"])
def test_handling_refuses_roles_without_the_permission(world, how):
    allowed = set()
    for name in USERS:
        report = actions.submit_report(None, **report_kwargs(world, area=world.grid_a1))
        try:
            _handle(world, how, getattr(world, name), report)
        except NotAllowed:
            report.refresh_from_db()
            assert report.status == ReportStatus.RECEIVED  # refused: nothing changed
            continue
        allowed.add(name)
    assert allowed == MAY_HANDLE


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["register", "link", "reject"])
def test_handling_refuses_a_report_outside_the_actors_area(world, how):
    report = actions.submit_report(None, **report_kwargs(world, area=world.village_b1))
    with pytest.raises(NotAllowed):
        _handle(world, how, world.cadre, report)
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED
    # positive control: 西一村's own cadre handles the same report
    _handle(world, how, world.cadre_b, report)
    report.refresh_from_db()
    assert report.status != ReportStatus.RECEIVED


@pytest.mark.django_db
def test_linking_refuses_a_matter_outside_the_actors_area(world):
    """The matter a report is linked to is acted on too: it must lie in the actor's area as well."""
    from anju.matters import actions as matter_actions

    def matter_in(area):
        return matter_actions.create_matter(
            world.centre_staff, kind="demand", domain=world.wages, area=area, title="积水", description="积水"
        )

    report = actions.submit_report(None, **report_kwargs(world, area=world.village_a1))
    with pytest.raises(NotAllowed):
        actions.link_report(world.cadre, report, matter_in(world.village_b1))
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED and report.matter is None
    own = matter_in(world.village_a1)  # positive control: a matter of the cadre's own village
    assert actions.link_report(world.cadre, report, own).matter == own
