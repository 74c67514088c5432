"""Intake's use of triage: suggestions stored on new reports, corrections recorded, failures contained."""

from __future__ import annotations

from anju.intake import actions
from anju.intake.models import Report
from anju.triage.models import Correction

from .helpers import report_kwargs

WAGE_TEXT = "工地包工头拖欠我们十二名工人工资八万元，讨薪多次未果"


def test_a_new_report_carries_triage_suggestions(world):
    report = actions.submit_report(world.cadre, **report_kwargs(world, text=WAGE_TEXT))
    report.refresh_from_db()
    assert report.triage["domains"][0][0] == world.wages.code
    assert report.suggested_domain == world.wages


def test_the_domain_staff_chose_outranks_the_suggestion(world):
    report = actions.submit_report(
        world.cadre, **report_kwargs(world, text=WAGE_TEXT), suggested_domain=world.land
    )
    report.refresh_from_db()
    assert report.suggested_domain == world.land and report.triage["domains"]


def test_registering_under_another_domain_records_a_correction(world):
    report = actions.submit_report(world.cadre, **report_kwargs(world, text=WAGE_TEXT))
    actions.register_report(world.centre_staff, report, kind="dispute", domain=world.land, title="欠薪")
    correction = Correction.objects.get()
    assert (correction.suggested, correction.chosen, correction.report) == (
        world.wages.code,
        world.land.code,
        report,
    )
    other = actions.submit_report(world.cadre, **report_kwargs(world, text=WAGE_TEXT))
    actions.register_report(world.centre_staff, other, kind="dispute", domain=world.wages, title="欠薪")
    assert Correction.objects.count() == 1  # agreeing with the suggestion is not a correction


def test_a_failing_suggestion_never_loses_the_citizens_report(world, monkeypatch):
    import anju.triage.actions

    def broken(*args, **kwargs):
        raise RuntimeError("model file unreadable")

    monkeypatch.setattr(anju.triage.actions, "annotate_report", broken)
    report = actions.submit_report(None, **report_kwargs(world, channel="online", text=WAGE_TEXT))
    stored = Report.objects.get(pk=report.pk)
    assert stored.triage == {} and stored.suggested_domain is None


def test_register_form_is_prefilled_from_the_figures_in_the_text(client, world):
    report = actions.submit_report(world.cadre, **report_kwargs(world, text=WAGE_TEXT))
    client.force_login(world.centre_staff)
    html = client.get(f"/intake/{report.pk}/").content.decode()
    assert f'<option value="{world.wages.pk}" selected>' in html
    # the head count and amount read from the text are proposed, not imposed
    assert 'name="people_involved" value="12"' in html
    assert 'name="amount_involved" value="80000' in html
