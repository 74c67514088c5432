"""The ledger export: the 台账 layout, the same filters as the page, masked personal data, an audit entry."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anju.core.models import AuditEvent
from anju.matters.export import HEADERS, LEVEL_COLUMNS

pytestmark = pytest.mark.django_db


def headers() -> list[str]:
    return [str(h) for h in HEADERS]


def download(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("matters:export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def test_export_has_title_export_line_header_and_one_row_per_matter(client, world, make_matter, advance):
    matter = advance(make_matter(), "resolving")
    make_matter(area=world.village_b1, title="西镇的事项")
    sheet = download(client, world.centre_staff, area=world.town_a.pk)
    assert sheet["A1"].value == "东镇 矛盾纠纷风险隐患排查化解台账"
    assert "导出时间" in sheet["A2"].value and "zongzhi" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == headers()
    assert [headers()[i] for i in LEVEL_COLUMNS] == ["风险等级", "措施后等级"]
    assert sheet.freeze_panes == "C4"
    assert sheet.max_row == 4  # the west-town matter is filtered out
    row = dict(zip(headers(), [c.value for c in sheet[4]], strict=True))
    assert row["序号"] == 1 and row["编号"] == matter.number
    assert row["发生地（村/社区）"] == "东一村" and row["所属乡镇"] == "东镇"
    assert row["类型"] == "矛盾纠纷" and row["风险领域"] == world.wages.name
    assert row["涉及人数"] == 12 and row["涉及金额（元）"] == 86000
    assert row["风险等级"] == "较高" and row["措施后等级"] in (None, "")
    assert row["责任单位"] == "东镇派出所" and row["责任人"] == "bumen"
    assert row["状态"] == "化解中" and row["是否超期"] == "否"
    level_cell = sheet.cell(row=4, column=headers().index("风险等级") + 1)
    assert level_cell.fill.start_color.rgb.endswith("EF7D00")


def test_export_masks_personal_data(client, world, make_matter):
    make_matter()
    sheet = download(client, world.centre_staff)
    values = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "申请人/反映人 张**" in values
    assert "张三丰" not in values and "13812345678" not in values and "330101199001011234" not in values


def test_export_uses_the_ledger_filters_and_scope(client, world, make_matter):
    make_matter(title="东一村的事")
    make_matter(area=world.village_b1, title="西一村的事")
    sheet = download(client, world.cadre, q="的事")
    titles = [
        sheet.cell(row=r, column=headers().index("标题") + 1).value for r in range(4, sheet.max_row + 1)
    ]
    assert titles == ["东一村的事"]


def test_export_is_audited_with_filters_and_count(client, world, make_matter):
    make_matter()
    make_matter(kind="hazard")
    download(client, world.centre_staff, kind="hazard")
    event = AuditEvent.objects.get(action="ledger.export")
    assert event.actor == world.centre_staff
    assert event.after == {"filters": {"kind": "hazard"}, "count": 1}


def test_export_needs_the_permission(client, world, make_matter):
    make_matter()
    client.force_login(world.grid_worker)
    assert client.get(reverse("matters:export")).status_code == 403
    assert not AuditEvent.objects.filter(action="ledger.export").exists()


def test_export_prints_on_a4_landscape_and_is_named_by_its_title(client, world, make_matter, monkeypatch):
    from django.utils import timezone

    from documents_check import assert_sheet_prints, download_names

    make_matter()
    # 01:50 UTC is 09:50 in Asia/Shanghai (UTC+8), on the same day
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 2, 1, 50, tzinfo=dt.UTC))
    client.force_login(world.centre_staff)
    response = client.get(reverse("matters:export"), {"area": world.town_a.pk})
    assert download_names(response) == (
        "东镇 矛盾纠纷风险隐患排查化解台账（2026年12月2日09时50分导出）.xlsx",
        "ledger-20261202-0950.xlsx",
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert_sheet_prints(sheet, "$1:$3")  # title, export line and header on every page
    assert sheet.column_dimensions["I"].width == 48  # 情况描述
    assert "2026-12-02 09:50" in sheet["A2"].value
