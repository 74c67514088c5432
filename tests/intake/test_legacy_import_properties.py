"""Property-based: malformed legacy sheets (bad dates, unknown areas and domains, huge cells, formulas, a missing
column) mixed with good rows. Every malformed row is reported on its own line with its column, the good rows
are counted as importable, and a commit imports all rows or none — never a part."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anju.intake import legacy_import
from anju.matters.models import Matter

from .legacy_helpers import HEADER, xlsx

pytestmark = pytest.mark.django_db

# column of each field in HEADER (序号, 事项名称, 登记日期, 村/社区, 类别, 当事人, 联系电话, 状态, 办结时间, 化解结果)
TITLE, DATE, AREA, DOMAIN, OUTCOME = 1, 2, 3, 4, 9


def good_row(i: int, title: str) -> list[str]:
    return [str(i), f"{title}{i}", "2023-03-15", "东一村", "征地拆迁", "", "", "在办", "", ""]


# each malformation: the column it breaks (its header) and how
BAD_DATES = st.sampled_from(["上个月", "2023-13-01", "2023-02-30", "12/31", "二〇二三年", "2099-01-01"])
BAD_AREAS = st.text(alphabet="甲乙丙丁戊", min_size=1, max_size=4).map(lambda s: f"{s}不存在村")
BAD_DOMAINS = st.text(alphabet="子丑寅卯", min_size=1, max_size=4).map(lambda s: f"{s}类")
HUGE = st.integers(min_value=2001, max_value=4000).map(lambda n: "长" * n)
FORMULAS = st.sampled_from(["=TODAY()", "=A1", '=CONCAT("东","一村")', "=1+1"])

MALFORMATIONS = st.one_of(
    st.tuples(st.just(DATE), BAD_DATES),
    st.tuples(st.just(AREA), BAD_AREAS),
    st.tuples(st.just(DOMAIN), BAD_DOMAINS),
    st.tuples(st.sampled_from([TITLE, OUTCOME]), HUGE),
    st.tuples(st.sampled_from([TITLE, DATE, AREA, DOMAIN]), FORMULAS),
)

SHEETS = st.tuples(
    st.lists(st.booleans(), min_size=1, max_size=6),  # True: a good row, False: a malformed one
    st.lists(MALFORMATIONS, min_size=6, max_size=6),
    st.text(alphabet="矛盾纠纷欠薪", min_size=1, max_size=6),
)


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sheet=SHEETS)
def test_malformed_rows_are_reported_and_nothing_is_imported_in_part(world, sheet):
    kinds, malformations, title = sheet
    rows, bad_lines = [], {}
    for i, good in enumerate(kinds):
        row = good_row(i, title)
        if not good:
            column, value = malformations[i]
            row[column] = value
            bad_lines[i + 3] = HEADER[column]  # line 1 is the title, line 2 the header
        rows.append(row)
    before = Matter.objects.count()
    legacy = legacy_import.upload_legacy_sheet(world.centre_staff, file_name="a.xlsx", content=xlsx(rows))
    legacy = legacy_import.dry_run(world.centre_staff, legacy)
    assert Matter.objects.count() == before  # the dry run changes nothing
    reported = {(e["line"], e["column"]) for e in legacy.errors}
    assert {line for line, _column in reported} == set(bad_lines)
    for line, column in bad_lines.items():
        assert (line, column) in reported
    assert legacy.valid_count == kinds.count(True)
    assert legacy.error_count == len(bad_lines)
    if bad_lines:
        with pytest.raises(ValidationError):
            legacy_import.commit_import(world.centre_staff, legacy)
        assert Matter.objects.count() == before
    else:
        legacy_import.commit_import(world.centre_staff, legacy)
        assert Matter.objects.count() == before + len(rows)


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(missing=st.sampled_from([DATE, AREA, DOMAIN, TITLE]), count=st.integers(min_value=1, max_value=4))
def test_a_missing_required_column_blocks_every_row(world, missing, count):
    header = [h for i, h in enumerate(HEADER) if i != missing]
    rows = [[v for i, v in enumerate(good_row(n, "事项")) if i != missing] for n in range(count)]
    before = Matter.objects.count()
    legacy = legacy_import.upload_legacy_sheet(
        world.centre_staff, file_name="a.xlsx", content=xlsx(rows, header=header)
    )
    legacy = legacy_import.dry_run(world.centre_staff, legacy)
    assert legacy.valid_count == 0
    assert [e["line"] for e in legacy.errors] == [2]  # the header's line
    assert legacy.errors[0]["message"].startswith("缺少必需的列：")
    with pytest.raises(ValidationError):
        legacy_import.commit_import(world.centre_staff, legacy)
    assert Matter.objects.count() == before
