"""网格上报 without a connection, in a real browser: the grid worker's phone keeps the report while offline,
shows it in the queue, and sends it once when the connection returns (Chromium; localhost is a secure
context, so the service worker and crypto.randomUUID work as on the HTTPS site)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "test-pass-123"  # the `world` fixture's password for every user
TEXT = "三组桥头护栏断裂，夜间无照明"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_a_report_made_offline_is_queued_and_sent_once_when_back_online(
    world, open_page, tmp_path, screenshot
):
    from anju.intake.models import Report

    page = open_page(phone=True)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, world.grid_worker.username)
    page.goto("/intake/grid/")
    # The service worker has the form page and its files before the connection goes.
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(() => caches.keys()).then(keys => keys.length > 0)"
    )
    queue = page.locator("#grid-queue")
    expect(queue).to_be_hidden()

    page.context.set_offline(True)
    expect(page.get_by_text("当前无网络")).to_be_visible()
    page.reload()  # the form opens without a connection (the service worker's copy)
    expect(page.get_by_role("heading", name="网格巡查上报")).to_be_visible()

    page.get_by_label("发现的情况").fill(TEXT)
    photo = tmp_path / "IMG_0002.jpg"
    photo.write_bytes(JPEG_BYTES)
    page.get_by_label("现场照片").set_input_files(str(photo))
    page.get_by_role("button", name="提交").click()
    expect(queue.get_by_role("heading")).to_have_text("待发送 1 条")
    expect(queue.locator("li")).to_contain_text("照片 1 张")
    expect(page.get_by_label("发现的情况")).to_have_value("")  # the form is ready for the next report
    screenshot(page, "grid-offline-queue")
    assert Report.objects.count() == 0

    page.context.set_offline(False)
    # Sent on the "online" event or, where the browser misses it, at the next retry (every 20 s).
    expect(queue.get_by_role("heading")).to_have_text("待发送 0 条", timeout=30_000)
    expect(queue.get_by_role("status")).to_contain_text("已发送，回执码")
    report = Report.objects.get()
    assert report.channel == "grid" and report.created_by == world.grid_worker
    assert report.text == TEXT and report.attachments.count() == 1
    assert report.idempotency_key is not None

    page.reload()
    expect(queue).to_be_hidden()
    assert (
        page.evaluate("""() => new Promise(resolve => {
        const open = indexedDB.open("anju-grid");
        open.onsuccess = () => {
            const all = open.result.transaction("drafts").objectStore("drafts").getAll();
            all.onsuccess = () => resolve(all.result.length);
        };
    })""")
        == 0
    )
    assert Report.objects.count() == 1
    assert errors == []


def test_a_queued_draft_can_be_deleted_after_confirmation(world, open_page):
    from anju.intake.models import Report

    page = open_page(phone=True)
    log_in(page, world.grid_worker.username)
    page.goto("/intake/grid/")
    page.context.set_offline(True)
    page.get_by_label("发现的情况").fill(TEXT)
    page.get_by_role("button", name="提交").click()
    queue = page.locator("#grid-queue")
    expect(queue.get_by_role("heading")).to_have_text("待发送 1 条")
    page.once("dialog", lambda dialog: dialog.dismiss())
    queue.get_by_role("button", name="删除").click()
    expect(queue.get_by_role("heading")).to_have_text("待发送 1 条")  # declined: kept
    page.once("dialog", lambda dialog: dialog.accept())
    queue.get_by_role("button", name="删除").click()
    expect(queue.get_by_role("heading")).to_have_text("待发送 0 条")
    page.context.set_offline(False)
    page.reload()
    expect(queue).to_be_hidden()
    assert Report.objects.count() == 0


def test_a_draft_waits_for_sign_in_when_the_session_has_ended(world, open_page):
    from anju.intake.models import Report

    page = open_page(phone=True)
    log_in(page, world.grid_worker.username)
    page.goto("/intake/grid/")
    page.context.set_offline(True)
    page.get_by_label("发现的情况").fill(TEXT)
    page.get_by_role("button", name="提交").click()
    queue = page.locator("#grid-queue")
    expect(queue.get_by_role("heading")).to_have_text("待发送 1 条")

    page.context.clear_cookies()  # the session ended while the phone was away
    page.context.set_offline(False)
    expect(queue.get_by_role("status")).to_contain_text("登录已过期", timeout=30_000)
    expect(queue.get_by_role("heading")).to_have_text("待发送 1 条")  # kept
    assert Report.objects.count() == 0

    queue.get_by_role("link", name="重新登录").click()
    page.get_by_label("用户名").fill(world.grid_worker.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/intake/grid/")  # back to the form, which sends the draft with the new session
    expect(queue.get_by_role("status")).to_contain_text("已发送，回执码")
    assert Report.objects.get().text == TEXT
