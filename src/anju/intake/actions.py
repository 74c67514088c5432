"""Every state change of a report goes through one function here.

A report is received (``submit_report``: staff, grid worker or the public form), then registered as a
new matter, linked to an existing one (a repeated report), or rejected. Each function validates first,
changes everything inside one transaction and writes an audit event; personal data never goes into
the audit log. ``public_status`` is the only read the citizen's status page makes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.crypto import protect_text
from anju.core.errors import WorkflowError
from anju.core.models import AreaLevel
from anju.core.notifications import notify
from anju.core.permissions import may, require
from anju.core.textsafety import INVISIBLE_MESSAGE, has_invisible
from anju.intake import receipts, triaging
from anju.intake.models import Attachment, Channel, Rating, Report, ReportStatus, SatisfactionRating
from anju.intake.validation import (
    ID_NUMBER_MESSAGE,
    IMAGE_PIXELS_MESSAGE,
    PHONE_MESSAGE,
    SNIFF_BYTES,
    image_too_large,
    is_valid_id_number,
    is_valid_phone,
    normalise_id_number,
    normalise_phone,
    sniff_content_type,
)
from anju.matters import actions as matter_actions
from anju.matters import audience
from anju.matters.models import Matter, MatterKind
from anju.matters.workflow import OPEN_STATUSES, WORKFLOW, Status

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 20_000
MAX_TITLE_CHARS = 200
MAX_LOCATION_CHARS = 200
MAX_NAME_CHARS = 50
MAX_REASON_CHARS = 2_000
MAX_ATTACHMENTS = 10
# Clocks of phones and PCs drift; a received time a little ahead of the server is not an error.
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
# A stale page: someone else handled the report since it was shown (optimistic concurrency).
STALE_REPORT = gettext_lazy("该诉求已被他人修改，请刷新后重试。")

# Audited fields: never the encrypted personal ones (the audit log is plain JSON).
AUDITED_FIELDS = (
    "channel",
    "received_at",
    "title",
    "area",
    "location",
    "latitude",
    "longitude",
    "suggested_domain",
    "anonymous",
    "status",
    "matter",
    "reject_reason",
)


@dataclass(frozen=True)
class _CheckedUpload:
    file: File
    content_type: str
    original_name: str
    size: int


def _audit_after(report: Report) -> dict:
    after = audit.snapshot(report, AUDITED_FIELDS)
    # Only whether contact details exist, never their values.
    after["has_contact"] = bool(report.reporter_name or report.reporter_phone or report.reporter_id_number)
    return after


def _check_attachments(files) -> tuple[list[_CheckedUpload], list[str]]:
    """Each upload's size and real type (from its first bytes). Returns the checked uploads and errors."""
    files = [f for f in (files or ()) if f is not None]
    if len(files) > MAX_ATTACHMENTS:
        return [], [_("附件最多 %(n)d 个。") % {"n": MAX_ATTACHMENTS}]
    limit = settings.ANJU_ATTACHMENT_MAX_BYTES
    checked, errors = [], []
    for raw in files:
        upload = raw if isinstance(raw, File) else File(raw)
        name = os.path.basename(str(getattr(upload, "name", "") or "")).strip()[:200] or _("附件")
        size = upload.size or 0
        if size == 0:
            errors.append(_("“%(name)s”是空文件。") % {"name": name})
            continue
        if size > limit:
            errors.append(
                _("“%(name)s”超过大小限制（最大 %(mb).0f MB）。")
                % {"name": name, "mb": limit / (1024 * 1024)}
            )
            continue
        upload.seek(0)
        head = upload.read(SNIFF_BYTES)
        upload.seek(0)
        content_type = sniff_content_type(head)
        if content_type is None:
            errors.append(_("“%(name)s”不是 JPG、PNG 图片或 PDF 文件。") % {"name": name})
            continue
        if image_too_large(upload, content_type):
            errors.append(
                IMAGE_PIXELS_MESSAGE % {"name": name, "mp": settings.ANJU_IMAGE_MAX_PIXELS // 1_000_000}
            )
            continue
        checked.append(_CheckedUpload(upload, content_type, name, size))
    return checked, errors


def _stored_name(content_type: str) -> str:
    """A generated file name: nothing of the client's name reaches the file system."""
    return uuid.uuid4().hex + settings.ANJU_ATTACHMENT_TYPES[content_type]


def _unique_receipt_code() -> str:
    code = receipts.new_code()
    while Report.objects.filter(receipt_code=code).exists():
        code = receipts.new_code()
    return code


def _validate_contact(name: str, phone: str, id_number: str, errors: dict) -> tuple[str, str, str]:
    name = (name or "").strip()
    phone = normalise_phone(phone)
    id_number = normalise_id_number(id_number)
    if len(name) > MAX_NAME_CHARS:
        errors["reporter_name"] = _("姓名不能超过 %(n)d 个字。") % {"n": MAX_NAME_CHARS}
    if has_invisible(name):
        errors["reporter_name"] = str(INVISIBLE_MESSAGE)
    if phone and not is_valid_phone(phone):
        errors["reporter_phone"] = str(PHONE_MESSAGE)
    if id_number and not is_valid_id_number(id_number):
        errors["reporter_id_number"] = str(ID_NUMBER_MESSAGE)
    return name, phone, id_number


def _validate_position(latitude, longitude, errors: dict) -> tuple[float | None, float | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        errors["latitude"] = _("经纬度须同时填写且为数字。")
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors["latitude"] = _("经纬度超出范围。")
        return None, None
    return lat, lon


def submit_report(
    actor,
    *,
    channel: str,
    text: str,
    area,
    title: str = "",
    received_at: dt.datetime | None = None,
    location: str = "",
    latitude=None,
    longitude=None,
    anonymous: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_id_number: str = "",
    attachments=(),
    suggested_domain=None,
    duplicate_of: Matter | None = None,
    is_demo: bool = False,
    idempotency_key=None,
    triage_later: bool = False,
    now: dt.datetime | None = None,
) -> Report:
    """Receive a report. ``actor`` is None for the public form. Nothing is saved unless all of it is valid.

    Triage's pass over the text runs before the transaction (a pure read, so the write lock is held only
    for the writes) and is stored with the new row. ``triage_later`` (the API: a posting system or a grid
    worker's app, which never shows suggestions) leaves the pass to ``anju worker``
    (``triage_pending_reports``); until then the report carries none and staff pages work without it.

    ``idempotency_key`` (a UUID made by the phone for each offline draft): the same key sent again by the
    same user returns the report the first submission made, also when two copies race (a unique constraint
    decides), so a draft re-sent after a dropped connection is received exactly once.

    With ``duplicate_of`` (an open matter) the report is a repeated one and is linked to that matter at
    once, in the same transaction (see ``link_report``).
    """
    if actor is not None:  # the public form has no actor: anyone may report, for any village
        require(actor, "report.create", area)
    key = _parse_idempotency_key(actor, idempotency_key)
    earlier = _earlier_submission(actor, key)
    if earlier is not None:
        return earlier
    errors: dict[str, object] = {}
    text = (text or "").strip()
    title = (title or "").strip()
    location = (location or "").strip()
    if channel not in Channel.values:
        errors["channel"] = _("请选择来源渠道。")
    if not text:
        errors["text"] = _("请填写反映的内容。")
    elif len(text) > MAX_TEXT_CHARS:
        errors["text"] = _("内容不能超过 %(n)d 字（当前 %(len)d 字）。") % {
            "n": MAX_TEXT_CHARS,
            "len": len(text),
        }
    if len(title) > MAX_TITLE_CHARS:
        errors["title"] = _("标题不能超过 %(n)d 字。") % {"n": MAX_TITLE_CHARS}
    if len(location) > MAX_LOCATION_CHARS:
        errors["location"] = _("地点不能超过 %(n)d 字。") % {"n": MAX_LOCATION_CHARS}
    if area is None:
        errors["area"] = _("请选择所在区域。")
    now = now or timezone.now()
    if received_at is not None and received_at > now + FUTURE_TOLERANCE:
        errors["received_at"] = _("受理时间不能晚于当前时间。")
    lat, lon = _validate_position(latitude, longitude, errors)
    if anonymous:
        name = phone = id_number = ""  # an anonymous report keeps no contact details at all
    else:
        name, phone, id_number = _validate_contact(reporter_name, reporter_phone, reporter_id_number, errors)
    uploads, upload_errors = _check_attachments(attachments)
    if upload_errors:
        errors["attachments"] = upload_errors
    if errors:
        raise ValidationError(errors)
    text, text_original = protect_text(text)  # a phone or ID number typed into the text is kept encrypted
    pending = triage_later and triaging.installed()
    suggestion = {} if pending else _triage_pass(title, text, actor, chosen_domain=suggested_domain)
    # Drawn before the transaction (one read fewer under the write lock); the unique constraint still
    # guards the one-in-10^16 chance that another submission takes the same code meanwhile.
    receipt_code = _unique_receipt_code()

    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            report = Report.objects.create(
                receipt_code=receipt_code,
                channel=channel,
                received_at=received_at or now,
                title=title,
                text=text,
                text_original=text_original,
                area=area,
                location=location,
                latitude=lat,
                longitude=lon,
                suggested_domain=suggestion.get("domain", suggested_domain),
                triage=suggestion.get("triage", {}),
                triage_pending=pending,
                anonymous=bool(anonymous),
                reporter_name=name,
                reporter_phone=phone,
                reporter_id_number=id_number,
                created_by=actor if actor is not None and actor.pk else None,
                is_demo=is_demo,
                idempotency_key=key,
            )
            for upload in uploads:
                attachment = Attachment(
                    report=report,
                    original_name=upload.original_name,
                    content_type=upload.content_type,
                    size=upload.size,
                )
                attachment.file.save(_stored_name(upload.content_type), upload.file, save=False)
                stored.append(attachment)
                attachment.save()
            audit.record(
                actor,
                "report.submit",
                report,
                after=_audit_after(report) | {"attachments": len(uploads)},
                area=area,
            )
            if duplicate_of is not None:
                link_report(actor, report, duplicate_of)
    except Exception as error:
        for attachment in stored:  # the database rolled back; remove the files written so far
            attachment.file.delete(save=False)
        # A racing copy of the same draft committed first: the constraint refused this one.
        earlier = _earlier_submission(actor, key) if isinstance(error, IntegrityError) else None
        if earlier is None:
            raise
        return earlier
    return report


def _parse_idempotency_key(actor, value) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    if actor is None or not actor.pk:  # keys are per user; the public form has none
        raise ValidationError({"idempotency_key": _("匿名提交不使用提交标识。")})
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationError({"idempotency_key": _("提交标识无效，请重新填写后提交。")}) from None


def _earlier_submission(actor, key: uuid.UUID | None) -> Report | None:
    if key is None:
        return None
    return Report.objects.filter(created_by=actor, idempotency_key=key).first()


def _triage_pass(title: str, text: str, actor, *, chosen_domain) -> dict:
    """Triage's pass over a new report's stored text, as ``{"triage": …, "domain": …}`` for its row, or {}
    when triage is not installed. A suggestion must never cost a citizen their submission, so a failure
    here is logged and the report is kept without one. The pass is the one the typing panel ran on the same
    text, when it did (triage caches it per text and model); no duplicates are looked up here: they are
    found when the report is shown to staff."""
    if not triaging.installed():
        return {}
    try:
        triage, top = _suggestions(triaging.analyse(triaging.report_text(title, text)), title, text, actor)
    except Exception:
        logger.exception("triage annotation failed for a new report; kept without suggestions")
        return {}
    return {"triage": triage, "domain": chosen_domain or top}


def _suggestions(result: dict, title: str, text: str, area_from, now=None):
    """What a report stores of triage's ``result``: the result with its time and the area named in the
    text (in ``area_from``'s scope; none for the public form), and the suggested domain (the result's first
    active one)."""
    from anju.core.models import Domain
    from anju.triage.service import suggest_area_for

    domains = result.get("domains") or []
    stored = dict(result, at=(now or timezone.now()).isoformat())
    area = suggest_area_for(area_from, triaging.report_text(title, text))
    stored["area"] = area.code if area else None
    top = Domain.objects.filter(code=domains[0][0], active=True).first() if domains else None
    return stored, top


@transaction.atomic
def record_triage(report: Report, result: dict, now=None, *, chosen_domain=None, area_from=None) -> Report:
    """Store a triage result on the report (intake's row: triage itself never writes it).

    ``result`` is triage's pass (``triage.service.analyse``: domain codes, figures, cues, and the text and
    model hashes it was made from). The report's suggested domain becomes ``chosen_domain`` when staff
    chose one, else the result's first domain. ``area_from``: the user in whose scope an area named in the
    text is suggested (none for the public form). Machine suggestions, not a decision: the submission's
    audit event carries the suggested domain (``triage_pending_reports`` records its own)."""
    lock_checked(report)
    stored, top = _suggestions(result, report.title, report.text, area_from, now)
    report.triage = stored
    report.suggested_domain = chosen_domain or top
    report.triage_pending = False
    report.save(update_fields=["triage", "suggested_domain", "triage_pending"])
    return report


TRIAGE_BATCH = 200
# How long one worker turn may spend on the backlog, so notices and jobs are not held up behind a burst.
TRIAGE_TURN_SECONDS = 20.0


def triage_backlog(*, seconds: float = TRIAGE_TURN_SECONDS) -> int:
    """The worker's turn (registered in ``IntakeConfig.ready``): batches of ``triage_pending_reports``
    until the queue is empty or ``seconds`` have passed; returns how many reports were triaged."""
    import time

    deadline, done = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        batch = triage_pending_reports()
        done += batch
        if batch < TRIAGE_BATCH:
            break
    return done


def triage_pending_reports(*, limit: int = TRIAGE_BATCH, now=None) -> int:
    """``anju worker``'s pass: run triage over the reports received through the API (``triage_later``),
    oldest first, at most ``limit``; returns how many were done.

    The pass runs outside any transaction; each result is stored in its own transaction under the report's
    row lock, with an audit event of the machine's suggestion. A domain the submitter chose stays. The
    report's version is left as it is: staff who opened the report meanwhile are not told it changed (what
    they decide on did not). A report whose pass fails is kept without suggestions and leaves the queue,
    so one bad text never blocks the others (the traceback goes to the worker's log)."""
    if not triaging.installed():
        return 0
    done = 0
    pending = Report.objects.filter(triage_pending=True).select_related("created_by__area", "area")
    for report in pending.order_by("id")[:limit]:
        try:
            result = triaging.analyse(triaging.report_text(report.title, report.text))
        except Exception:
            logger.exception("triage failed for report %s; kept without suggestions", report.pk)
            Report.objects.filter(pk=report.pk).update(triage_pending=False)
            continue
        stored, top = _suggestions(result, report.title, report.text, report.created_by, now)
        with transaction.atomic():
            row = (
                Report.objects.select_for_update()
                .filter(pk=report.pk, triage_pending=True)
                .values_list("pk", "suggested_domain_id")
                .first()
            )
            if row is None:  # another worker took it meanwhile
                continue
            chosen = row[1]
            domain_id = chosen or (top.pk if top else None)
            Report.objects.filter(pk=report.pk).update(
                triage=stored, suggested_domain_id=domain_id, triage_pending=False
            )
            audit.record(
                None,
                "report.triage",
                report,
                before={"suggested_domain": chosen},
                after={"suggested_domain": domain_id},
                area=report.area,
            )
        done += 1
    return done


def _record_domain_correction(actor, report: Report, domain) -> None:
    """When staff register under another domain than triage suggested, that correction trains triage."""
    suggested = (report.triage or {}).get("domains") or []
    if not suggested or domain is None or not apps.is_installed("anju.triage"):
        return
    from anju.triage.actions import record_correction

    try:
        with transaction.atomic():
            record_correction(
                actor, field="domain", suggested=suggested[0][0], chosen=domain.code, report=report
            )
    except Exception:
        logger.exception("recording the triage correction failed for report %s", report.pk)


def _lock_received(actor, report: Report, version=None) -> None:
    """Re-read the report under a row lock, refuse a stale ``version`` (``Conflict``) and check that the
    report can still be handled by ``actor``."""
    require(actor, "report.register", report)
    lock_checked(report, version, message=STALE_REPORT)
    if report.status != ReportStatus.RECEIVED:
        raise WorkflowError(
            _("该诉求当前状态为“%(status)s”，不能再登记、并入或不予受理。")
            % {"status": report.get_status_display()}
        )


@transaction.atomic
def register_report(
    actor,
    report: Report,
    *,
    kind: str,
    domain,
    title: str,
    description: str | None = None,
    people_involved: int = 0,
    amount_involved: Decimal | int | str = 0,
    likelihood: int | None = None,
    consequence: int | None = None,
    assessment_note: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """登记: turn a received report into a new matter; the reporter becomes its applicant unless anonymous."""
    _lock_received(actor, report, version)
    before = audit.snapshot(report, AUDITED_FIELDS)
    errors = {}
    if kind not in MatterKind.values:
        errors["kind"] = _("请选择事项类型。")
    if domain is None:
        errors["domain"] = _("请选择风险领域。")
    if (likelihood is None) != (consequence is None):
        field = "consequence" if consequence is None else "likelihood"
        errors[field] = _("研判定级须同时选择可能性和后果；也可都不选，之后再研判。")
    elif likelihood is not None and not may(actor, "matter.assess"):
        errors["likelihood"] = _("您的角色不能研判定级，请留空，由综治中心研判。")
    if errors:
        raise ValidationError(errors)
    parties = []
    if not report.anonymous and (report.reporter_name or report.reporter_phone or report.reporter_id_number):
        parties.append(
            {
                "role": "applicant",
                "name": report.reporter_name,
                "phone": report.reporter_phone,
                "id_number": report.reporter_id_number,
            }
        )
    if description is None or not description.strip():
        description = report.text_original or report.text  # create_matter masks it again
    matter = matter_actions.create_matter(
        actor,
        kind=kind,
        domain=domain,
        area=report.area,
        title=title,
        description=description,
        people_involved=people_involved,
        amount_involved=amount_involved,
        occurred_at=report.received_at,
        parties=parties,
        likelihood=likelihood,
        consequence=consequence,
        assessment_note=assessment_note,
        is_demo=report.is_demo,
        now=now,
    )
    _record_domain_correction(actor, report, domain)
    report.matter = matter
    report.status = ReportStatus.REGISTERED
    report.save(update_fields=["matter", "status"])
    old, new = audit.changed(before, audit.snapshot(report, AUDITED_FIELDS))
    audit.record(
        actor, "report.register", report, before=old, after=new, note=matter.number, area=report.area
    )
    return matter


@transaction.atomic
def link_report(
    actor,
    report: Report,
    matter: Matter | None,
    note: str = "",
    *,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """A repeated report of a matter already in the ledger: link it instead of registering it twice."""
    _lock_received(actor, report, version)
    before = audit.snapshot(report, AUDITED_FIELDS)
    note = (note or "").strip()
    if matter is None:
        raise ValidationError({"matter": _("请选择要并入的事项。")})
    require(actor, "report.register", matter)  # the matter linked to must be the actor's too
    if matter.status == Status.MERGED and matter.merged_into_id:
        raise ValidationError(
            {"matter": _("该事项已并入事项 %(n)s，请选择该事项。") % {"n": matter.merged_into.number}}
        )
    if matter.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                "matter": _("该事项已“%(s)s”，不能再并入；如问题再次出现，请登记为新事项。")
                % {"s": matter.get_status_display()}
            }
        )
    if len(note) > MAX_REASON_CHARS:
        raise ValidationError({"note": _("说明不能超过 %(n)d 字。") % {"n": MAX_REASON_CHARS}})
    timeline_note = _("收到重复反映（%(channel)s，%(date)s），已并入本事项。") % {
        "channel": report.get_channel_display(),
        "date": timezone.localtime(report.received_at).date(),
    }
    if note:
        timeline_note += " " + note
    matter_actions.add_note(actor, matter, note=timeline_note, public=False, now=now)
    report.matter = matter
    report.status = ReportStatus.LINKED
    report.save(update_fields=["matter", "status"])
    old, new = audit.changed(before, audit.snapshot(report, AUDITED_FIELDS))
    audit.record(actor, "report.link", report, before=old, after=new, note=matter.number, area=report.area)
    return report


@transaction.atomic
def reject_report(actor, report: Report, reason: str, *, version: int | None = None) -> Report:
    """不予受理, with a reason that the citizen sees on the status page."""
    _lock_received(actor, report, version)
    before = audit.snapshot(report, AUDITED_FIELDS)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不予受理的原因（群众可在进度查询中看到）。")})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({"reason": _("原因不能超过 %(n)d 字。") % {"n": MAX_REASON_CHARS}})
    report.reject_reason = reason
    report.status = ReportStatus.REJECTED
    report.save(update_fields=["reject_reason", "status"])
    old, new = audit.changed(before, audit.snapshot(report, AUDITED_FIELDS))
    audit.record(actor, "report.reject", report, before=old, after=new, note=reason, area=report.area)
    _tell_submitter_rejected(actor, report)
    return report


def _tell_submitter_rejected(actor, report: Report) -> None:
    """The staff member who entered the report (a grid worker's 上报) hears that it was not accepted, and why."""
    submitter = report.created_by
    if submitter is None or not submitter.is_active or submitter.pk == actor.pk:
        return
    notify(
        submitter,
        kind="intake.rejected",
        title=_("诉求不予受理：%(title)s") % {"title": report.title or report.receipt_code},
        body=report.reject_reason,
        link=reverse("intake:detail", args=[report.pk]),
        key=f"intake.rejected:{report.pk}",
    )


def relink_reports(actor, from_matter: Matter, to_matter: Matter) -> int:
    """The reports of a matter merged into another follow it (``matters.actions.merge`` calls this inside its
    transaction, after its own checks). Returns how many moved; merge's timeline and audit entry record it."""
    permission = WORKFLOW["merge"].permission
    require(actor, permission, from_matter)
    require(actor, permission, to_matter)
    return Report.objects.filter(matter=from_matter).update(matter=to_matter)


def _public_area_name(area) -> str:
    """Town and village only: never the grid or anything finer."""
    names = [a.name for a in area.ancestors() if a.level in (AreaLevel.TOWN, AreaLevel.VILLAGE)]
    return " ".join(names) or area.name


def public_status(receipt_code: str) -> dict | None:
    """What the citizen's status page may show for a receipt code, or None when there is no such report.

    Pure read. Contains nothing personal, no staff names and nothing staff typed for themselves: the
    status as the citizen reads it, the received date, the area at village level, and per public event of
    the matter's timeline its date, the neutral line of ``matters.audience`` for its kind and the text
    written for the citizen (``public_text``). ``MatterEvent.note`` is never read here.
    """
    code = receipts.normalise(receipt_code)
    if code is None:
        return None
    report = Report.objects.select_related("area", "matter").filter(receipt_code=code).first()
    if report is None:
        return None
    matter = report.matter
    events = []
    if matter is not None:
        for kind, public_text, at in (
            matter.events.filter(public=True).order_by("at", "id").values_list("kind", "public_text", "at")
        ):
            line = audience.public_line(kind, public_text)
            if line:
                events.append({"date": timezone.localtime(at).date(), "line": line, "text": public_text})
    rejected = report.status == ReportStatus.REJECTED
    return {
        "code": receipts.display(code),
        # The badge's colour: a matter rejected after registration looks like a rejected report.
        "status": ReportStatus.REJECTED
        if matter is not None and matter.status == Status.REJECTED
        else report.status,
        "status_label": (
            audience.public_status_label(matter.status) if matter is not None else report.get_status_display()
        ),
        "report_status_label": report.get_status_display(),
        "received_on": timezone.localtime(report.received_at).date(),
        "area": _public_area_name(report.area),
        "channel_label": report.get_channel_display(),
        "reject_reason": report.reject_reason if rejected else "",  # the form says the citizen reads it
        "waiting": report.status == ReportStatus.RECEIVED,
        "events": events,
        **_public_rating(report),
    }


# A request may be rated once its matter is resolved (化解办结, 回访, 归档).
RATEABLE_STATUSES = (Status.RESOLVED, Status.FOLLOWED_UP, Status.ARCHIVED)
RATING_COMMENT_MAX = 500


def _rated_matter(report: Report) -> Matter | None:
    """The matter whose handling the citizen rates: the request's, or the one it was merged into."""
    matter = report.matter
    if matter is not None and matter.status == Status.MERGED and matter.merged_into_id:
        matter = matter.merged_into
    return matter


def _public_rating(report: Report) -> dict:
    """The rating part of the status page: the rating given (with the citizen's own comment), or whether
    the citizen may rate now."""
    given = SatisfactionRating.objects.filter(report=report).first()
    if given is not None:
        return {
            "rating": {"label": given.get_rating_display(), "comment": given.comment, "on": given.rated_at},
            "may_rate": False,
        }
    matter = _rated_matter(report)
    return {"rating": None, "may_rate": matter is not None and matter.status in RATEABLE_STATUSES}


@transaction.atomic
def rate_handling(receipt_code: str, *, rating: str, comment: str = "", now=None) -> SatisfactionRating:
    """The citizen rates the handling of their request (no account: the receipt code is the authority).

    Once per request, and only after its matter is resolved. The comment is the citizen's own words, kept
    with phone and ID numbers masked. Audited without an actor."""
    now = now or timezone.now()
    code = receipts.normalise(receipt_code)
    report = (
        Report.objects.select_for_update().filter(receipt_code=code).first() if code is not None else None
    )
    if report is None:
        raise ValidationError({"code": _("没有找到与该回执码对应的诉求。")})
    if SatisfactionRating.objects.filter(report=report).exists():
        raise WorkflowError(_("该诉求已经评价过，每件诉求只能评价一次。"))
    matter = _rated_matter(report)
    if matter is None or matter.status not in RATEABLE_STATUSES:
        raise WorkflowError(_("诉求办结后才能评价。"))
    errors = {}
    if rating not in Rating.values:
        errors["rating"] = _("请选择满意、基本满意或不满意。")
    comment = (comment or "").strip()
    if has_invisible(comment):
        errors["comment"] = INVISIBLE_MESSAGE
    elif len(comment) > RATING_COMMENT_MAX:
        errors["comment"] = _("留言不能超过 %(n)s 字。") % {"n": RATING_COMMENT_MAX}
    if errors:
        raise ValidationError(errors)
    masked, _original = protect_text(comment)
    given = SatisfactionRating.objects.create(
        report=report, matter=matter, rating=rating, comment=masked, rated_at=now
    )
    audit.record(
        None,
        "report.citizen_rating",
        given,
        after={"rating": rating, "matter": matter.pk, "commented": bool(masked)},
        area=report.area,
    )
    return given
