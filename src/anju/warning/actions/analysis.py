"""Analysis meetings (研判会): plan, minutes, decisions and their tasks, key dates with daily meetings."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.models import Area, AreaLevel, Domain
from anju.core.notifications import members_of, notify
from anju.core.permissions import may, require
from anju.core.scoping import scoped
from anju.matters.models import Matter
from anju.warning.actions.alerts import draft_alert
from anju.warning.describe import describe
from anju.warning.models import Alert, AlertStatus, MessageType, Signal
from anju.warning.models_analysis import (
    AgendaItem,
    AgendaKind,
    AnalysisMeeting,
    DecisionKind,
    KeyDate,
    MeetingDecision,
    MeetingKind,
    MeetingStatus,
)

STALE_MEETING = gettext_lazy("该研判会已被他人修改，请刷新后重试。")
AGENDA_LIMIT = 20  # per kind, so a meeting's agenda stays readable
SIGNAL_LOOKBACK_DAYS = 14


def _guarded(actor, meeting: AnalysisMeeting, version) -> AnalysisMeeting:
    """The role first, before anything is read; then the meeting locked and its area checked for scope."""
    require(actor, "analysis.manage")
    meeting = lock_checked(meeting, version, message=STALE_MEETING)
    require(actor, "analysis.manage", meeting)
    return meeting


def _in_area(qs, area: Area, field: str = "area"):
    return qs.filter(**{f"{field}__path__startswith": area.path})


def prefill_agenda(meeting: AnalysisMeeting, *, today: dt.date | None = None) -> int:
    """New signals, open high-level matters, overdue matters and current warnings in the meeting's area."""
    today = today or timezone.localdate()
    items: list[AgendaItem] = []
    signals = (
        _in_area(
            Signal.objects.filter(alarm=True, week__gte=today - dt.timedelta(days=SIGNAL_LOOKBACK_DAYS)),
            meeting.area,
        )
        .select_related("area", "domain")
        .order_by("-week", "-score")[:AGENDA_LIMIT]
    )
    items += [
        AgendaItem(meeting=meeting, kind=AgendaKind.SIGNAL, signal=s, summary=describe(s, today)[:300])
        for s in signals
    ]
    open_matters = _in_area(Matter.objects.open(), meeting.area).select_related("area")
    high = open_matters.filter(
        Q(residual_level__in=("high", "critical"))
        | Q(residual_level="", inherent_level__in=("high", "critical"))
    )
    items += [
        AgendaItem(
            meeting=meeting,
            kind=AgendaKind.HIGH,
            matter=m,
            summary=f"{m.number} {m.area.name} {m.title}（{m.get_inherent_level_display()}）"[:300],
        )
        for m in high.order_by("-registered_at")[:AGENDA_LIMIT]
    ]
    overdue = open_matters.overdue(today).order_by("deadline")[:AGENDA_LIMIT]
    items += [
        AgendaItem(
            meeting=meeting,
            kind=AgendaKind.OVERDUE,
            matter=m,
            summary=f"{m.number} {m.area.name} {m.title}，期限 {m.deadline}"[:300],
        )
        for m in overdue
    ]
    alerts = _in_area(
        Alert.objects.filter(status=AlertStatus.ISSUED).exclude(msg_type=MessageType.CANCEL), meeting.area
    ).order_by("-issued_at")[:AGENDA_LIMIT]
    items += [
        AgendaItem(
            meeting=meeting,
            kind=AgendaKind.ALERT,
            alert=a,
            summary=f"[{a.get_level_display()}] {a.headline}"[:300],
        )
        for a in alerts
    ]
    for order, item in enumerate(items):
        item.order = order
    AgendaItem.objects.bulk_create(items)
    return len(items)


