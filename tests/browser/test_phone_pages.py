"""The pages people use in the field, on a 390 px phone: nothing scrolls sideways, actions come first on the
matter page, a refused form opens at its messages, the ledger is a list of cards, the receipt can be copied and
kept as an image, and files over the limits are refused before anything is sent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_citizen_flow import assert_no_sideways_scroll, log_in
from test_csp_pages import collect_violations

pytestmark = pytest.mark.browser

TITLE = "东一村工地拖欠农民工工资"


@pytest.fixture
def cadre_matter(world):
    from anju.matters import actions

    matter = actions.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title=TITLE,
        description="十余名工人反映工程款未结清，工资拖欠三个月。" * 8,
        people_involved=12,
        amount_involved="86000",
        parties=[],
    )
    actions.assess(world.centre_staff, matter, likelihood=3, consequence=3)
    actions.assign(
        world.centre_staff,
        matter,
        unit=world.committee_a1,
        person=world.cadre,
        lead_leader=world.leader,  # 3 × 3 is 较高: the level rules ask for a 包案领导
        deadline=timezone.localdate() + dt.timedelta(days=7),
        note="请村调委会三日内组织调解。",
    )
    return matter


def test_public_pages_fit_a_phone_and_the_receipt_can_be_copied_and_kept(world, open_page, screenshot):
    citizen = open_page(phone=True)
    citizen.context.grant_permissions(["clipboard-read", "clipboard-write"])
    violations = collect_violations(citizen)
    citizen.goto("/public/submit")
    assert_no_sideways_scroll(citizen)
    citizen.get_by_label("所在村（社区）").select_option(label=world.village_a1.name)
    citizen.get_by_label("反映内容").fill("东一村三组路灯坏了一个月，晚上出行不便。")
    citizen.get_by_role("button", name="提交").click()
    code = citizen.locator("#receipt-code")
    expect(code).to_be_visible()
    assert_no_sideways_scroll(citizen)
    # The code box sits inside its card.
    box, card = code.bounding_box(), citizen.locator(".public.card").bounding_box()
    assert card["x"] <= box["x"] and box["x"] + box["width"] <= card["x"] + card["width"]

    citizen.get_by_role("button", name="复制回执码").click()
    expect(citizen.get_by_role("button", name="已复制")).to_be_visible()
    assert citizen.evaluate("navigator.clipboard.readText()") == code.inner_text().strip()

    image = citizen.locator("img.receipt-image")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 640
    with citizen.expect_download() as download:
        citizen.get_by_role("link", name="保存为图片").click()
    assert download.value.suggested_filename == f"anju-{code.inner_text().strip()}.png"
    screenshot(citizen, "phone-public-receipt")
    citizen.set_viewport_size({"width": 1280, "height": 860})
    screenshot(citizen, "desktop-public-receipt")
    citizen.set_viewport_size({"width": 390, "height": 844})

    citizen.get_by_role("link", name="查询办理进度").click()
    expect(citizen.locator(".track-result")).to_be_visible()
    assert_no_sideways_scroll(citizen)
    screenshot(citizen, "phone-public-track")
    assert violations == []  # the copy button, the image: nothing the Content-Security-Policy blocks


def test_the_receipt_image_is_only_for_the_browser_that_submitted(world, open_page):
    stranger = open_page(phone=True)
    response = stranger.goto("/public/receipt.png")
    assert response is not None and response.status == 404


def test_matter_page_on_a_phone_puts_the_actions_above_the_record(world, open_page, cadre_matter, screenshot):
    cadre = open_page(phone=True)
    violations = collect_violations(cadre)
    log_in(cadre, world.cadre.username)
    cadre.goto(f"/matters/{cadre_matter.pk}/")
    assert_no_sideways_scroll(cadre)
    actions = cadre.locator(".matter-side").bounding_box()
    for record in (".matter-head", ".matter-main"):
        assert actions["y"] + actions["height"] <= cadre.locator(record).bounding_box()["y"], record
    expect(cadre.locator(".matter-side .matter-brief")).to_contain_text(TITLE)
    expect(cadre.locator("#panel-mediation summary")).to_be_in_viewport()
    screenshot(cadre, "phone-matter", full_page=False)

    # A refused form: the page opens at that form, with the message next to the field.
    cadre.locator("#panel-mediation summary").click()
    form = cadre.locator("#panel-mediation form")
    # Everything the browser can check is filled in; the date is one the server refuses.
    form.get_by_label("调解日期").fill((timezone.localdate() + dt.timedelta(days=3)).isoformat())
    form.get_by_label("调解员").fill("东一村人民调解委员会 李主任")
    form.get_by_label("调解经过").fill("召集双方核对用工记录。")
    form.get_by_label("调解结果").select_option(label="调解成功")
    form.get_by_role("button", name="调解记录").click()
    cadre.wait_for_url(f"**/matters/{cadre_matter.pk}/act/mediation/")
    panel = cadre.locator("#panel-mediation")
    expect(panel).to_have_attribute("open", "")
    date_field = panel.locator(".field.has-error")
    expect(date_field.locator(".errorlist")).to_have_text("调解日期不能晚于今天。")
    expect(date_field.locator(".errorlist")).to_be_in_viewport()
    expect(panel.get_by_label("调解员")).to_have_value("东一村人民调解委员会 李主任")
    assert cadre.evaluate("window.scrollY") > 0
    assert_no_sideways_scroll(cadre)
    screenshot(cadre, "phone-matter-refused-form", full_page=False)

    # Corrected and sent: the page opens at its top again, where the confirmation is.
    panel.get_by_label("调解日期").fill(timezone.localdate().isoformat())
    panel.get_by_role("button", name="调解记录").click()
    expect(cadre.locator(".msg.success")).to_be_visible()
    expect(cadre.locator(".msg.success")).to_be_in_viewport()
    assert violations == []


def test_matter_page_on_a_desktop_keeps_the_actions_beside_the_record(
    world, open_page, cadre_matter, screenshot
):
    cadre = open_page()
    log_in(cadre, world.cadre.username)
    cadre.goto(f"/matters/{cadre_matter.pk}/")
    actions = cadre.locator(".matter-side").bounding_box()
    main = cadre.locator(".matter-main").bounding_box()
    assert actions["x"] > main["x"] + main["width"]  # a column on the right
    assert cadre.locator(".matter-head").bounding_box()["y"] < actions["y"]  # below the record's head
    expect(cadre.locator(".matter-brief")).to_be_hidden()
    screenshot(cadre, "desktop-matter")


def test_ledger_is_a_list_of_cards_on_a_phone_and_a_table_on_a_desktop(
    world, open_page, cadre_matter, screenshot
):
    cadre = open_page(phone=True)
    log_in(cadre, world.cadre.username)
    cadre.goto("/matters/")
    assert_no_sideways_scroll(cadre)
    expect(cadre.locator("table.ledger")).to_be_hidden()
    card = cadre.locator(".ledger-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(cadre_matter.number)
    expect(card).to_contain_text("东一村村委会")
    screenshot(cadre, "phone-ledger")
    card.get_by_role("link", name=TITLE).click()
    cadre.wait_for_url(f"**/matters/{cadre_matter.pk}/")

    desk = open_page()
    log_in(desk, world.cadre.username)
    desk.goto("/matters/")
    expect(desk.locator("table.ledger")).to_be_visible()
    expect(desk.locator(".ledger-cards")).to_be_hidden()
    screenshot(desk, "desktop-ledger")


def test_files_over_the_limits_are_refused_before_sending_and_a_refused_form_keeps_its_fields(
    world, open_page, screenshot, settings
):
    from anju.intake.models import Report

    settings.ANJU_ATTACHMENT_MAX_BYTES = 1024 * 1024
    worker = open_page(phone=True)
    violations = collect_violations(worker)
    log_in(worker, world.grid_worker.username)
    worker.goto("/intake/grid/")
    assert_no_sideways_scroll(worker)
    photos = worker.get_by_label("现场照片")
    assert photos.get_attribute("data-max-bytes") == str(1024 * 1024)
    sent = []
    worker.on("request", lambda request: sent.append(request.method) if request.method == "POST" else None)

    big = {"name": "big.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024)}
    small = {"name": "ok.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" + b"0" * 1000}
    text = {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}
    photos.set_input_files([big, small, text])
    errors = worker.locator("ul[data-upload-errors]")
    expect(errors).to_contain_text("“big.jpg”超过大小限制（最大 1 MB）")
    expect(errors).to_contain_text("“notes.txt”不是 JPG、PNG 图片或 PDF 文件")
    # Only the good file stays chosen; nothing was sent yet.
    assert worker.evaluate("Array.from(document.querySelector('input[type=file]').files, f => f.name)") == [
        "ok.jpg"
    ]
    assert sent == []
    errors.scroll_into_view_if_needed()
    screenshot(worker, "phone-grid-upload-refused", full_page=False)

    # A file that passes the browser's check but not the server's (not really a JPEG): the form comes back
    # with everything else as typed.
    worker.get_by_label("发现的情况").fill("村口桥梁护栏松动，存在安全隐患。")
    worker.get_by_label("具体地点").fill("东一村村口桥")
    photos.set_input_files([{"name": "fake.jpg", "mimeType": "image/jpeg", "buffer": b"not a jpeg at all"}])
    worker.get_by_role("button", name="提交").click()
    expect(worker.locator(".field.has-error")).to_contain_text("“fake.jpg”不是 JPG、PNG 图片或 PDF 文件")
    expect(worker.locator(".field.has-error")).to_contain_text("请重新选择")
    expect(worker.get_by_label("发现的情况")).to_have_value("村口桥梁护栏松动，存在安全隐患。")
    expect(worker.get_by_label("具体地点")).to_have_value("东一村村口桥")
    assert Report.objects.count() == 0
    assert_no_sideways_scroll(worker)
    assert violations == []
