"""Uploaded risk matrix versions: a new upload grades new matters, old matters keep their version and level,
bad documents are refused in Chinese with nothing stored, and only the county's centre and administrators
upload. Expected keys and labels are written by hand from the documents below."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from anju.core.models import AuditEvent
from anju.matters import actions, risk
from anju.matters.models import RiskMatrixVersion
from anju.matters.risk import current_matrix, matrix_for
from guards import check_guard


def _steps(labels):
    return [{"value": i, "label": label} for i, label in enumerate(labels, start=1)]


def _document(version=1, **overrides) -> dict:
    document = {
        "id": "county-3x3",
        "version": version,
        "title": "县 3×3 风险矩阵",
        "likelihood": _steps(["少见", "可能", "常见"]),
        "consequence": _steps(["轻", "中等", "重"]),
        "levels": [
            {
                "code": "low",
                "label": "一般",
                "colour": "blue",
                "hex": "#1e6fd9",
                "rank": 1,
                "action": "村化解",
            },
            {
                "code": "high",
                "label": "严重",
                "colour": "orange",
                "hex": "#ef7d00",
                "rank": 3,
                "action": "镇包案",
            },
            {
                "code": "critical",
                "label": "紧急",
                "colour": "red",
                "hex": "#d7191c",
                "rank": 4,
                "action": "县督办",
            },
        ],
        "grid": [["low", "low", "high"], ["low", "high", "critical"], ["high", "critical", "critical"]],
    }
    document.update(overrides)
    return document


@pytest.fixture(autouse=True)
def _forget_parsed_versions():
    # Each test's database is rolled back; the parse cache by key must not outlive it.
    risk._STORED.clear()
    yield
    risk._STORED.clear()


def test_upload_grades_new_matters_and_old_ones_keep_their_version(world, make_matter):
    old = make_matter(likelihood=3, consequence=3)
    assert (old.matrix_version, old.inherent_level) == ("default-5x5@1", "high")

    version = actions.upload_risk_matrix(world.centre_staff, world.county, json.dumps(_document()))
    assert version.key == "county-3x3@1"
    assert current_matrix().key == "county-3x3@1"
    assert AuditEvent.objects.filter(action="risk_matrix.uploaded").count() == 1

    new = make_matter(likelihood=2, consequence=3)
    assert (new.matrix_version, new.inherent_level) == ("county-3x3@1", "critical")
    assert matrix_for(new.matrix_version).levels["critical"].label_zh == "紧急"

    old.refresh_from_db()
    assert old.matrix_version == "default-5x5@1"
    assert matrix_for(old.matrix_version).levels[old.inherent_level].label_zh == "较高"

    actions.upload_risk_matrix(world.centre_staff, world.county, json.dumps(_document(version=2)))
    assert current_matrix().key == "county-3x3@2"
    assert matrix_for("county-3x3@1").title_zh == "县 3×3 风险矩阵"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{不是 JSON", "不是有效的 JSON"),
        (json.dumps(_document(grid=[["low", "low"], ["low", "high"]])), "格式不符"),
        (json.dumps(_document(grid=[["low", "low", "boom"]] * 3)), "格式不符"),
        (json.dumps(_document(levels=[])), "格式不符"),
        (json.dumps({k: v for k, v in _document().items() if k != "levels"}), "缺少字段"),
        (json.dumps(_document(title="")), "须有名称"),
        (json.dumps(_document(id="default-5x5")), "default-5x5@1 已存在"),
        ("", "请上传或粘贴"),
    ],
)
def test_bad_documents_are_refused_in_chinese_and_nothing_is_stored(world, text, message):
    with pytest.raises(ValidationError) as refused:
        actions.upload_risk_matrix(world.centre_staff, world.county, text)
    assert message in " ".join(refused.value.message_dict["document"])
    assert RiskMatrixVersion.objects.count() == 0
    assert current_matrix().key == "default-5x5@1"


def test_an_uploaded_key_cannot_be_uploaded_again(world):
    actions.upload_risk_matrix(world.centre_staff, world.county, json.dumps(_document()))
    changed = _document(title="改过的标题")
    with pytest.raises(ValidationError, match="county-3x3@1 已存在"):
        actions.upload_risk_matrix(world.centre_staff, world.county, json.dumps(changed))
    assert list(RiskMatrixVersion.objects.values_list("document__title", flat=True)) == ["县 3×3 风险矩阵"]


def test_only_the_county_centre_and_administrators_upload(world):
    version = check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda actor: actions.upload_risk_matrix(actor, world.county, json.dumps(_document())),
        insider=world.centre_staff,
        outside=world.town_staff,
    )
    assert version.uploaded_by == world.centre_staff


def test_the_page_shows_versions_and_takes_an_upload(client, world):
    client.force_login(world.town_staff)
    page = client.get("/matters/risk-matrix/")
    assert page.status_code == 200 and "default-5x5@1" in page.content.decode()
    assert 'name="document"' not in page.content.decode()
    assert client.post("/matters/risk-matrix/", {"document": json.dumps(_document())}).status_code == 403

    client.force_login(world.centre_staff)
    bad = client.post("/matters/risk-matrix/", {"document": "{"})
    assert bad.status_code == 400 and "不是有效的 JSON" in bad.content.decode()
    ok = client.post("/matters/risk-matrix/", {"document": json.dumps(_document())})
    assert ok.status_code == 302
    shown = client.get("/matters/risk-matrix/").content.decode()
    assert "county-3x3@1" in shown and "紧急" in shown
    assert "/matters/risk-matrix/" in client.get("/matters/level-rules/").content.decode()
