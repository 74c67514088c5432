"""State changes of the early-warning app. ``run_scan`` is what cron / the scheduler / the button call."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import audit
from anju.core.concurrency import lock_checked, parse_version
from anju.core.errors import Conflict, NotAllowed, WorkflowError
from anju.core.models import Area
from anju.core.scoping import in_scope
from anju.warning.cap import mapping
from anju.warning.counting import monday_of, weekly_counts
from anju.warning.describe import alert_text_from_signal
from anju.warning.detection import clean_controls, scan_points
from anju.warning.models import (
    Alert,
    AlertLevel,
    AlertRecipient,
    AlertStatus,
    DomainDetection,
    MessageType,
    Signal,
    SignalScan,
)

SIGNAL_KEY = ("area_id", "domain_id", "week")
SIGNAL_VALUES = ("method", "observed", "expected", "upperbound", "score", "alarm", "status", "scan_id")


def _signal_upsert(points: list[dict]) -> tuple[str, list[tuple]]:
    """One INSERT … ON CONFLICT (series, week) DO UPDATE and its rows, less the scan id, ready before the
    transaction opens. Executed per row by the driver (``executemany``), it writes thousands of signals in
    milliseconds, where building the same statement through the ORM costs about 0.25 ms per row inside
    the write lock. Updating in place keeps each signal's id, so warnings and agenda items drafted from
    a signal keep it. SQLite (3.24+) and PostgreSQL read the same statement."""
    quote = connection.ops.quote_name  # column names come from the model, quoted; values are parameters
    columns = SIGNAL_KEY + SIGNAL_VALUES
    sql = (
        f"INSERT INTO {quote(Signal._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # nosec B608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in SIGNAL_KEY)}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in SIGNAL_VALUES)
    )
    adapt_date = connection.ops.adapt_datefield_value
    rows = [
        (p["area_id"], p["domain_id"], adapt_date(p["week"]))
        + tuple(p[c] for c in SIGNAL_VALUES if c != "scan_id")
        for p in points
    ]
    return sql, rows


MAX_SCAN_WEEKS = 520


def scan_weeks(value) -> int:
    """The number of weeks a scan re-evaluates, from a page or a command; bad input is a ValidationError."""
    try:
        weeks = int(str(value).strip())
    except (TypeError, ValueError):
        weeks = 0
    if not 1 <= weeks <= MAX_SCAN_WEEKS:
        raise ValidationError({"weeks": _("周数须为 1 至 %(max)s 之间的整数。") % {"max": MAX_SCAN_WEEKS}})
    return weeks


def run_scan(actor=None, *, through: dt.date | None = None, weeks: int = 4) -> SignalScan:
    """Count matters per (village, domain, ISO week) and evaluate the last ``weeks`` weeks through
    ``through`` (default: this week) with each domain's configured method; store one Signal per
    series and week, updating earlier evaluations of the same weeks in place (so that warnings and
    agenda items drafted from a signal keep it).

    The numbers are computed before the transaction opens; the transaction only writes them, so the
    database's write lock is held for the writing alone (``SignalScan.write_ms``)."""
    if actor is not None:
        actor.require("signals.scan")
    weeks = scan_weeks(weeks)
    started_at, started = timezone.now(), time.perf_counter()
    through = through or timezone.localdate()
    counts = weekly_counts(through)
    n_weeks = counts.counts.shape[1]
    weeks = min(weeks, n_weeks)
    t_index = np.arange(n_weeks - weeks + 1, n_weeks + 1)
    configured = {d.domain_id: d for d in DomainDetection.objects.all()}
    points = scan_points(counts, t_index, configured)
    first_week = counts.mondays[t_index[0] - 1].astype(dt.date)
    last_week = monday_of(through)
    upsert, rows = _signal_upsert(points)
    with transaction.atomic():
        writing = time.perf_counter()
        scan = SignalScan.objects.create(
            actor=actor,
            started_at=started_at,
            first_week=first_week,
            last_week=last_week,
            series_count=counts.counts.shape[0],
        )
        with connection.cursor() as cursor:
            cursor.executemany(upsert, [(*row, scan.pk) for row in rows])
        # series no longer scanned (a domain switched off, a village removed) leave no stale rows behind
        Signal.objects.filter(week__gte=first_week, week__lte=last_week).exclude(scan=scan).delete()
        scan.points_evaluated = len(points)
        scan.alarm_count = sum(p["alarm"] for p in points)
        scan.finished_at = timezone.now()
        scan.duration_ms = int((time.perf_counter() - started) * 1000)
        scan.write_ms = int((time.perf_counter() - writing) * 1000)
        scan.save()
        audit.record(
            actor,
            "signals.scan",
            scan,
            after={
                "first_week": scan.first_week,
                "last_week": scan.last_week,
                "series": scan.series_count,
                "points": scan.points_evaluated,
                "alarms": scan.alarm_count,
            },
        )
    return scan


