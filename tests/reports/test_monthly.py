import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.core.errors import NotAllowed
from anju.matters import actions as m
from anju.matters.actions import WorkflowError
from anju.reports import actions, figures
from anju.reports.figures import previous_month


def at(day: dt.date, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def month():
    return previous_month(previous_month(timezone.localdate()))  # two months ago: complete and past due


@pytest.fixture
def ledger(world, month):
    """Matters whose life happened in ``month`` (and one the month before): each action at its own time."""
    staff = world.centre_staff
    first, last = figures.month_bounds(month)

    def day(n: int) -> dt.datetime:
        return at(first + dt.timedelta(days=n))

    def new(domain, area, title, when):
        return m.create_matter(
            staff,
            kind="demand",
            domain=domain,
            area=area,
            title=title,
            description=title,
            likelihood=2,
            consequence=2,
            now=when,
        )

    w1 = new(world.wages, world.village_a1, "欠薪一", day(2))
    m.assign(
        staff,
        w1,
        unit=world.committee_a1,
        lead_leader=world.leader,
        deadline=first + dt.timedelta(days=5),
        now=day(2),
    )
    m.resolve(staff, w1, outcome="已支付", now=day(9))
    w2 = new(world.wages, world.grid_a1, "欠薪二", day(5))
    # overdue at month end: the deadline was the day before the last
    m.assign(
        staff,
        w2,
        unit=world.committee_a1,
        lead_leader=world.leader,
        deadline=last - dt.timedelta(days=1),
        now=day(5),
    )
    land = new(world.land, world.village_b1, "征地", day(6))
    m.escalate(staff, land, reason="涉及人数多", now=day(6))
    new(world.wages, world.village_a1, "上月欠薪", at(previous_month(month) + dt.timedelta(days=3)))
    return {"w1": w1, "w2": w2, "land": land}


def test_figures_match_the_ledger(world, ledger, month):
    report = actions.generate_report(world.centre_staff, area=world.county, month=month)
    f = report.figures
    assert f["totals"] == {"new": 3, "resolved": 1, "escalated": 1, "overdue": 1, "new_resolved_by_end": 1}
    assert f["resolution_rate"] == pytest.approx(33.3) and f["grassroots_rate"] == 100.0
    domains = {r["name"]: r for r in f["by_domain"]}
    assert domains["社会保障和民工欠薪"]["new"] == 2 and domains["征地拆迁"]["escalated"] == 1
    villages = {r["name"]: r for r in f["by_area"]}
    assert (
        villages["东一村"]["new"] == 2
        and villages["东一村"]["overdue"] == 1
        and villages["西一村"]["new"] == 1
    )
    assert villages["东二村"]["new"] == 0
    assert f["previous_new"] == 1
    assert f["commentary"][0].startswith("本月新增事项 3 件，环比上升 200.0%")
    town = actions.generate_report(world.town_staff, area=world.town_a, month=month)
    assert town.figures["totals"]["new"] == 2


def test_bad_input_is_refused(world, ledger, month):
    future = (timezone.localdate().replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    with pytest.raises(ValidationError):
        actions.generate_report(world.centre_staff, area=world.county, month=future)
    with pytest.raises(NotAllowed):
        actions.generate_report(world.cadre, area=world.village_b1, month=month)  # outside scope
    with pytest.raises(NotAllowed):
        actions.generate_report(world.grid_worker, area=world.grid_a1, month=month)
    report = actions.generate_report(world.cadre, area=world.village_a1, month=month)
    actions.submit_report(world.cadre, report)
    assert report.submitted_late  # two months ago: past the 18th of last month
    with pytest.raises(WorkflowError):
        actions.generate_report(world.cadre, area=world.village_a1, month=month)
    with pytest.raises(WorkflowError):
        actions.submit_report(world.cadre, report)


def test_due_date_is_the_18th_of_the_following_month():
    assert actions.due_date(dt.date(2026, 12, 1)) == dt.date(2027, 1, 18)


def test_downloads_have_the_figures(client, world, ledger, month):
    from docx import Document
    from openpyxl import load_workbook

    report = actions.generate_report(world.centre_staff, area=world.county, month=month)
    client.force_login(world.centre_staff)
    docx = Document(io.BytesIO(client.get(f"/reports/{report.pk}/download.docx").content))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "一、总体情况" in text and "本月新增事项 3 件" in text and "五、趋势分析" in text
    assert docx.tables[0].rows[1].cells[0].text in {"社会保障和民工欠薪", "征地拆迁"}
    book = load_workbook(io.BytesIO(client.get(f"/reports/{report.pk}/download.xlsx").content))
    assert book["总体情况"]["B2"].value == 3
    pdf = client.get(f"/reports/{report.pk}/download.pdf").content
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


def test_submission_board_lists_missing_units(client, world, ledger, month):
    report = actions.generate_report(world.cadre, area=world.village_a1, month=month)
    actions.submit_report(world.cadre, report)
    client.force_login(world.town_staff)
    html = client.get(f"/reports/?month={month:%Y-%m}").content.decode()
    assert "东一村" in html and "逾期报送" in html and "东二村" in html and "逾期未报" in html
    client.force_login(world.cadre_b)
    assert client.get(f"/reports/{report.pk}/").status_code == 404


def test_screening_completeness_is_reported(world):
    from anju.screening.actions import file_return, open_due_rounds
    from anju.screening.models import Round

    open_due_rounds(timezone.localdate())
    village_round = Round.objects.filter(level=3).order_by("-period_start").first()
    file_return(world.cadre, village_round, zero_report=True)
    month = village_round.due_date.replace(day=1)
    first, last = figures.month_bounds(month)
    filers = {3: 3, 2: 2, 1: 1}  # the world has 3 villages, 2 towns, 1 county
    due = Round.objects.filter(due_date__range=(first, last))
    expected = sum(filers[r.level] for r in due)
    summary = figures.screening_completeness(world.county, month)
    assert summary == {"expected": expected, "filed": 1, "late": 0, "rate": round(100 / expected, 1)}
    assert figures.screening_completeness(world.town_b, month)["filed"] == 0
