"""Personal data typed into free text (情况描述, notes, 调解经过): stored masked, the original encrypted beside
it, shown masked to everyone, and revealed — logged — only to roles with personal_data.reveal."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.matters import actions
from anju.matters.models import Matter, MatterEvent, MediationSession

PHONE = "13812345678"
ID_NUMBER = "110101199003074514"  # a valid check digit
RAW = f"反映人张三丰，电话{PHONE}，身份证号{ID_NUMBER}，称工资被拖欠。"
MASKED = "反映人张**，电话138****5678，身份证号1101**********4514，称工资被拖欠。"


def _stored(table: str, column: str, pk: int) -> str:
    """The column as the database holds it, past the model layer."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_description_is_stored_masked_with_the_original_encrypted(make_matter):
    matter = make_matter(description=RAW)
    assert _stored("matters_matter", "description", matter.pk) == MASKED
    encrypted = _stored("matters_matter", "description_original", matter.pk)
    assert encrypted.startswith("enc2:") and PHONE not in encrypted and ID_NUMBER not in encrypted
    assert Matter.objects.get(pk=matter.pk).description_original == RAW


@pytest.mark.django_db
def test_text_without_personal_data_keeps_no_original(make_matter):
    matter = make_matter(description="十余名工人反映工程款未结清。")
    assert matter.description == "十余名工人反映工程款未结清。"
    assert _stored("matters_matter", "description_original", matter.pk) == ""


@pytest.mark.django_db
def test_mediation_summary_agreement_and_notes_are_masked(world, make_matter, advance):
    matter = advance(make_matter(), "assigned")
    session = actions.record_mediation(
        world.centre_staff,
        matter,
        held_on=timezone.localdate(),
        mediators="调解员",
        summary=RAW,
        agreement_text=f"乙方于月底前付清，联系电话{PHONE}",
        result="agreed",
    )
    event = actions.add_note(world.centre_staff, matter, note=RAW)
    assert _stored("matters_mediationsession", "summary", session.pk) == MASKED
    assert (
        _stored("matters_mediationsession", "agreement_text", session.pk)
        == "乙方于月底前付清，联系电话138****5678"
    )
    assert MediationSession.objects.get(pk=session.pk).summary_original == RAW
    assert _stored("matters_matterevent", "note", event.pk) == MASKED
    assert MatterEvent.objects.get(pk=event.pk).note_original == RAW
    # the audit log keeps the note as stored: masked
    assert not AuditEvent.objects.filter(note__contains=PHONE).exists()


@pytest.mark.django_db
def test_search_does_not_find_the_raw_number(world, make_matter):
    make_matter(description=RAW)
    client = Client()
    client.force_login(world.centre_staff)
    assert "工地拖欠农民工工资" not in client.get("/matters/", {"q": PHONE}).content.decode()
    assert "工地拖欠农民工工资" in client.get("/matters/", {"q": "工资被拖欠"}).content.decode()  # control


@pytest.mark.django_db
def test_pages_show_masked_text_and_only_revealers_get_the_original(world, make_matter):
    matter = make_matter(description=RAW)
    reveal_url = f"/reveal/matter/{matter.pk}/description/"
    cadre = Client()
    cadre.force_login(world.cadre)
    page = cadre.get(f"/matters/{matter.pk}/").content.decode()
    assert MASKED in page and PHONE not in page and ID_NUMBER not in page
    assert reveal_url not in page
    assert cadre.post(reveal_url).status_code == 403
    assert not AuditEvent.objects.filter(action="personal_data.reveal").exists()

    staff = Client()
    staff.force_login(world.centre_staff)
    page = staff.get(f"/matters/{matter.pk}/").content.decode()
    assert MASKED in page and PHONE not in page and reveal_url in page
    revealed = staff.post(reveal_url).content.decode()
    assert PHONE in revealed and ID_NUMBER in revealed
    event = AuditEvent.objects.get(action="personal_data.reveal")
    assert (event.actor, event.object_id, event.note) == (world.centre_staff, str(matter.pk), "description")


