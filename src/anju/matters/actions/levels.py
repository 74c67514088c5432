"""What the level rules (``matters.level_rules``) make people do: the 包案领导, periodic 进展报告, and the
daily job (``anju deadline-tick``) that writes automatic 督办 and reports an unanswered 督办 upwards.

The job (``apply_level_rules``) is idempotent: each automatic 督办 is written once per matter and deadline,
each 督办 is reported upwards once, each progress report is due once per matter and date, and reminders carry
a notification key per report and day. Running it twice writes nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.concurrency import lock_checked
from anju.core.crypto import protect_text
from anju.core.models import User
from anju.core.notifications import notify
from anju.core.roles import Role
from anju.matters.actions.base import begin, finish, log_event, required_text, snapshot
from anju.matters.actions.notices import _link, _responsible, tell_supervised
from anju.matters.level_rules import Rule, rule_for
from anju.matters.models import Matter, MatterEvent, ProgressReport, SupervisionNote
from anju.matters.workflow import DEADLINE_STATUSES

# Timeline entries by which the responsible side answers a 督办 (by someone other than its author).
ANSWER_KINDS = frozenset(
    {"note", "mediation", "progress_report", "started", "resolved", "escalated", "returned", "assigned"}
)


def lead_leader_errors(matter: Matter, leader) -> dict:
    """Why ``leader`` cannot be the matter's 包案领导 ({} when they can)."""
    if leader is None:
        return {"lead_leader": _("请选择包案领导。")}
    if leader.role != Role.LEADER or not leader.is_active:
        return {"lead_leader": _("包案领导须为在职的领导账号。")}
    if leader.area is None or not leader.area.contains(matter.area):
        return {"lead_leader": _("包案领导的辖区须包含事项发生地。")}
    return {}


def lead_leader_missing_message(matter: Matter, rule: Rule | None) -> str:
    if matter.grey_rhino and not (rule and rule.lead_leader_required):
        return _("灰犀牛事项须明确包案领导。")
    return _("按等级处置规则，该风险等级的事项须明确包案领导。")


def tell_lead_leader(actor, matter: Matter, *, now: dt.datetime) -> int:
    leader = matter.lead_leader
    if leader is None or (actor is not None and leader.pk == actor.pk):
        return 0
    return len(
        notify(
            leader,
            kind="matters.lead_leader",
            title=_("包案：%(number)s %(title)s") % {"number": matter.number, "title": matter.title},
            body=_("您已被明确为该事项的包案领导。"),
            link=_link(matter),
            key=f"matters:lead:{matter.pk}:{leader.pk}",
            now=now,
        )
    )