def may_configure_detection(actor) -> bool:
    """A domain's method is used for every village scanned, so changing it needs a scope over all of them."""
    if actor is None or not actor.can("signals.configure"):
        return False
    return all(in_scope(actor, root) for root in Area.objects.filter(parent__isnull=True))


@transaction.atomic
def configure_domain(
    actor, domain, *, method: str, controls: dict | None = None, seen_version=None
) -> DomainDetection:
    """Choose ``domain``'s detection method and the R-named controls that differ from its defaults.

    ``seen_version`` is the version of the configuration the user saw (0: they saw none, the default)."""
    actor.require("signals.configure")
    if not may_configure_detection(actor):
        raise NotAllowed(_("监测方法对全部村（社区）生效，只能由管辖全部区域的人员修改。"))
    stale = _("该领域的监测配置已被他人修改，请刷新后重试。")
    setting = DomainDetection.objects.filter(domain=domain).first()
    if setting is None:
        if parse_version(seen_version) not in (None, 0):
            raise Conflict(stale)
        setting, before = DomainDetection(domain=domain), None
    else:
        setting = lock_checked(setting, seen_version, message=stale)
        before = {"method": setting.method, "controls": setting.controls}
    setting.method, setting.controls = method, clean_controls(method, controls)
    try:
        with transaction.atomic():  # two first configurations at once: the second one is stale
            setting.save()
    except IntegrityError:
        raise Conflict(stale) from None
    audit.record(
        actor,
        "signals.configure",
        setting,
        before=before,
        after={"domain": domain.code, "method": method, "controls": setting.controls},
    )
    return setting


# --------------------------------------------------------------------------------------- warnings (预警)

ALERT_FIELDS = (
    "identifier",
    "msg_type",
    "status",
    "domain",
    "level",
    "headline",
    "area",
    "onset",
    "expires",
    "urgency",
    "certainty",
    "issuing_unit",
    "issued_at",
    "references",
)


def _alert_errors(*, headline, expected, measures, onset, expires, area, actor) -> dict:

    errors = {}
    if not (headline or "").strip():
        errors["headline"] = _("请填写标题。")
    if not (expected or "").strip():
        errors["expected"] = _("请填写预计情况。")
    if not (measures or "").strip():
        errors["measures"] = _("请填写应采取的措施。")
    if onset is None:
        errors["onset"] = _("请填写起始时间。")
    elif expires is not None and expires <= onset:
        errors["expires"] = _("截止时间须晚于起始时间。")
    if area is None:
        errors["area"] = _("请选择影响区域。")
    elif not in_scope(actor, area):
        errors["area"] = _("影响区域不在您的管辖范围内。")
    return errors


@transaction.atomic
def draft_alert(
    actor,
    *,
    domain,
    level,
    headline,
    area,
    onset,
    expected,
    measures,
    issuing_unit=None,
    expires=None,
    urgency="Expected",
    certainty="Likely",
    recipients=(),
    signal=None,
):
    """A new warning in draft; nothing is sent until ``issue_alert``."""

    actor.require("alert.manage")
    errors = _alert_errors(
        headline=headline,
        expected=expected,
        measures=measures,
        onset=onset,
        expires=expires,
        area=area,
        actor=actor,
    )
    if level not in AlertLevel.values:
        errors["level"] = _("请选择预警级别。")
    issuing_unit = issuing_unit or actor.unit
    if issuing_unit is None:
        errors["issuing_unit"] = _("请选择发布单位。")
    if not recipients:
        errors["recipients"] = _("请至少选择一个接收单位。")
    if errors:
        raise ValidationError(errors)
    alert = Alert.objects.create(
        domain=domain,
        level=level,
        headline=headline.strip(),
        area=area,
        onset=onset,
        expires=expires,
        expected=expected.strip(),
        measures=measures.strip(),
        urgency=urgency,
        certainty=certainty,
        issuing_unit=issuing_unit,
        signal=signal,
        created_by=actor,
    )
    AlertRecipient.objects.bulk_create([AlertRecipient(alert=alert, unit=u) for u in recipients])
    audit.record(
        actor,
        "alert.draft",
        alert,
        after=audit.snapshot(alert, ALERT_FIELDS) | {"recipients": [u.pk for u in recipients]},
    )
    return alert


def draft_from_signal(actor, signal, *, level="yellow", recipients=(), onset=None):
    """Pre-fill a draft from an early-warning signal: its sentence as the expected situation."""

    return draft_alert(
        actor,
        domain=signal.domain,
        level=level,
        area=signal.area,
        onset=onset or timezone.now(),
        recipients=recipients,
        signal=signal,
        **alert_text_from_signal(signal, timezone.localdate()),
    )


def _identifier(alert, when) -> str:
    """GB/T 35965.1-style: division(6) + institution(3) + internal(3) + ext(2) _ time _ sequence."""

    prefix = f"{alert.issuing_unit.area.code[:6]}{mapping()['institution_code']}00000_{when:%Y%m%d%H%M%S}_"
    n = Alert.objects.filter(identifier__startswith=prefix).count() + 1
    return f"{prefix}{n}"


