"""Sample uploads and report data for intake tests."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF_BYTES = b"%PDF-1.7\n" + b"1 0 obj\n<<>>\nendobj\n" * 10

# Made-up values that pass the format checks (the ID number has a valid check digit).
NAME = "张小明"
PHONE = "13812345678"
ID_NUMBER = "110101199003074514"


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    return upload(name, JPEG_BYTES, "image/jpeg")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return upload(name, PNG_BYTES, "image/png")


def pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    return upload(name, PDF_BYTES, "application/pdf")


def report_kwargs(world, **overrides) -> dict:
    kwargs = {"channel": "visit", "text": "东一村三组道路积水，群众出行不便。", "area": world.village_a1}
    kwargs.update(overrides)
    return kwargs
