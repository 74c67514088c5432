"""submit_report: field validation, attachments checked by content, nothing half-saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from anju.core.errors import NotAllowed
from anju.core.models import AuditEvent
from anju.intake import actions, receipts
from anju.intake.models import Attachment, Report, ReportStatus
from anju.intake.validation import id_check_char, is_valid_id_number, is_valid_phone, normalise_phone

from .helpers import ID_NUMBER, JPEG_BYTES, NAME, PHONE, jpeg, pdf, png, report_kwargs, upload


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_a_valid_report_is_received_with_a_receipt_code_and_audited(world):
    report = actions.submit_report(
        world.cadre,
        **report_kwargs(world),
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_id_number=ID_NUMBER,
    )
    assert report.status == ReportStatus.RECEIVED
    assert receipts.normalise(report.receipt_code) == report.receipt_code
    assert report.created_by == world.cadre
    event = AuditEvent.objects.get(action="report.submit", object_id=str(report.pk))
    assert event.actor == world.cadre and event.area == world.village_a1
    assert event.after["has_contact"] is True
    # the audit log is plain JSON: it must not carry the personal data
    assert NAME not in str(event.after) and PHONE not in str(event.after)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "字" * 20_001}, "text"),
        ({"area": None}, "area"),
        ({"channel": "carrier-pigeon"}, "channel"),
        ({"title": "题" * 201}, "title"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
        ({"reporter_phone": "23812345678"}, "reporter_phone"),
        ({"reporter_id_number": "110101199003074515"}, "reporter_id_number"),  # wrong check digit
        ({"reporter_id_number": "11010119900307451"}, "reporter_id_number"),  # 17 chars
        ({"latitude": 95, "longitude": 120}, "latitude"),
        ({"latitude": 30.2, "longitude": None}, "latitude"),
        ({"received_at": timezone.now() + dt.timedelta(days=1)}, "received_at"),
    ],
)
def test_each_bad_field_is_refused_with_a_chinese_message_on_that_field(world, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        actions.submit_report(world.centre_staff, **report_kwargs(world, **overrides))
    errors = errors_of(excinfo)
    assert field in errors
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[field][0])
    assert Report.objects.count() == 0


def test_text_of_exactly_the_limit_is_accepted(world):
    report = actions.submit_report(world.centre_staff, **report_kwargs(world, text="字" * 20_000))
    assert len(report.text) == 20_000


def test_several_bad_fields_are_reported_together(world):
    with pytest.raises(ValidationError) as excinfo:
        actions.submit_report(
            world.centre_staff, **report_kwargs(world, text=""), reporter_phone="abc", reporter_id_number="x"
        )
    assert {"text", "reporter_phone", "reporter_id_number"} <= set(errors_of(excinfo))


def test_area_outside_the_actors_scope_is_refused(world):
    with pytest.raises(NotAllowed, match="不在您的管辖范围内"):
        actions.submit_report(world.cadre, **report_kwargs(world, area=world.village_b1))
    assert Report.objects.count() == 0


def test_roles_without_report_create_cannot_submit(world):
    with pytest.raises(NotAllowed):
        actions.submit_report(world.leader, **report_kwargs(world))
    assert Report.objects.count() == 0


def test_public_submission_has_no_actor_and_any_area(world):
    report = actions.submit_report(None, **report_kwargs(world, channel="online", area=world.village_b1))
    assert report.created_by is None and report.area == world.village_b1
    assert AuditEvent.objects.get(action="report.submit", object_id=str(report.pk)).actor is None


def test_anonymous_report_keeps_no_contact_details(world):
    report = actions.submit_report(
        None, **report_kwargs(world), anonymous=True, reporter_name=NAME, reporter_phone=PHONE
    )
    report.refresh_from_db()
    assert report.anonymous and report.reporter_name == "" and report.reporter_phone == ""
    assert report.masked_reporter_name == "匿名"


def test_phone_numbers_are_normalised(world):
    report = actions.submit_report(None, **report_kwargs(world), reporter_phone="+86 138 1234 5678")
    assert report.reporter_phone == PHONE
    assert normalise_phone("１３８１２３４５６７８") == PHONE
    assert (
        is_valid_phone("0571-87654321")
        and is_valid_phone("057187654321")
        and is_valid_phone("010-12345678-123")
    )
    assert not is_valid_phone("1381234567") and not is_valid_phone("571-87654321")


def test_id_number_check_character_is_iso_7064_mod_11_2():
    assert id_check_char(ID_NUMBER[:17]) == "4"
    assert is_valid_id_number(ID_NUMBER)
    assert is_valid_id_number("11010519491231002X")  # X as check character
    assert not is_valid_id_number("110105194912310021")
    assert not is_valid_id_number("A10101199003074514")


def test_personal_data_is_encrypted_at_rest(world):
    report = actions.submit_report(
        None, **report_kwargs(world), reporter_name=NAME, reporter_phone=PHONE, reporter_id_number=ID_NUMBER
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_name, reporter_phone, reporter_id_number FROM intake_report WHERE id = %s",
            [report.pk],
        )
        raw = cursor.fetchone()
    for stored, plain in zip(raw, (NAME, PHONE, ID_NUMBER), strict=True):
        assert stored.startswith("enc2:") and plain not in stored


def test_jpeg_png_and_pdf_attachments_are_stored_under_generated_names(world):
    report = actions.submit_report(
        world.cadre, **report_kwargs(world), attachments=[jpeg("../../etc/现场.jpg"), png(), pdf()]
    )
    stored = list(report.attachments.order_by("id"))
    assert [a.content_type for a in stored] == ["image/jpeg", "image/png", "application/pdf"]
    assert stored[0].original_name == "现场.jpg"  # path parts of the client's name are dropped
    for item in stored:
        name = Path(item.file.name).name
        assert len(name.split(".")[0]) == 32 and "现场" not in item.file.name
        assert Path(item.file.path).exists()
    assert Path(stored[0].file.path).read_bytes() == JPEG_BYTES


def test_type_comes_from_the_content_not_the_name_or_declared_type(world):
    fake = upload("photo.jpg", b"just some text pretending to be an image", "image/jpeg")
    with pytest.raises(ValidationError) as excinfo:
        actions.submit_report(world.cadre, **report_kwargs(world), attachments=[fake])
    assert "photo.jpg" in errors_of(excinfo)["attachments"][0]
    # a real PNG sent with a wrong name and declared type is accepted, as a PNG
    report = actions.submit_report(
        world.cadre, **report_kwargs(world), attachments=[upload("scan.pdf", png().read(), "application/pdf")]
    )
    assert report.attachments.get().content_type == "image/png"


def test_html_and_svg_uploads_are_refused(world):
    for name, body in [
        ("a.png", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"),
        ("b.pdf", b"<html>%PDF-</html>"),
    ]:
        with pytest.raises(ValidationError):
            actions.submit_report(world.cadre, **report_kwargs(world), attachments=[upload(name, body)])
    assert Report.objects.count() == 0


def test_oversized_attachment_is_refused(world, settings):
    settings.ANJU_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as excinfo:
        actions.submit_report(world.cadre, **report_kwargs(world), attachments=[jpeg()])
    assert "超过大小限制" in errors_of(excinfo)["attachments"][0]
    assert Report.objects.count() == 0


def test_empty_and_too_many_attachments_are_refused(world):
    with pytest.raises(ValidationError):
        actions.submit_report(world.cadre, **report_kwargs(world), attachments=[upload("e.jpg", b"")])
    with pytest.raises(ValidationError) as excinfo:
        actions.submit_report(
            world.cadre,
            **report_kwargs(world),
            attachments=[jpeg(f"{i}.jpg") for i in range(actions.MAX_ATTACHMENTS + 1)],
        )
    assert "最多" in errors_of(excinfo)["attachments"][0]


def test_one_bad_attachment_saves_nothing_at_all(world, settings):
    with pytest.raises(ValidationError) as excinfo:
        actions.submit_report(
            world.cadre,
            **report_kwargs(world),
            attachments=[jpeg("good.jpg"), upload("bad.jpg", b"MZ\x90\x00 not an image")],
        )
    assert len(errors_of(excinfo)["attachments"]) == 1
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0
    uploads = Path(settings.MEDIA_ROOT)
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))
    assert not AuditEvent.objects.filter(action="report.submit").exists()


def test_a_failure_after_files_are_written_removes_them(world, settings, monkeypatch):
    def broken_record(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(actions.audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        actions.submit_report(world.cadre, **report_kwargs(world), attachments=[jpeg(), pdf()])
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))
