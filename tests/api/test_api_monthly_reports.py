"""Monthly reports in the API: scoped like the pages, the page's files, generating and submitting through the
actions, no personal data, the role and version guards, 422 in Chinese."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anju.reports import actions
from anju.reports.models import MonthlyReport
from documents_check import download_names

pytestmark = pytest.mark.django_db

STALE_REPORT = "该报表已被他人修改，请刷新后重试。"


@pytest.fixture
def month():
    return timezone.localdate().replace(day=1)


@pytest.fixture
def monthly(matters, month):
    """This month's reports of 东一村 (its matter registered today) and 西一村."""
    w = matters
    w.report_a = actions.generate_report(w.centre_staff, area=w.village_a1, month=month)
    w.report_b = actions.generate_report(w.centre_staff, area=w.village_b1, month=month)
    return w


def test_a_village_sees_its_report_a_centre_every_report(api, monthly, month):
    cadre = api(monthly.cadre).get("/monthly-reports").json()
    assert [r["area"]["name"] for r in cadre["items"]] == ["东一村"]
    assert cadre["items"][0]["month"] == f"{month:%Y-%m}"
    centre = api(monthly.centre_staff).get("/monthly-reports", month=f"{month:%Y-%m}").json()
    assert [r["area"]["name"] for r in centre["items"]] == ["东一村", "西一村"]
    assert api(monthly.cadre).get(f"/monthly-reports/{monthly.report_a.pk}").status_code == 200
    assert api(monthly.cadre).get(f"/monthly-reports/{monthly.report_b.pk}").status_code == 404
    assert api(monthly.cadre).get(f"/monthly-reports/{monthly.report_b.pk}/download/xlsx").status_code == 404
    assert api(monthly.cadre).post(f"/monthly-reports/{monthly.report_b.pk}/submit", {}).status_code == 404


def test_the_figures_hold_counts_and_no_personal_data(api, monthly):
    response = api(monthly.cadre).get(f"/monthly-reports/{monthly.report_a.pk}")
    body = response.json()
    assert body["figures"]["totals"]["new"] == 1  # 东一村's one matter, registered this month
    assert body["title"].startswith("东一村") and response["ETag"] == f'"{body["version"]}"'
    text = response.content.decode()
    # the matter's party (张三丰, 13812345678, 110101199003074514) and its title stay in the ledger
    for secret in ("张三丰", "13812345678", "110101199003074514", "东一村工地欠薪"):
        assert secret not in text


@pytest.mark.parametrize(
    "fmt, content_type, magic",
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
    ],
)
def test_downloads_are_the_pages_files(api, monthly, month, fmt, content_type, magic):
    response = api(monthly.cadre).get(f"/monthly-reports/{monthly.report_a.pk}/download/{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type and response.content.startswith(magic)
    chinese, ascii_name = download_names(response)
    # the page's names: the report's Chinese title, and an ASCII fallback
    assert ascii_name == f"monthly-{monthly.village_a1.code}-{month:%Y-%m}.{fmt}"
    assert chinese.endswith(f"{month.year}年{month.month}月社会领域风险防范化解工作月报.{fmt}")


def test_an_unknown_format_is_422(api, monthly):
    response = api(monthly.cadre).get(f"/monthly-reports/{monthly.report_a.pk}/download/doc")
    assert response.status_code == 422
    assert response.json()["errors"]["fmt"][0].startswith("请选择有效的选项")


def test_submit_with_the_version_read(api, monthly):
    cadre = api(monthly.cadre)
    path = f"/monthly-reports/{monthly.report_a.pk}"
    seen = cadre.get(path).json()["version"]
    actions.generate_report(monthly.centre_staff, area=monthly.village_a1, month=monthly.report_a.month)
    stale = cadre.post(path + "/submit", {"version": seen})
    assert stale.status_code == 409 and stale.json()["detail"] == STALE_REPORT
    assert MonthlyReport.objects.get(pk=monthly.report_a.pk).submitted_at is None

    fresh = cadre.get(path).json()["version"]
    response = cadre.post(path + "/submit", {"version": fresh})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["submitted"] is True and body["submitted_by"]["id"] == monthly.cadre.pk
    again = cadre.post(path + "/submit", {})
    assert again.status_code == 409 and again.json()["detail"] == "该月报表已报送。"


def test_a_department_officer_reaches_only_their_units_report(api, monthly):
    officer = api(monthly.officer)  # 东镇's police: the areas' reports in scope are not theirs
    assert officer.get("/monthly-reports").json()["items"] == []
    assert officer.post(f"/monthly-reports/{monthly.report_a.pk}/submit", {}).status_code == 404
    payload = {"area": monthly.village_a1.code, "month": f"{monthly.report_a.month:%Y-%m}"}
    assert officer.post("/monthly-reports", payload).status_code == 403
    assert MonthlyReport.objects.get(pk=monthly.report_a.pk).submitted_at is None
    # positive control: the unit's own report (生成 on the page) is listed and can be submitted
    own = actions.generate_report(monthly.officer, unit=monthly.officer.unit, month=monthly.report_a.month)
    items = officer.get("/monthly-reports").json()["items"]
    assert [(i["id"], i["unit"]["name"]) for i in items] == [(own.pk, "东镇派出所")]
    assert officer.post(f"/monthly-reports/{own.pk}/submit", {}).status_code == 200


def test_generate(api, world, month):
    response = api(world.cadre).post(
        "/monthly-reports", {"area": world.village_a1.code, "month": f"{month:%Y-%m}"}
    )
    assert response.status_code == 201, response.content
    report = MonthlyReport.objects.get(pk=response.json()["id"])
    assert (report.area, report.month, report.generated_by) == (world.village_a1, month, world.cadre)


@pytest.mark.parametrize(
    "payload, field, message",
    [
        ({"area": "330101001000", "month": "2025-13"}, "month", "请输入有效的月份（YYYY-MM）。"),
        ({"area": "330101001000", "month": 202501}, "month", "请输入有效的月份（YYYY-MM）。"),
        ({"area": "330102001000", "month": "2025-01"}, "area", "区域不存在或不在您的管辖范围内。"),
        ({"area": "330101001000", "month": "2999-01"}, "month", "不能生成未来月份的报表。"),
        ({"area": "330101001000", "month": "2025-01", "submit": True}, "submit", "不接受此字段。"),
    ],
)
def test_bad_input_is_422_in_chinese(api, world, payload, field, message):
    response = api(world.cadre).post("/monthly-reports", payload)
    assert response.status_code == 422
    assert response.json()["errors"][field] == [message]
    assert not MonthlyReport.objects.exists()
