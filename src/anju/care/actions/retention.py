"""The daily care job (``anju care-tick``): end the care plans whose matter has been archived for
``ANJU_CARE_AFTER_ARCHIVE_DAYS`` days, remove the need markers no active plan keeps, and remind care
persons of visits due or overdue. Run twice on one day, it writes and sends nothing more."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.care.models import CarePlan, CareVisit, NeedMarker, PlanStatus
from anju.core import audit
from anju.core.notifications import notify
from anju.matters.models import MatterEvent
from anju.matters.workflow import Status

DEFAULT_DAYS = 90
PLAN_FIELDS = ("status", "closed_at", "close_reason")


def care_days() -> int:
    return int(getattr(settings, "ANJU_CARE_AFTER_ARCHIVE_DAYS", DEFAULT_DAYS))


def archived_on(matter) -> dt.datetime | None:
    """When the matter was (last) archived: its timeline's archive step."""
    return MatterEvent.objects.filter(matter=matter, to_status=Status.ARCHIVED).aggregate(at=Max("at"))["at"]


@transaction.atomic
def end_expired_plans(now: dt.datetime | None = None) -> int:
    """Close each active plan whose matter was archived at least the care period ago. Returns how many."""
    now = now or timezone.now()
    days = care_days()
    ended = 0
    plans = (
        CarePlan.objects.select_for_update()
        .filter(status=PlanStatus.ACTIVE, party__matter__status=Status.ARCHIVED)
        .select_related("party__matter__area")
        .order_by("pk")
    )
    for plan in plans:
        archived = archived_on(plan.party.matter)
        if archived is None or archived + dt.timedelta(days=days) > now:
            continue
        before = audit.snapshot(plan, PLAN_FIELDS)
        plan.status, plan.closed_at = PlanStatus.CLOSED, now
        plan.close_reason = _("事项归档已满 %(days)s 天，关爱计划到期结束。") % {"days": days}
        plan.save()
        audit.record(
            None,
            "care.plan_expire",
            plan,
            before=before,
            after=audit.snapshot(plan, PLAN_FIELDS),
            area=plan.party.matter.area,
        )
        ended += 1
    return ended


def expired_markers(now: dt.datetime):
    """Markers no care keeps: their party has no active plan, and either a plan of the party has ended (the
    care they served is over) or the marker is older than the care period (it never got a plan)."""
    active = CarePlan.objects.filter(party=OuterRef("party"), status=PlanStatus.ACTIVE)
    ended = CarePlan.objects.filter(party=OuterRef("party"), status=PlanStatus.CLOSED)
    old = now - dt.timedelta(days=care_days())
    markers = NeedMarker.objects.annotate(kept=Exists(active), ended=Exists(ended)).filter(kept=False)
    return markers.filter(ended=True) | markers.filter(added_at__lte=old)


@transaction.atomic
def remove_expired_needs(now: dt.datetime | None = None) -> int:
    """Delete the markers no care keeps, one audit event each. Returns how many were removed."""
    now = now or timezone.now()
    removed = 0
    for marker in expired_markers(now).select_related("party__matter__area").order_by("pk"):
        audit.record(
            None,
            "care.need_removed",
            marker.party,
            before={"need": marker.need, "added_at": marker.added_at.isoformat()},
            note=_("关爱已结束或未建立关爱计划，需求标记到期删除。"),
            area=marker.party.matter.area,
        )
        marker.delete()
        removed += 1
    return removed


def remind_visits(now: dt.datetime | None = None) -> int:
    """Tell each care person of their visits due today or tomorrow, and of those overdue; once per visit
    and day. Returns the notices sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        CareVisit.objects.filter(
            plan__status=PlanStatus.ACTIVE, done_on__isnull=True, planned_on__lte=today + dt.timedelta(days=1)
        )
        .select_related("plan__care_person", "plan__party__matter")
        .order_by("planned_on", "pk")
    )
    sent = 0
    for visit in due:
        matter = visit.plan.party.matter
        values = {
            "number": matter.number,
            "title": matter.title,
            "kind": visit.get_kind_display(),
            "date": f"{visit.planned_on:%Y-%m-%d}",
        }
        overdue = visit.planned_on < today
        sent += len(
            notify(
                visit.plan.care_person,
                kind="care.visit_overdue" if overdue else "care.visit_due",
                title=(
                    _("【关爱%(kind)s逾期】%(number)s %(title)s")
                    if overdue
                    else _("关爱%(kind)s：%(number)s %(title)s")
                )
                % values,
                body=(
                    _("计划于 %(date)s 的%(kind)s尚未记录，请尽快走访并记录。")
                    if overdue
                    else _("计划于 %(date)s %(kind)s，请按时走访并记录。")
                )
                % values,
                link=f"/care/plans/{visit.plan_id}/",
                key=f"care:visit:{visit.pk}:{today.isoformat()}",
                now=now,
            )
        )
    return sent


def care_tick(now: dt.datetime | None = None) -> dict[str, int]:
    """The daily job: plans ended, markers removed, reminders sent."""
    now = now or timezone.now()
    return {
        "plans_ended": end_expired_plans(now),
        "needs_removed": remove_expired_needs(now),
        "reminders": remind_visits(now),
    }