@transaction.atomic
def plan_meeting(
    actor,
    *,
    kind: str,
    area: Area,
    title: str,
    held_at: dt.datetime,
    key_date=None,
    agenda_matters=None,
    now: dt.datetime | None = None,
) -> AnalysisMeeting:
    """A meeting, its agenda pre-filled from the area's state; or, given ``agenda_matters`` (a 专题研判 of a
    hotspot or a case), those matters as its agenda — each must be the actor's to see."""
    require(actor, "analysis.manage", area)  # area None: role only here, then "choose an area" below
    errors = {}
    if kind not in MeetingKind.values:
        errors["kind"] = _("请选择研判类型。")
    if not (title or "").strip():
        errors["title"] = _("请填写主题。")
    if area is None:
        errors["area"] = _("研判范围须在您的管辖范围内。")
    if held_at is None:
        errors["held_at"] = _("请填写召开时间。")
    if errors:
        raise ValidationError(errors)
    for matter in agenda_matters or ():
        require(actor, "analysis.manage", matter)
    meeting = AnalysisMeeting.objects.create(
        kind=kind, area=area, title=title.strip(), held_at=held_at, key_date=key_date, created_by=actor
    )
    if agenda_matters is None:
        n = prefill_agenda(meeting, today=timezone.localdate(now) if now else None)
    else:
        n = len(
            AgendaItem.objects.bulk_create(
                AgendaItem(
                    meeting=meeting,
                    kind=AgendaKind.OTHER,
                    matter=m,
                    summary=f"{m.number} {m.area.name} {m.title}"[:300],
                    order=order,
                )
                for order, m in enumerate(agenda_matters)
            )
        )
    audit.record(actor, "analysis.plan", meeting, after={"kind": kind, "title": meeting.title, "agenda": n})
    return meeting


@transaction.atomic
def record_minutes(
    actor, meeting: AnalysisMeeting, *, attendees: str, minutes: str, version=None
) -> AnalysisMeeting:
    """Save the minutes; ``version`` is the one the page showed, so two editors never overwrite each other."""
    meeting = _guarded(actor, meeting, version)
    errors = {}
    if not (attendees or "").strip():
        errors["attendees"] = _("请填写参会人员。")
    if not (minutes or "").strip():
        errors["minutes"] = _("请填写会议纪要。")
    if errors:
        raise ValidationError(errors)
    before = {"status": meeting.status}
    meeting.attendees, meeting.minutes, meeting.status = (
        attendees.strip(),
        minutes.strip(),
        MeetingStatus.HELD,
    )
    meeting.save()
    audit.record(actor, "analysis.minutes", meeting, before=before, after={"status": meeting.status})
    return meeting


@transaction.atomic
def add_decision(
    actor,
    meeting: AnalysisMeeting,
    *,
    kind: str,
    text: str,
    unit,
    deadline: dt.date | None = None,
    alert_level: str = "yellow",
    version=None,
    now: dt.datetime | None = None,
) -> MeetingDecision:
    """A decision becomes a tracked task (with a deadline) or a draft warning to the unit."""
    meeting = _guarded(actor, meeting, version)
    now = now or timezone.now()
    errors = {}
    if kind not in DecisionKind.values:
        errors["kind"] = _("请选择决定类型。")
    if not (text or "").strip():
        errors["text"] = _("请填写决定事项。")
    if unit is None:
        errors["unit"] = _("请选择责任单位。")
    if kind == DecisionKind.TASK and deadline is None:
        errors["deadline"] = _("交办任务须有完成期限。")
    elif deadline is not None and deadline < timezone.localdate(now):
        errors["deadline"] = _("完成期限不能早于今天。")
    if errors:
        raise ValidationError(errors)
    decision = MeetingDecision(meeting=meeting, kind=kind, text=text.strip(), unit=unit, deadline=deadline)
    if kind == DecisionKind.WARNING:
        domain = next(
            (i.signal.domain for i in meeting.agenda.select_related("signal__domain") if i.signal), None
        )
        if domain is None:
            domain = Domain.objects.filter(active=True).first()
        decision.alert = draft_alert(
            actor,
            domain=domain,
            level=alert_level,
            headline=meeting.title,
            area=meeting.area,
            onset=now,
            expected=text.strip(),
            measures=text.strip(),
            recipients=[unit],
        )
    decision.save()
    audit.record(
        actor,
        "analysis.decide",
        meeting,
        after={"kind": kind, "unit": unit.pk, "text": decision.text, "alert": decision.alert_id},
    )
    if kind == DecisionKind.TASK:
        notify(
            [u for u in members_of(unit, excluding=actor) if may(u, "analysis.task")],
            kind="warning.meeting_task",
            title=_("研判会交办任务：%(meeting)s") % {"meeting": meeting.title},
            body=_("%(text)s（完成期限 %(deadline)s）")
            % {"text": decision.text, "deadline": f"{deadline:%Y-%m-%d}"},
            # the task's own page: the unit may be outside the meeting's area, whose page it cannot open
            link=reverse("warning:task", args=[decision.pk]),
            key=f"warning:task:{decision.pk}",
            now=now,
        )
    return decision


