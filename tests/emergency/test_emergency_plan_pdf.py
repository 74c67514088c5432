"""A plan exported as PDF: an office document (A4, CJK faces, “— N —” page numbers) in the plan's outline."""

from anju.emergency import actions
from documents_check import assert_pdf_is_an_office_document, download_names, pdf_lines


def test_a_plan_as_pdf_in_the_customary_outline(client, world, published_plan):
    actions.add_duty_post(world.town_staff, published_plan, position="带班领导", phone="13800138000")
    client.force_login(world.town_staff)
    response = client.get(f"/emergency/plans/{published_plan.pk}/plan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    pages = assert_pdf_is_an_office_document(data)
    text = "".join("".join(pages).split())
    for heading in ("一、总则", "二、组织指挥体系", "三、响应分级与措施", "四、值班安排", "五、预案管理"):
        assert heading in text, heading
    assert "东镇食品安全事故专项应急预案" in text
    assert "医疗救治组" in text and "一次食物中毒30人以上" in text
    assert "138****8000" in text and "13800138000" not in text  # the phone stays masked
    assert any("第 1 版" in line or "第1版" in line for line in pdf_lines(data))
    assert download_names(response)[0].endswith(".pdf")
    client.force_login(world.cadre_b)
    assert client.get(f"/emergency/plans/{published_plan.pk}/plan.pdf").status_code == 404
