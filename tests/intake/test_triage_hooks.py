"""Intake's use of triage: suggestions stored on new reports, corrections recorded, failures contained."""

from __future__ import annotations

from anju.intake import actions
from anju.intake.models import Attachment, Report
from anju.triage.models import Correction

from .helpers import jpeg, report_kwargs

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
    import anju.triage.service

    def broken(*args, **kwargs):
        raise RuntimeError("model file unreadable")

    monkeypatch.setattr(anju.triage.service, "analyse", broken)
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


def test_staff_form_shows_the_live_suggestion_panel(client, world):
    client.force_login(world.centre_staff)
    html = client.get("/intake/new/").content.decode()
    assert 'hx-post="/intake/suggest/"' in html and 'name="domain"' in html and 'name="matter"' in html


def test_accepting_a_duplicate_suggestion_links_the_new_report_at_intake(client, world):
    first = actions.submit_report(world.cadre, **report_kwargs(world, text=WAGE_TEXT))
    matter = actions.register_report(
        world.centre_staff, first, kind="dispute", domain=world.wages, title="欠薪"
    )
    client.force_login(world.cadre)
    response = client.post(
        "/intake/new/",
        {
            "channel": "call",
            "area": world.village_a1.pk,
            "text": WAGE_TEXT + "（再次来电）",
            "matter": matter.pk,
        },
        follow=True,
    )
    again = Report.objects.latest("id")
    assert again.status == "linked" and again.matter == matter
    assert f"已受理并并入事项 {matter.number}" in response.content.decode()
    assert matter.events.filter(kind="note", public=False).exists()


def test_linking_at_intake_is_all_or_nothing(client, world, tmp_path):
    first = actions.submit_report(
        world.cadre_b, **report_kwargs(world, area=world.village_b1, text=WAGE_TEXT)
    )
    other = actions.register_report(
        world.cadre_b, first, kind="dispute", domain=world.wages, title="西村欠薪"
    )
    client.force_login(world.cadre)
    response = client.post(
        "/intake/new/",
        {"channel": "call", "area": world.village_a1.pk, "text": WAGE_TEXT, "matter": other.pk},
    )
    assert "未找到要并入的事项" in response.content.decode()
    assert Report.objects.count() == 1
    # a grid worker may report but not link: the whole submission is refused, attachment included
    own = actions.submit_report(world.grid_worker, **report_kwargs(world, channel="grid", area=world.grid_a1))
    grid_matter = actions.register_report(
        world.centre_staff, own, kind="hazard", domain=world.land, title="网格"
    )
    client.force_login(world.grid_worker)
    response = client.post(
        "/intake/new/?full=1",
        {
            "channel": "grid",
            "area": world.grid_a1.pk,
            "text": WAGE_TEXT,
            "matter": grid_matter.pk,
            "attachments": [jpeg()],
        },
    )
    assert "无权执行此操作" in response.content.decode()
    assert Report.objects.count() == 2
    assert not Attachment.objects.exists()


def test_submit_report_with_a_closed_matter_saves_nothing(world, settings):
    from pathlib import Path

    from anju.matters import actions as matter_actions

    first = actions.submit_report(world.cadre, **report_kwargs(world, text=WAGE_TEXT))
    matter = actions.register_report(
        world.centre_staff, first, kind="dispute", domain=world.wages, title="欠薪"
    )
    matter_actions.reject(world.centre_staff, matter, reason="不属受理范围")
    try:
        actions.submit_report(world.cadre, **report_kwargs(world), attachments=[jpeg()], duplicate_of=matter)
    except Exception as error:  # the matter's status is checked by link_report
        assert "matter" in error.message_dict
    else:
        raise AssertionError("a report cannot be linked to a rejected matter")
    assert Report.objects.count() == 1
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))