STALE_ALERT = gettext_lazy("该预警已被他人修改，请刷新后重试。")


def _locked(alert, version):
    """``alert`` re-read under a row lock; refused when the page showed an older version."""
    return lock_checked(alert, version, message=STALE_ALERT)


@transaction.atomic
def issue_alert(actor, alert, *, version=None):
    """发布 a draft. ``version``: the one the page showed (a stale tab is refused, not issued twice)."""

    actor.require("alert.manage")
    alert = _locked(alert, version)
    if alert.status != AlertStatus.DRAFT:
        raise WorkflowError(_("只有草稿状态的预警可以发布。"))
    before = audit.snapshot(alert, ALERT_FIELDS)
    now = timezone.localtime()
    alert.identifier = _identifier(alert, now)
    alert.status, alert.issued_at = AlertStatus.ISSUED, now
    alert.save()
    audit.record(actor, "alert.issue", alert, before=before, after=audit.snapshot(alert, ALERT_FIELDS))
    return alert


def _successor(actor, alert, msg_type, note, **changes):

    fields = {
        f: getattr(alert, f)
        for f in (
            "domain",
            "level",
            "headline",
            "area",
            "onset",
            "expires",
            "expected",
            "measures",
            "urgency",
            "certainty",
            "issuing_unit",
            "signal",
        )
    }
    fields.update({k: v for k, v in changes.items() if v is not None})
    successor = Alert.objects.create(
        msg_type=msg_type, references=alert, status=AlertStatus.DRAFT, note=note, created_by=actor, **fields
    )
    AlertRecipient.objects.bulk_create(
        [AlertRecipient(alert=successor, unit_id=r.unit_id) for r in alert.recipients.all()]
    )
    return successor


@transaction.atomic
def update_alert(actor, alert, *, note: str, version=None, **changes):
    """更新: a new issued message referring to ``alert``, which becomes superseded."""

    actor.require("alert.manage")
    alert = _locked(alert, version)
    if alert.status != AlertStatus.ISSUED or alert.msg_type == MessageType.CANCEL:
        raise WorkflowError(_("只有已发布且未解除的预警可以更新。"))
    if not (note or "").strip():
        raise ValidationError({"note": _("请说明更新原因。")})
    merged = {
        f: changes.get(f) if changes.get(f) is not None else getattr(alert, f)
        for f in ("headline", "expected", "measures", "onset", "expires", "area")
    }
    errors = _alert_errors(actor=actor, **merged)
    if errors:
        raise ValidationError(errors)
    successor = _successor(actor, alert, MessageType.UPDATE, note.strip(), **changes)
    before = audit.snapshot(alert, ALERT_FIELDS)
    alert.status = AlertStatus.SUPERSEDED
    alert.save()
    audit.record(actor, "alert.supersede", alert, before=before, after=audit.snapshot(alert, ALERT_FIELDS))
    return issue_alert(actor, successor)


@transaction.atomic
def lift_alert(actor, alert, *, note: str, version=None):
    """解除: a Cancel message referring to ``alert``, which becomes lifted."""

    actor.require("alert.manage")
    alert = _locked(alert, version)
    if alert.status != AlertStatus.ISSUED or alert.msg_type == MessageType.CANCEL:
        raise WorkflowError(_("只有已发布的预警可以解除。"))
    if not (note or "").strip():
        raise ValidationError({"note": _("请说明解除原因。")})
    cancel = _successor(actor, alert, MessageType.CANCEL, note.strip())
    before = audit.snapshot(alert, ALERT_FIELDS)
    alert.status = AlertStatus.LIFTED
    alert.save()
    audit.record(
        actor, "alert.lift", alert, before=before, after=audit.snapshot(alert, ALERT_FIELDS), note=note
    )
    return issue_alert(actor, cancel)


@transaction.atomic
def acknowledge_alert(actor, alert):
    """签收 by the actor's unit, once: the recipient row is locked, so a double submit finds it signed."""

    alert = _locked(alert, None)  # acknowledging changes no field of the warning; its state is what counts
    if alert.status == AlertStatus.DRAFT:
        raise WorkflowError(_("草稿不能签收。"))
    recipient = (
        AlertRecipient.objects.select_for_update().filter(alert=alert, unit=actor.unit).first()
        if actor.unit_id
        else None
    )
    if recipient is None:
        raise WorkflowError(_("您的单位不是该预警的接收单位。"))
    if recipient.acknowledged_at:
        raise WorkflowError(_("您的单位已签收。"))
    recipient.acknowledged_at, recipient.acknowledged_by = timezone.now(), actor
    recipient.save()
    audit.record(actor, "alert.acknowledge", alert, after={"unit": actor.unit_id}, area=alert.area)
    return recipient


from anju.warning.actions_analysis import (  # noqa: E402,F401  (re-exported: one actions module per app)
    active_key_dates,
    add_decision,
    complete_task,
    ensure_daily_meetings,
    plan_meeting,
    prefill_agenda,
    record_minutes,
    save_key_date,
)