@pytest.mark.django_db
def test_api_shows_masked_text_and_reveals_with_a_log(world, make_matter):
    from anju.core import actions as core_actions

    matter = make_matter(description=RAW)
    token = core_actions.issue_api_token(world.centre_staff, "t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    detail = client.get(f"/api/matters/{matter.pk}").json()
    assert detail["description"] == MASKED
    response = client.post(
        f"/api/matters/{matter.pk}/reveal", {"field": "description"}, content_type="application/json"
    )
    assert response.json() == {"field": "description", "value": RAW}
    assert AuditEvent.objects.filter(action="personal_data.reveal", note="description").count() == 1
    response = client.post(
        f"/api/matters/{matter.pk}/reveal", {"field": "title"}, content_type="application/json"
    )
    assert response.status_code == 422


@pytest.mark.django_db
def test_registering_a_report_masks_the_matter_description(world):
    from anju.intake import actions as intake_actions

    report = intake_actions.submit_report(
        world.centre_staff, channel="visit", title="欠薪", text=RAW, area=world.village_a1
    )
    matter = intake_actions.register_report(
        world.centre_staff, report, kind="dispute", domain=world.wages, title="欠薪"
    )
    assert _stored("matters_matter", "description", matter.pk) == MASKED
    # the matter keeps the report's original, not the masked copy
    assert Matter.objects.get(pk=matter.pk).description_original == RAW


@pytest.mark.django_db
def test_masking_existing_rows_and_back(world, make_matter):
    """The data migration's functions, run over rows written before masking existed."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("anju.matters.migrations.0005_mask_free_text")
    matter = make_matter(description="无")
    Matter.objects.filter(pk=matter.pk).update(description=RAW, description_original="")
    migration.mask_existing(apps, None)
    assert _stored("matters_matter", "description", matter.pk) == MASKED
    assert Matter.objects.get(pk=matter.pk).description_original == RAW
    migration.mask_existing(apps, None)  # idempotent: the masked text has nothing left to mask
    assert Matter.objects.get(pk=matter.pk).description_original == RAW
    migration.restore_originals(apps, None)
    assert _stored("matters_matter", "description", matter.pk) == RAW
    assert _stored("matters_matter", "description_original", matter.pk) == ""


@pytest.mark.django_db
def test_report_text_is_masked_and_revealed_with_a_log(world):
    from anju.intake import actions as intake_actions

    report = intake_actions.submit_report(None, channel="online", text=RAW, area=world.village_a1)
    assert _stored("intake_report", "text", report.pk) == MASKED
    reveal_url = f"/reveal/report/{report.pk}/text/"
    cadre = Client()
    cadre.force_login(world.cadre)
    page = cadre.get(f"/intake/{report.pk}/").content.decode()
    assert PHONE not in page and reveal_url not in page
    staff = Client()
    staff.force_login(world.centre_staff)
    assert reveal_url in staff.get(f"/intake/{report.pk}/").content.decode()
    assert PHONE in staff.post(reveal_url).content.decode()
    assert AuditEvent.objects.filter(action="personal_data.reveal", note="text").count() == 1


@pytest.mark.django_db
def test_masking_existing_reports_and_back(world):
    from importlib import import_module

    from django.apps import apps

    from anju.intake import actions as intake_actions
    from anju.intake.models import Report

    migration = import_module("anju.intake.migrations.0004_mask_report_text")
    report = intake_actions.submit_report(None, channel="online", text="无", area=world.village_a1)
    Report.objects.filter(pk=report.pk).update(text=RAW)
    migration.mask_existing(apps, None)
    assert _stored("intake_report", "text", report.pk) == MASKED
    assert Report.objects.get(pk=report.pk).text_original == RAW
    migration.restore_originals(apps, None)
    assert _stored("intake_report", "text", report.pk) == RAW