@transaction.atomic
def set_lead_leader(
    actor,
    matter: Matter,
    *,
    leader,
    note: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """包案领导: a leader whose area contains the matter's area takes charge of it."""
    step = begin(actor, matter, "lead_leader", version, now)
    errors = lead_leader_errors(matter, leader)
    if errors:
        raise ValidationError(errors)
    matter.lead_leader = leader
    finish(
        step,
        note=_("包案领导：%(name)s") % {"name": leader},
        data={"lead_leader": leader.pk},
        changed=True,
    )
    if (note or "").strip():
        log_event(actor, matter, "note", snapshot(matter), note=note.strip(), at=step.now)
    tell_lead_leader(actor, matter, now=step.now)
    return matter


def schedule_progress_report(
    matter: Matter, today: dt.date, rule: Rule | None = None
) -> ProgressReport | None:
    """Make the next progress report due, when the matter's rule asks for them and none is open; the first one
    ``report_every_days`` after today, later ones that long after the last one filed. Writes nothing when a
    report is already open, so calling it again is harmless."""
    rule = rule or rule_for(matter)
    if rule is None or not rule.report_every_days or matter.status not in DEADLINE_STATUSES:
        return None
    reports = ProgressReport.objects.filter(matter=matter)
    if reports.filter(filed_at__isnull=True).exists():
        return None
    last = reports.filter(filed_at__isnull=False).order_by("-filed_at").first()
    start = timezone.localdate(last.filed_at) if last else today
    due_on = start + dt.timedelta(days=rule.report_every_days)
    report, _created = ProgressReport.objects.get_or_create(matter=matter, due_on=due_on)
    return report


@transaction.atomic
def file_progress_report(
    actor,
    matter: Matter,
    *,
    text: str,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> ProgressReport:
    """进展报告: the responsible side reports progress; files the earliest open report (or an unscheduled
    one) and makes the next one due by the rule's cadence."""
    step = begin(actor, matter, "progress_report", version, now)
    masked, _original = protect_text(required_text(text, "text", _("请填写进展情况。")))
    report = ProgressReport.objects.filter(matter=matter, filed_at__isnull=True).order_by("due_on").first()
    if report is None:
        report, _created = ProgressReport.objects.get_or_create(matter=matter, due_on=step.today)
    late = report.due_on < step.today
    report.filed_at, report.filed_by, report.text = step.now, actor, masked
    report.save()
    finish(
        step,
        note=_("进展报告（应报 %(due)s%(late)s）：%(text)s")
        % {"due": f"{report.due_on:%Y-%m-%d}", "late": _("，逾期报告") if late else "", "text": masked},
        data={"report": report.pk},
    )
    schedule_progress_report(matter, step.today)
    return report


# --- the daily job --------------------------------------------------------------------------------------------


def _overdue_days(matter: Matter, today: dt.date) -> int:
    return (today - matter.deadline).days if matter.deadline else 0


def next_level_leaders(matter: Matter) -> list:
    """The active leaders of the level above the handling area (the handling area's own at the top), or the
    nearest level above that has any."""
    area = matter.handling_area
    chain = list(reversed(area.ancestors()))  # the handling area itself first, the root last
    candidates = chain[1:] or chain
    for candidate in candidates:
        leaders = list(User.objects.filter(role=Role.LEADER, is_active=True, area=candidate).order_by("pk"))
        if leaders:
            return leaders
    return []


def _answered(note: SupervisionNote) -> bool:
    answers = MatterEvent.objects.filter(
        matter_id=note.matter_id, at__gt=note.at, actor__isnull=False, kind__in=ANSWER_KINDS
    )
    if note.by_id:
        answers = answers.exclude(actor_id=note.by_id)
    return answers.exists()


@transaction.atomic
def auto_supervise(matter: Matter, *, now: dt.datetime) -> SupervisionNote | None:
    """督办 written by the system for a matter overdue by the rule's days; once per matter and deadline."""
    lock_checked(matter, None)
    today = timezone.localdate(now)
    rule = rule_for(matter)
    if (
        rule is None
        or not rule.supervise_after_days_overdue
        or matter.status not in DEADLINE_STATUSES
        or matter.deadline is None
        or _overdue_days(matter, today) < rule.supervise_after_days_overdue
        or SupervisionNote.objects.filter(
            matter=matter, automatic=True, for_deadline=matter.deadline
        ).exists()
    ):
        return None
    text = _("自动督办：办理期限 %(deadline)s 已超期 %(days)s 天，请立即办理并报告进展。") % {
        "deadline": f"{matter.deadline:%Y-%m-%d}",
        "days": _overdue_days(matter, today),
    }
    note = SupervisionNote.objects.create(
        matter=matter, by=None, note=text, at=now, automatic=True, for_deadline=matter.deadline
    )
    log_event(
        None,
        matter,
        "supervised",
        snapshot(matter),
        note=text,
        data={"note": note.pk, "automatic": True},
        at=now,
    )
    tell_supervised(None, matter, note=text, now=now)
    if matter.lead_leader_id:
        notify(
            matter.lead_leader,
            kind="matters.supervised",
            title=_("督办：%(number)s %(title)s") % {"number": matter.number, "title": matter.title},
            body=text,
            link=_link(matter),
            key=f"matters:auto-supervised:{note.pk}",
            now=now,
        )
    return note


@transaction.atomic
def escalate_unanswered(note: SupervisionNote, *, now: dt.datetime) -> bool:
    """Report a 督办 unanswered for the rule's days to the next level's leaders; once per 督办."""
    note = SupervisionNote.objects.select_for_update().get(pk=note.pk)
    matter = note.matter
    lock_checked(matter, None)
    rule = rule_for(matter)
    if (
        note.escalated_at is not None
        or rule is None
        or not rule.escalate_after_days
        or matter.status not in DEADLINE_STATUSES
        or now < note.at + dt.timedelta(days=rule.escalate_after_days)
        or _answered(note)
    ):
        return False
    leaders = next_level_leaders(matter)
    note.escalated_at = now
    note.save(update_fields=["escalated_at"])
    names = "、".join(str(u) for u in leaders) or _("（无可通知的领导）")
    text = _("督办（%(at)s）%(days)s 天未回应，已报上级领导：%(names)s") % {
        "at": f"{timezone.localtime(note.at):%Y-%m-%d}",
        "days": rule.escalate_after_days,
        "names": names,
    }
    log_event(
        None,
        matter,
        "supervision_escalated",
        snapshot(matter),
        note=text,
        data={"note": note.pk, "leaders": [u.pk for u in leaders]},
        at=now,
    )
    notify(
        leaders,
        kind="matters.supervision_escalated",
        title=_("督办未回应：%(number)s %(title)s") % {"number": matter.number, "title": matter.title},
        body=text,
        link=_link(matter),
        key=f"matters:supervision-escalated:{note.pk}",
        now=now,
    )
    return True


def remind_progress_reports(now: dt.datetime) -> int:
    """Tell the responsible side of each open progress report due by tomorrow or overdue; once a day."""
    today = timezone.localdate(now)
    due = (
        ProgressReport.objects.filter(
            filed_at__isnull=True,
            due_on__lte=today + dt.timedelta(days=1),
            matter__status__in=DEADLINE_STATUSES,
        )
        .select_related("matter", "matter__responsible_unit", "matter__responsible_person")
        .order_by("due_on", "pk")
    )
    sent = 0
    for report in due:
        matter = report.matter
        values = {"number": matter.number, "title": matter.title, "due": f"{report.due_on:%Y-%m-%d}"}
        title = (
            _("【进展报告逾期】%(number)s %(title)s") % values
            if report.due_on < today
            else _("进展报告：%(number)s %(title)s") % values
        )
        sent += len(
            notify(
                _responsible(matter),
                kind="matters.progress_report",
                title=title,
                body=_("请于 %(due)s 前报告办理进展。") % values,
                link=_link(matter),
                key=f"matters:progress:{report.pk}:{today.isoformat()}",
                now=now,
            )
        )
    return sent


def apply_level_rules(now: dt.datetime | None = None) -> dict[str, int]:
    """The level rules' daily job: due progress reports and their reminders, automatic 督办 of overdue
    matters, and unanswered 督办 reported upwards. Returns what it wrote, by kind."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"progress_due": 0, "progress_reminders": 0, "auto_supervised": 0, "escalated": 0}
    running = Matter.objects.filter(status__in=DEADLINE_STATUSES).select_related("area", "handling_area")
    for matter in running.order_by("pk"):
        with transaction.atomic():
            before = ProgressReport.objects.filter(matter=matter).count()
            schedule_progress_report(matter, today)
            counts["progress_due"] += ProgressReport.objects.filter(matter=matter).count() - before
    counts["progress_reminders"] = remind_progress_reports(now)
    overdue = running.filter(deadline__lt=today).order_by("deadline", "pk")
    for matter in overdue:
        if auto_supervise(matter, now=now) is not None:
            counts["auto_supervised"] += 1
    waiting = SupervisionNote.objects.filter(
        escalated_at__isnull=True, matter__status__in=DEADLINE_STATUSES, at__lte=now
    ).order_by("at", "pk")
    for note in waiting:
        if escalate_unanswered(note, now=now):
            counts["escalated"] += 1
    return counts
