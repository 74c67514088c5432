"""The reporting demo on the `world`: the towns' reports, the featured town's text sections, the labour
office's own report and one progress report."""

from __future__ import annotations

from anju.core.models import User
from anju.reports.demo import SPECIAL_ACTIONS, SURVEY_WORK, load_reports_demo
from anju.reports.models import MonthlyReport, ProgressReport


def test_reports_demo(world):
    summary = load_reports_demo()
    assert "各镇月报 2 份，已报送 1 份" in summary and "工作进展报送 1 份" in summary
    town = MonthlyReport.objects.get(area=world.town_a, unit__isnull=True)  # zhen's town
    assert (town.special_actions, town.survey_work) == (SPECIAL_ACTIONS, SURVEY_WORK)
    assert town.submitted_at is not None
    assert MonthlyReport.objects.get(area=world.town_b, unit__isnull=True).special_actions == ""
    unit = MonthlyReport.objects.get(unit__isnull=False)
    assert unit.unit == User.objects.get(username="bumen").unit and unit.submitted_at is None
    progress = ProgressReport.objects.get()
    assert (progress.area, progress.to_area, progress.is_read) == (world.town_a, world.county, False)