@transaction.atomic
def complete_task(
    actor, decision: MeetingDecision, *, note: str, now: dt.datetime | None = None
) -> MeetingDecision:
    """办结 by a member of the responsible unit (wherever the meeting was held), or by a manager of the
    meeting's area on the unit's behalf."""
    responsible = actor is not None and actor.unit_id is not None and actor.unit_id == decision.unit_id
    if not responsible and not may(actor, "analysis.manage"):
        raise NotAllowed(_("只有责任单位可以办结该任务。"))
    # Locked, so that a double submit finds the task done and says so instead of completing it twice.
    decision = MeetingDecision.objects.select_for_update().select_related("meeting").get(pk=decision.pk)
    if responsible:
        require(actor, "analysis.task", decision)  # addressed to the actor's unit: the role is what is left
    else:
        require(actor, "analysis.manage", decision.meeting)
    if decision.kind != DecisionKind.TASK:
        raise WorkflowError(_("只有交办任务需要办结。"))
    if decision.done_at:
        raise WorkflowError(_("该任务已办结。"))
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写完成情况。")})
    decision.done_at, decision.done_note = now or timezone.now(), note.strip()
    decision.save()
    audit.record(actor, "analysis.task_done", decision.meeting, after={"decision": decision.pk})
    return decision


def active_key_dates(today: dt.date | None = None, *, area: Area | None = None):
    """The key dates with daily analysis on ``today``; with ``area``, those holding there (its own and those
    of the areas above it)."""
    today = today or timezone.localdate()
    qs = KeyDate.objects.filter(daily_analysis=True, start__lte=today, end__gte=today)
    return qs if area is None else qs.filter(area__in=area.ancestors())


def key_dates_for(user):
    """The key dates a user's pages list: those of their area subtree and those holding there from above."""
    mine = scoped(user, KeyDate)
    if user.area_id is None:
        return mine.select_related("area")
    return KeyDate.objects.filter(Q(pk__in=mine.values("pk")) | Q(area__in=user.area.ancestors()))


def daily_meeting_areas(key_date: KeyDate) -> list[Area]:
    """Where a key date's daily meetings are held: its own area, and every town below a county's."""
    areas = [key_date.area]
    if key_date.area.level < AreaLevel.TOWN:
        areas += list(Area.objects.subtree(key_date.area).filter(level=AreaLevel.TOWN))
    return areas


@transaction.atomic
def ensure_daily_meetings(today: dt.date | None = None) -> list[AnalysisMeeting]:
    """During a key date, one 节点每日研判 per day in its area and every town below it (the scheduler's job,
    ``anju analysis-tick``): a town's own key dates give the town daily meetings of its own."""
    today = today or timezone.localdate()
    created = []
    for key_date in active_key_dates(today).select_related("area"):
        for area in daily_meeting_areas(key_date):
            if AnalysisMeeting.objects.filter(
                kind=MeetingKind.DAILY, key_date=key_date, area=area, held_at__date=today
            ).exists():
                continue
            held_at = timezone.make_aware(dt.datetime.combine(today, dt.time(9, 0)))
            meeting = AnalysisMeeting.objects.create(
                kind=MeetingKind.DAILY,
                area=area,
                key_date=key_date,
                title=f"{key_date.name}期间每日研判（{area.name}，{today:%m月%d日}）",
                held_at=held_at,
            )
            prefill_agenda(meeting, today=today)
            audit.record(
                None,
                "analysis.plan",
                meeting,
                after={"kind": "daily", "key_date": key_date.name, "area": area.pk},
            )
            created.append(meeting)
    return created


@transaction.atomic
def save_key_date(
    actor,
    *,
    name: str,
    start: dt.date,
    end: dt.date,
    area: Area | None = None,
    daily_analysis: bool = True,
) -> KeyDate:
    """A key date of ``area`` (default: the actor's area), which must be in the actor's scope: a county's
    holds for every town below it, a town's for that town."""
    require(actor, "analysis.manage")
    area = area or actor.area or Area.objects.filter(parent__isnull=True).order_by("path").first()
    errors = {}
    if area is None:
        errors["area"] = _("请选择适用范围。")
    else:
        require(actor, "analysis.manage", area)
        if area.level > AreaLevel.TOWN:
            errors["area"] = _("重要节点的适用范围须为县或乡镇（街道）。")
    if not (name or "").strip():
        errors["name"] = _("请填写名称。")
    if start is None or end is None:
        errors["end"] = _("请填写起止日期。")
    elif end < start:
        errors["end"] = _("结束日期不能早于开始日期。")
    if errors:
        raise ValidationError(errors)
    key_date = KeyDate.objects.create(
        name=name.strip(), area=area, start=start, end=end, daily_analysis=daily_analysis
    )
    audit.record(
        actor,
        "analysis.key_date",
        key_date,
        after={"name": key_date.name, "area": area.pk, "start": start, "end": end},
        area=area,
    )
    return key_date
