"""Schemas of the API: what goes out (masked, scoped data) and what comes in for the non-matter routes.

Output schemas are filled by the ``*_out`` functions below from model instances, so what an object looks
like in the API is decided in one place. Personal data leaves only masked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Schema

from anju.api.strict import RequiredText, StrictIn, Text
from anju.core.actions import revealable_fields
from anju.core.models import Area, Domain


class Page(Schema):
    count: int = Field(description="matching objects in all pages")
    page: int
    page_size: int
    pages: int


# areas and domains ---------------------------------------------------------------------------------------
class AreaRef(Schema):
    code: str
    name: str


class AreaOut(Schema):
    code: str
    name: str
    level: int
    level_label: str
    parent: str | None = Field(None, description="code of the parent area")
    path: str
    latitude: float | None = None
    longitude: float | None = None


class AreaDetailOut(AreaOut):
    full_name: str
    children: list[AreaRef]


class AreaPage(Page):
    items: list[AreaOut]


class DomainOut(Schema):
    code: str
    name: str
    parent: str | None = None
    emergency_class: str
    emergency_class_label: str
    keywords: list[str]
    active: bool


class UnitRef(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    name: str


def area_ref(area: Area | None) -> dict | None:
    return {"code": area.code, "name": area.name} if area is not None else None


def area_out(area: Area) -> dict:
    return {
        "code": area.code,
        "name": area.name,
        "level": area.level,
        "level_label": str(area.get_level_display()),
        "parent": area.parent.code if area.parent_id else None,
        "path": area.path,
        "latitude": area.latitude,
        "longitude": area.longitude,
    }


def domain_out(domain: Domain) -> dict:
    return {
        "code": domain.code,
        "name": domain.name,
        "parent": domain.parent.code if domain.parent_id else None,
        "emergency_class": domain.emergency_class,
        "emergency_class_label": str(domain.get_emergency_class_display()),
        "keywords": list(domain.keywords or []),
        "active": domain.active,
    }


def domain_ref(domain: Domain | None) -> dict | None:
    return {"code": domain.code, "name": domain.name} if domain is not None else None


def unit_ref(unit) -> dict | None:
    return {"id": unit.pk, "name": unit.name} if unit is not None else None


def person_ref(user) -> dict | None:
    return {"id": user.pk, "name": str(user)} if user is not None else None


class DomainRef(Schema):
    code: str
    name: str


# reports ---------------------------------------------------------------------------------------------------
class MatterRef(Schema):
    id: int
    number: str
    title: str


class ReporterOut(Schema):
    anonymous: bool
    name: str = Field(description="masked")
    phone: str = Field(description="masked")
    id_number: str = Field(description="masked")


class ReportOut(Schema):
    id: int
    receipt_code: str
    channel: str
    channel_label: str
    received_at: dt.datetime
    title: str
    text: str
    area: AreaRef
    location: str
    latitude: float | None = None
    longitude: float | None = None
    status: str
    status_label: str
    matter: MatterRef | None = None
    suggested_domain: DomainRef | None = None
    reporter: ReporterOut


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str = Field(description="download (same authentication)")


class ReportDetailOut(ReportOut):
    version: int = Field(description="changes with every change; send it back as `version` or If-Match")
    reject_reason: str
    triage: dict
    attachments: list[AttachmentOut]
    created_by: PersonRef | None = None


class ReportPage(Page):
    items: list[ReportOut]


def matter_ref(matter) -> dict | None:
    return {"id": matter.pk, "number": matter.number, "title": matter.title} if matter is not None else None


def report_out(report) -> dict:
    return {
        "id": report.pk,
        "receipt_code": report.receipt_code,
        "channel": report.channel,
        "channel_label": str(report.get_channel_display()),
        "received_at": report.received_at,
        "title": report.title,
        "text": report.text,
        "area": area_ref(report.area),
        "location": report.location,
        "latitude": report.latitude,
        "longitude": report.longitude,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "matter": matter_ref(report.matter),
        "suggested_domain": domain_ref(report.suggested_domain),
        "reporter": {
            "anonymous": report.anonymous,
            "name": str(report.masked_reporter_name),
            "phone": "" if report.anonymous else report.masked_reporter_phone,
            "id_number": "" if report.anonymous else report.masked_reporter_id_number,
        },
    }


def report_detail_out(report, *, attachments=None) -> dict:
    """``attachments``: the report's, when the caller knows them (a report just sent through the API has
    none), else read."""
    out = report_out(report)
    out.update(
        version=report.version,
        reject_reason=report.reject_reason,
        triage=report.triage or {},
        attachments=[
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse(
                    "api:download_attachment", kwargs={"report_id": report.pk, "attachment_id": a.pk}
                ),
            }
            for a in (report.attachments.all() if attachments is None else attachments)
        ],
        created_by=person_ref(report.created_by),
    )
    return out


class RevealIn(StrictIn):
    field: RequiredText = Field(description="name of the personal-data field, e.g. name, phone, id_number")
    purpose: Text = Field(
        "",
        description="why it is revealed, required for a matter's party: mediation (调解联系), follow_up (回访), "
        "support (帮扶) or other (其他, with purpose_text); recorded in the audit log",
    )
    purpose_text: Text = Field("", description="the purpose in words; required when purpose is other")


def check_revealable(user, obj, field: str) -> None:
    """Permission first (403), then the field name (422), so nothing is revealed by the error."""
    user.require("personal_data.reveal")
    fields = revealable_fields(obj)
    if field not in fields:
        raise ValidationError(
            {"field": _("可查看的个人信息字段：%(fields)s。") % {"fields": "、".join(fields)}}
        )


class RevealOut(Schema):
    field: str
    value: str


def decimal_str(value: Decimal | None) -> str:
    return format(value, "f") if value is not None else "0"
