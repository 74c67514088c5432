"""The legacy 台账 import pages: upload, mapping, saved mappings, dry-run results with pagination, the commit
with its confirmation; role refusal, scope (404 outside, positive control) and bad input on the page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anju.intake import legacy_import
from anju.intake.models_legacy import LegacyImport, LegacyImportStatus, LegacyMapping
from anju.matters.models import Matter

from .legacy_helpers import GOOD_ROWS, xlsx

pytestmark = pytest.mark.django_db


def sheet(rows=GOOD_ROWS, name="东镇台账.xlsx"):
    return SimpleUploadedFile(name, xlsx(rows))


def test_upload_then_check_then_commit_through_the_pages(client, world):
    client.force_login(world.town_staff)
    listing = client.get(reverse("intake:legacy_list"))
    assert listing.status_code == 200 and "还没有导入过台账" in listing.content.decode()
    response = client.post(reverse("intake:legacy_list"), {"file": sheet()})
    legacy = LegacyImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "intake:legacy_detail", args=[legacy.pk]
    )
    page = client.get(reverse("intake:legacy_detail", args=[legacy.pk])).content.decode()
    assert "试导入（不改动台账）" in page and "正式导入" not in page
    assert (
        client.post(reverse("intake:legacy_check", args=[legacy.pk]), {"version": legacy.version}).status_code
        == 302
    )
    page = client.get(reverse("intake:legacy_detail", args=[legacy.pk])).content.decode()
    assert "2 行可导入，0 行有误" in page
    refused = client.post(reverse("intake:legacy_commit", args=[legacy.pk]), {})
    assert refused.status_code == 400 and "请勾选确认后再导入" in refused.content.decode()
    assert not Matter.objects.exists()
    legacy.refresh_from_db()
    done = client.post(
        reverse("intake:legacy_commit", args=[legacy.pk]), {"confirm": "yes", "version": legacy.version}
    )
    assert done.status_code == 302
    assert Matter.objects.count() == 2
    page = client.get(reverse("intake:legacy_detail", args=[legacy.pk])).content.decode()
    assert "导入 2 件历史事项" in page


def test_a_bad_file_is_refused_next_to_the_field(client, world):
    client.force_login(world.centre_staff)
    response = client.post(reverse("intake:legacy_list"), {"file": SimpleUploadedFile("a.doc", b"abc")})
    assert response.status_code == 400
    assert "只支持 .xlsx 和 .csv 文件" in response.content.decode()
    assert not LegacyImport.objects.exists()


def test_row_errors_are_paginated(client, world):
    rows = [[str(i), f"事项{i}", "不是日期", "东一村", "征地拆迁", "", "", "在办", "", ""] for i in range(60)]
    legacy = legacy_import.upload_legacy_sheet(world.centre_staff, file_name="a.xlsx", content=xlsx(rows))
    legacy_import.dry_run(world.centre_staff, legacy)
    client.force_login(world.centre_staff)
    first = client.get(reverse("intake:legacy_detail", args=[legacy.pk])).content.decode()
    assert "第 1 / 2 页，共 60 条" in first
    assert "<td>3</td>" in first and "<td>53</td>" not in first
    second = client.get(reverse("intake:legacy_detail", args=[legacy.pk]), {"page": 2}).content.decode()
    assert "<td>53</td>" in second
    assert "正式导入" not in first  # nothing to commit while rows are wrong


def test_mapping_forms(client, world):
    legacy = legacy_import.upload_legacy_sheet(
        world.centre_staff, file_name="a.xlsx", content=xlsx(GOOD_ROWS)
    )
    client.force_login(world.centre_staff)
    url = reverse("intake:legacy_mapping", args=[legacy.pk])
    same_column = {name: str(column) for name, column in legacy.mapping.items()} | {"description": "1"}
    refused = client.post(url, same_column | {"version": legacy.version})
    assert refused.status_code == 400 and "一列只能对应一项" in refused.content.decode()
    fine = {name: str(column) for name, column in legacy.mapping.items()} | {"outcome": ""}
    assert client.post(url, fine | {"version": legacy.version}).status_code == 302
    legacy.refresh_from_db()
    assert "outcome" not in legacy.mapping
    stale = client.post(url, fine | {"version": legacy.version - 1})
    assert stale.status_code == 302  # back to the page with the message
    response = client.post(reverse("intake:legacy_save_mapping", args=[legacy.pk]), {"name": "东镇旧台账"})
    assert response.status_code == 302
    saved = LegacyMapping.objects.get()
    legacy.refresh_from_db()
    applied = client.post(
        reverse("intake:legacy_apply_mapping", args=[legacy.pk]),
        {"saved": saved.pk, "version": legacy.version},
    )
    assert applied.status_code == 302


def test_role_and_scope(client, world):
    from guards import outsider

    legacy = legacy_import.upload_legacy_sheet(
        world.town_staff, file_name="a.xlsx", content=xlsx(GOOD_ROWS)
    )  # 东镇's import
    client.force_login(world.grid_worker)
    assert client.get(reverse("intake:legacy_list")).status_code == 403
    assert client.get(reverse("intake:legacy_detail", args=[legacy.pk])).status_code == 403
    assert client.post(reverse("intake:legacy_check", args=[legacy.pk])).status_code == 403
    west = outsider(world, "centre_staff")
    client.force_login(west)
    assert client.get(reverse("intake:legacy_detail", args=[legacy.pk])).status_code == 404
    assert client.post(reverse("intake:legacy_check", args=[legacy.pk])).status_code == 404
    assert "a.xlsx" not in client.get(reverse("intake:legacy_list")).content.decode()
    legacy.refresh_from_db()
    assert legacy.status == LegacyImportStatus.UPLOADED
    client.force_login(world.centre_staff)  # positive control: the county sees 东镇's import
    assert client.get(reverse("intake:legacy_detail", args=[legacy.pk])).status_code == 200
    assert "a.xlsx" in client.get(reverse("intake:legacy_list")).content.decode()
