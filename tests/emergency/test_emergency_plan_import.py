"""An existing plan's text imported from .docx into a draft: headings kept as "#" lines, tables as rows,
checked for type and size with Chinese messages, nothing stored when refused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from anju.core.errors import NotAllowed, WorkflowError
from anju.emergency import actions
from anju.emergency.models import PlanVersion


def _docx() -> bytes:
    document = Document()
    document.add_heading("东镇防汛应急预案", level=1)
    document.add_heading("1 总则", level=2)
    document.add_paragraph("为做好防汛工作，制定本预案。")
    document.add_paragraph("")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "职位", "由谁担任"
    table.cell(1, 0).text, table.cell(1, 1).text = "指挥长", "镇长"
    document.add_heading("2 响应分级", level=2)
    document.add_paragraph("四级：降雨量超过 50 毫米。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_docx_becomes_the_draft_body_with_its_structure(world, published_plan):
    draft = actions.start_revision(world.town_staff, published_plan)
    actions.import_plan_text(world.town_staff, draft, name="东镇防汛预案.docx", data=_docx())
    draft.refresh_from_db()
    assert draft.body == (
        "# 东镇防汛应急预案\n\n## 1 总则\n为做好防汛工作，制定本预案。\n职位 | 由谁担任\n指挥长 | 镇长\n\n"
        "## 2 响应分级\n四级：降雨量超过 50 毫米。"
    )
    assert draft.body_source == "东镇防汛预案.docx"


def test_bad_files_are_refused_and_nothing_is_stored(world, published_plan):
    draft = actions.start_revision(world.town_staff, published_plan)
    for name, data, message in (
        ("预案.doc", b"\xd0\xcf\x11\xe0", "另存为 .docx"),
        ("预案.docx", b"not a zip", "不是有效的 Word 文档"),
        ("预案.docx", b"PK\x03\x04" + b"0" * (10 * 1024 * 1024), "不能超过 10 MB"),
    ):
        with pytest.raises(ValidationError, match=message):
            actions.import_plan_text(world.town_staff, draft, name=name, data=data)
    assert PlanVersion.objects.get(pk=draft.pk).body == ""
    published = published_plan.versions.get(status="published")
    with pytest.raises(WorkflowError):  # only a draft takes a text
        actions.import_plan_text(world.town_staff, published, name="a.docx", data=_docx())
    with pytest.raises(NotAllowed):
        actions.import_plan_text(world.officer, draft, name="a.docx", data=_docx())


def test_the_plan_page_imports_and_shows_the_text(client, world, published_plan):
    draft = actions.start_revision(world.town_staff, published_plan)
    client.force_login(world.town_staff)
    url = f"/emergency/plans/{published_plan.pk}/"
    bad = client.post(url, {"form": "import", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")})
    assert bad.status_code == 422 and "请上传 Word 文档" in bad.content.decode()
    good = client.post(
        url, {"form": "import", "version": draft.version, "file": SimpleUploadedFile("预案.docx", _docx())}
    )
    assert good.status_code == 302
    assert "为做好防汛工作，制定本预案。" in client.get(url).content.decode()
    draft.refresh_from_db()
    actions.approve_version(world.leader, draft)
    actions.publish_version(world.leader, draft)  # the export is of the version in force
    exported = Document(io.BytesIO(client.get(f"{url}plan.docx").content))
    texts = [p.text for p in exported.paragraphs]
    assert "附：预案原文" in texts and "1 总则" in texts and "为做好防汛工作，制定本预案。" in texts


def test_import_guard(world, published_plan):
    from guards import check_guard, outsider

    draft = actions.start_revision(world.town_staff, published_plan)
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda u: actions.import_plan_text(u, draft, name="a.docx", data=_docx()),
        insider=world.town_staff,
        outside=outsider(world, "centre_staff"),
    )
