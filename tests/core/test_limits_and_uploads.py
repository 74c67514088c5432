"""Limits (request bodies, text lengths, image pixels) and uploads served as inert downloads."""

from __future__ import annotations

import io
import socket
import struct
import threading
import zlib

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.intake.models import Attachment, Report

# A PDF whose /OpenAction runs JavaScript when a viewer opens it inline.
ACTIVE_PDF = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"
    b"\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header declares ``width`` × ``height`` (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def _small_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path, db):  # the rate-limit counts live in the database cache
    settings.MEDIA_ROOT = tmp_path / "uploads"
    cache.clear()


def _submit(client, world, upload):
    data = {"area": world.village_a1.pk, "text": "路灯坏了", "attachments": [upload]}
    return client.post("/public/submit", data)


def test_a_decompression_bomb_png_is_refused_and_a_real_photo_accepted(client, world):
    bomb = SimpleUploadedFile("bomb.png", _png_declaring(30000, 30000), content_type="image/png")
    response = _submit(client, world, bomb)
    assert "像素过多" in response.content.decode()
    assert not Report.objects.exists()
    photo = SimpleUploadedFile("photo.png", _small_png(), content_type="image/png")  # positive control
    _submit(client, world, photo)
    assert Attachment.objects.get().content_type == "image/png"


def test_uploads_are_served_as_sandboxed_downloads(client, world):
    pdf = SimpleUploadedFile("letter.pdf", ACTIVE_PDF, content_type="application/pdf")
    _submit(client, world, pdf)
    photo = SimpleUploadedFile("photo.png", _small_png(), content_type="image/png")
    _submit(client, world, photo)
    client.force_login(world.centre_staff)
    for attachment in Attachment.objects.all():
        response = client.get(f"/intake/attachments/{attachment.pk}/")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox")


def test_a_request_body_past_the_limit_is_refused_before_it_is_read(client, world, settings):
    settings.ANJU_MAX_REQUEST_BYTES = 50_000
    response = client.post("/public/submit", {"area": world.village_a1.pk, "text": "路" * 30_000})
    assert response.status_code == 413 and not Report.objects.exists()
    client.post("/public/submit", {"area": world.village_a1.pk, "text": "路灯坏了"})  # positive control
    assert Report.objects.count() == 1


def test_one_value_past_the_longest_text_is_refused_on_every_page(client, world):
    client.force_login(world.centre_staff)
    from anju.core.textsafety import MAX_VALUE_CHARS

    response = client.get("/matters/", {"q": "x" * (MAX_VALUE_CHARS + 1)})
    assert response.status_code == 400
    assert client.get("/matters/", {"q": "x" * 100}).status_code == 200


def test_a_note_past_its_length_gets_a_message_beside_the_field(client, world):
    from anju.matters import actions
    from anju.matters.models import MatterEvent

    matter = actions.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title="欠薪",
        description="x",
    )
    client.force_login(world.centre_staff)
    before = MatterEvent.objects.count()
    response = client.post(f"/matters/{matter.pk}/act/note/", {"note": "长" * 2001})
    assert response.status_code in (200, 400) and "2000" in response.content.decode()
    assert MatterEvent.objects.count() == before


def test_waitress_refuses_a_body_past_the_limit(settings):
    """The real server anju serves with: a request announcing a body past the limit gets 413 unread."""
    from waitress.server import create_server

    from anju.platform_cli import waitress_options

    settings.ANJU_MAX_REQUEST_BYTES = 1024 * 1024

    def app(environ, start_response):  # the limit is waitress's own; what runs behind it does not matter
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = create_server(app, host="127.0.0.1", port=0, **waitress_options())
    stop = threading.Event()

    def serve():  # server.run() loops forever; this loop ends when the test is done
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        port = server.effective_port
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                b"POST /public/submit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                b"Content-Length: %d\r\n\r\n" % (2 * 1024 * 1024)
            )
            sock.sendall(b"x" * 65536)
            status_line = sock.recv(200).split(b"\r\n", 1)[0]
        assert b" 413 " in status_line
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:  # positive control
            sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nok")
            assert b" 200 " in sock.recv(200).split(b"\r\n", 1)[0]
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()
