"""Server side of the phone pages: the receipt as an image, and the upload limits handed to the browser."""

from __future__ import annotations

import io
import time

from django.test import Client
from PIL import Image

from anju.intake import public_views
from anju.intake.models import Report

from .helpers import upload


def test_receipt_image_shows_the_code_of_this_browser_only(client, world):
    response = client.post("/public/submit", {"area": world.village_a1.pk, "text": "路灯坏了一个月"})
    assert response.status_code == 303 and response["Location"] == "/public/receipt"
    image = client.get("/public/receipt.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert "no-store" in image["Cache-Control"]
    code = Report.objects.get().receipt_code
    assert f'filename="anju-{code[:4]}-{code[4:8]}-{code[8:]}.png"' in image["Content-Disposition"]
    assert Image.open(io.BytesIO(image.content)).size[0] == 640
    # Another browser (no session) and a receipt shown too long ago get nothing.
    assert Client().get("/public/receipt.png").status_code == 404
    session = client.session
    session[public_views.RECEIPT_SESSION_KEY]["at"] = time.time() - public_views.RECEIPT_SHOWN_SECONDS - 1
    session.save()
    assert client.get("/public/receipt.png").status_code == 404


def test_a_bot_s_dropped_submission_has_no_receipt_image(client, world):
    client.post("/public/submit", {"area": world.village_a1.pk, "text": "广告", "homepage": "http://spam"})
    assert client.get("/public/receipt.png").status_code == 404


def test_upload_fields_carry_the_server_limits(client, world, settings):
    settings.ANJU_ATTACHMENT_MAX_BYTES = 3 * 1024 * 1024
    html = client.get("/public/submit").content.decode()
    assert 'data-max-bytes="3145728"' in html and 'data-max-files="10"' in html
    assert 'data-types="image/jpeg,image/png,application/pdf"' in html
    assert "最大 3 MB" in html
    assert "anju/upload-check.js" in html
    client.force_login(world.grid_worker)
    html = client.get("/intake/grid/").content.decode()
    assert 'data-max-bytes="3145728"' in html and "anju/upload-check.js" in html


def test_a_refused_attachment_keeps_the_other_fields(client, world):
    not_a_picture = upload("photo.jpg", b"plain text, not a JPEG", "image/jpeg")
    data = {"area": world.village_a1.pk, "text": "桥梁护栏松动", "location": "东一村村口桥"}
    response = client.post("/public/submit", {**data, "attachments": [not_a_picture]})
    html = response.content.decode()
    assert response.status_code == 200 and Report.objects.count() == 0
    assert "不是 JPG、PNG 图片或 PDF 文件" in html
    assert "桥梁护栏松动</textarea>" in html and 'value="东一村村口桥"' in html
