"""舆情应对: every step of a response, one function each, in the order 核实 → 口径 → 回应 → 跟踪 → 结束.

Each function guards itself (``core.permissions.require``: the role, then the scope of the response's matter
on the locked row), locks the response and checks the version the page showed (``lock_checked``), refuses a
step the response's stage does not allow (``WorkflowError``), and writes the audit event in the same
transaction. Opening, publishing the response and closing also write an internal entry on the matter's
timeline, so that the offline matter shows its online side. Nothing here reads anything online.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from anju.cases.models import Case, OpinionResponse, OpinionStage, OpinionTracking, ReportedBy, Verification
from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.crypto import protect_text
from anju.core.errors import WorkflowError
from anju.core.permissions import require
from anju.matters.actions.base import log_event
from anju.matters.actions.base import snapshot as matter_snapshot

PERMISSION = "cases.opinion"
APPROVE_PERMISSION = "cases.opinion_approve"
FIELDS = (
    "stage",
    "title",
    "platform",
    "reported_by",
    "verification",
    "wording",
    "wording_approved_by",
    "response_channel",
    "response_at",
    "response_text",
    "summary",
)
MAX_SHORT = 200
OPENED_LINE = N_("登记舆情应对：%(t)s（%(p)s）")
RESPONDED_LINE = N_("舆情回应已发布（%(c)s）")
CLOSED_LINE = N_("舆情应对结束：%(s)s")


def _text(value, field: str, message: str, *, limit: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    if limit and len(text) > limit:
        raise ValidationError({field: _("不能超过 %(n)d 个字。") % {"n": limit}})
    return text


def _not_future(value, field: str, now: dt.datetime, message: str):
    if value is not None and value > now:
        raise ValidationError({field: message})


def _begin(actor, response: OpinionResponse, version, stage: str, permission: str = PERMISSION) -> dict:
    """Role first, then the locked row: its version, its scope, its stage. Returns the row as it was."""
    require(actor, permission)
    lock_checked(response, version)
    require(actor, permission, response)
    if response.stage != stage:
        raise WorkflowError(
            _("该舆情应对当前处于“%(now)s”阶段，不能进行“%(step)s”。")
            % {"now": response.get_stage_display(), "step": OpinionStage(stage).label}
        )
    return audit.snapshot(response, FIELDS)


def _finish(actor, response: OpinionResponse, code: str, before: dict, note: str = "") -> None:
    response.save()  # Versioned: version + 1
    old, new = audit.changed(before, audit.snapshot(response, FIELDS))
    audit.record(
        actor, code, response, before=old or None, after=new or None, note=note, area=response.matter.area
    )


def _on_matter(actor, response: OpinionResponse, kind: str, note: str, at: dt.datetime) -> None:
    matter = response.matter
    log_event(actor, matter, kind, matter_snapshot(matter), note=note, data={"opinion": response.pk}, at=at)


@transaction.atomic
def open_opinion(
    actor,
    matter,
    *,
    title: str,
    platform: str,
    reported_by: str,
    seen_at: dt.datetime | None = None,
    source_text: str = "",
    case: Case | None = None,
    now: dt.datetime | None = None,
) -> OpinionResponse:
    """Register an online item about ``matter`` (the offline matter it concerns), optionally in a case."""
    require(actor, PERMISSION)
    now = now or timezone.now()
    if matter is None:
        raise ValidationError({"matter": _("请填写所涉事项。")})
    require(actor, PERMISSION, matter)
    if case is not None:
        require(actor, PERMISSION, case)
    errors = {}
    try:
        title = _text(title, "title", _("请填写舆情摘要。"), limit=MAX_SHORT)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        platform = _text(platform, "platform", _("请填写发现平台。"), limit=100)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if reported_by not in ReportedBy.values:
        errors["reported_by"] = [_("请选择信息来源。")]
    seen_at = seen_at or now
    if seen_at > now:
        errors["seen_at"] = [_("发现时间不能晚于当前时间。")]
    if errors:
        raise ValidationError(errors)
    source, _original = protect_text((source_text or "").strip())
    response = OpinionResponse.objects.create(
        matter=matter,
        case=case,
        title=title,
        platform=platform,
        source_text=source,
        reported_by=reported_by,
        seen_at=seen_at,
        created_by=actor,
        created_at=now,
    )
    audit.record(actor, "opinion.open", response, after=audit.snapshot(response, FIELDS), area=matter.area)
    _on_matter(actor, response, "opinion_opened", _(OPENED_LINE) % {"t": title, "p": platform}, now)
    return response


@transaction.atomic
def record_verification(
    actor, response: OpinionResponse, *, result: str, note: str, version=None, now=None
) -> OpinionResponse:
    """核实: what the claim turned out to be, and how it was checked. Moves on to 口径."""
    before = _begin(actor, response, version, OpinionStage.VERIFY)
    now = now or timezone.now()
    if result not in Verification.values:
        raise ValidationError({"result": _("请选择核实结论。")})
    response.verification = result
    response.verification_note = _text(note, "note", _("请填写核实情况。"))
    response.verified_at, response.verified_by = now, actor
    response.stage = OpinionStage.WORDING
    _finish(actor, response, "opinion.verify", before)
    return response


@transaction.atomic
def draft_wording(
    actor, response: OpinionResponse, *, wording: str, version=None, now=None
) -> OpinionResponse:
    """口径 drafted (or redrafted) for approval; the stage stays 口径 until it is approved."""
    before = _begin(actor, response, version, OpinionStage.WORDING)
    response.wording = _text(wording, "wording", _("请填写回应口径。"))
    response.wording_drafted_by = actor
    _finish(actor, response, "opinion.wording_draft", before)
    return response


@transaction.atomic
def approve_wording(
    actor, response: OpinionResponse, *, wording: str | None = None, version=None, now=None
) -> OpinionResponse:
    """口径 approved (审定) by a leader or the centre, as drafted or as edited by them. Moves on to 回应."""
    before = _begin(actor, response, version, OpinionStage.WORDING, APPROVE_PERMISSION)
    now = now or timezone.now()
    if wording is not None and wording.strip():
        response.wording = wording.strip()
    if not response.wording.strip():
        raise ValidationError({"wording": _("尚无口径草稿，请先拟定回应口径。")})
    response.wording_approved_at, response.wording_approved_by = now, actor
    response.stage = OpinionStage.RESPOND
    _finish(actor, response, "opinion.wording_approve", before)
    return response


@transaction.atomic
def record_response(
    actor,
    response: OpinionResponse,
    *,
    channel: str,
    published_at: dt.datetime,
    text: str,
    version=None,
    now=None,
) -> OpinionResponse:
    """回应: the response as published, where and when. Moves on to 跟踪."""
    before = _begin(actor, response, version, OpinionStage.RESPOND)
    now = now or timezone.now()
    response.response_channel = _text(channel, "channel", _("请填写发布渠道。"), limit=100)
    if published_at is None:
        raise ValidationError({"published_at": _("请填写发布时间。")})
    _not_future(published_at, "published_at", now, _("发布时间不能晚于当前时间。"))
    if response.wording_approved_at and published_at < response.wording_approved_at:
        raise ValidationError({"published_at": _("发布时间不能早于口径审定时间。")})
    response.response_at = published_at
    response.response_text = _text(text, "text", _("请填写发布内容。"))
    response.responded_by = actor
    response.stage = OpinionStage.TRACK
    _finish(actor, response, "opinion.respond", before)
    _on_matter(
        actor, response, "opinion_responded", _(RESPONDED_LINE) % {"c": response.response_channel}, now
    )
    return response


@transaction.atomic
def add_tracking(
    actor,
    response: OpinionResponse,
    *,
    on_date: dt.date,
    posts: int,
    views: int,
    note: str = "",
    version=None,
    now=None,
) -> OpinionTracking:
    """跟踪: further posts and views on a day, as counted by staff (after the response, not in the future)."""
    before = _begin(actor, response, version, OpinionStage.TRACK)
    now = now or timezone.now()
    errors = {}
    if on_date is None:
        errors["on_date"] = [_("请填写日期。")]
    elif on_date > timezone.localdate(now):
        errors["on_date"] = [_("日期不能晚于今天。")]
    elif response.response_at and on_date < timezone.localdate(response.response_at):
        errors["on_date"] = [_("跟踪日期不能早于回应发布日期。")]
    for name, value in (("posts", posts), ("views", views)):
        if value is None or int(value) < 0:
            errors[name] = [_("请填写不小于 0 的整数。")]
    if errors:
        raise ValidationError(errors)
    entry = OpinionTracking.objects.create(
        response=response,
        on_date=on_date,
        posts=int(posts),
        views=int(views),
        note=(note or "").strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    _finish(
        actor,
        response,
        "opinion.track",
        before,
        note=_("%(d)s：帖文 %(p)d，浏览 %(v)d")
        % {"d": on_date.isoformat(), "p": entry.posts, "v": entry.views},
    )
    return entry


@transaction.atomic
def close_opinion(
    actor, response: OpinionResponse, *, summary: str, version=None, now=None
) -> OpinionResponse:
    """结束, with a summary: after at least one tracking entry."""
    before = _begin(actor, response, version, OpinionStage.TRACK)
    now = now or timezone.now()
    if not response.tracking.exists():
        raise WorkflowError(_("请至少记录一次跟踪情况后再结束。"))
    response.summary = _text(summary, "summary", _("请填写处置小结。"))
    response.closed_at, response.closed_by = now, actor
    response.stage = OpinionStage.CLOSED
    _finish(actor, response, "opinion.close", before)
    _on_matter(actor, response, "opinion_closed", _(CLOSED_LINE) % {"s": response.summary}, now)
    return response
