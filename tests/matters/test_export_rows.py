"""The exports' reader (``matters/export_rows.py``): chunks keep each matter's own parties, the statements do
not grow with the rows, and a formula-like cell's quote prefix stays on that cell (styles are shared)."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from anju.matters.export import build_workbook
from anju.matters.export_rows import matter_rows
from anju.matters.models import Matter


def _make(make_matter, world, n: int, start: int = 0):
    for i in range(start, start + n):
        make_matter(
            title=f"事项{i}",
            parties=[
                {"role": "applicant", "name": f"甲{i}号"},
                {"role": "respondent", "name": f"乙公司{i}", "is_organisation": True},
            ],
        )


def test_chunks_keep_each_matters_parties_in_the_order_added(world, make_matter):
    _make(make_matter, world, 5)
    rows = list(matter_rows(Matter.objects.order_by("id"), chunk=2))
    assert [r["title"] for r in rows] == ["事项0", "事项1", "事项2", "事项3", "事项4"]
    assert rows[3]["parties"] == "申请人/反映人 甲**；被申请人 乙公司3"
    assert (rows[0]["village"], rows[0]["town"], rows[0]["area_code"]) == (
        "东一村",
        "东镇",
        world.village_a1.code,
    )
    assert rows[0]["is_overdue"] is False


def test_statements_do_not_grow_with_the_rows(world, make_matter):
    _make(make_matter, world, 3)
    with CaptureQueriesContext(connection) as few:
        assert len(list(matter_rows(Matter.objects.all(), chunk=100))) == 3
    _make(make_matter, world, 6, start=3)
    with CaptureQueriesContext(connection) as more:
        assert len(list(matter_rows(Matter.objects.all(), chunk=100))) == 9
    assert len(more.captured_queries) == len(few.captured_queries)


def test_a_formula_like_title_is_quoted_on_its_own_cell_only(world, make_matter):
    make_matter(title="=HYPERLINK(1)")
    make_matter(title="普通标题")
    content = build_workbook(Matter.objects.order_by("id"), exporter=world.centre_staff, area=None)
    sheet = load_workbook(io.BytesIO(content)).active
    titles = {row[7].value: row for row in sheet.iter_rows(min_row=4)}
    formula, plain = titles["=HYPERLINK(1)"], titles["普通标题"]
    assert formula[7].data_type == "s" and formula[7].quotePrefix is True
    assert formula[6].quotePrefix is False and plain[7].quotePrefix is False
    assert plain[7].border.left.style == "thin" and formula[7].border.left.style == "thin"
