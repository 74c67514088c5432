"""State changes of the early-warning app. ``run_scan`` is what cron / the scheduler / the button call."""

from __future__ import annotations

import datetime as dt
import math
import time

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import WorkflowError
from anju.core.scoping import in_scope
from anju.signals.data import CountPanel
from anju.warning.cap import mapping
from anju.warning.counting import monday_of, weekly_counts
from anju.warning.describe import describe
from anju.warning.detection import controls_for, evaluate
from anju.warning.models import (
    Alert,
    AlertLevel,
    AlertRecipient,
    AlertStatus,
    DomainDetection,
    MessageType,
    Method,
    Signal,
    SignalScan,
)


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


@transaction.atomic
def run_scan(actor=None, *, through: dt.date | None = None, weeks: int = 4) -> SignalScan:
    """Count matters per (village, domain, ISO week) and evaluate the last ``weeks`` weeks through
    ``through`` (default: this week) with each domain's configured method; store one Signal per
    series and week, replacing earlier evaluations of the same weeks."""
    if actor is not None:
        actor.require("signals.scan")
    started = time.perf_counter()
    through = through or timezone.localdate()
    counts = weekly_counts(through)
    n_weeks = counts.counts.shape[1]
    weeks = max(1, min(int(weeks), n_weeks))
    t_index = np.arange(n_weeks - weeks + 1, n_weeks + 1)
    scan = SignalScan.objects.create(
        actor=actor,
        first_week=counts.mondays[t_index[0] - 1].astype(dt.date),
        last_week=monday_of(through),
        series_count=counts.counts.shape[0],
    )
    configured = {d.domain_id: d for d in DomainDetection.objects.all()}
    n_domains = len(counts.domains)
    signals: list[Signal] = []
    for j, domain in enumerate(counts.domains):
        setting = configured.get(domain.pk)
        method = setting.method if setting else Method.FARRINGTON_FLEXIBLE
        controls = controls_for(method, setting.controls if setting else None)
        rows = np.arange(j, counts.counts.shape[0], n_domains)
        panel = CountPanel(
            counts.counts[rows], freq=52, dates=counts.mondays, series_ids=[str(a.pk) for a in counts.areas]
        )
        evaluated = np.zeros((rows.size, t_index.size), dtype=bool)
        for subset, result in evaluate(method, controls, panel, t_index):
            cols = np.searchsorted(t_index, subset)
            for i, area in enumerate(counts.areas):
                for k, col in enumerate(cols):
                    evaluated[i, col] = True
                    signals.append(
                        Signal(
                            area=area,
                            domain=domain,
                            week=counts.mondays[subset[k] - 1].astype(dt.date),
                            method=method,
                            observed=int(result.observed[i, k]),
                            expected=_expected(result, i, k),
                            upperbound=_finite(result.upperbound[i, k]),
                            score=_finite(result.score[i, k]),
                            alarm=bool(result.alarm[i, k]),
                            status=_status_name(result, i, k),
                            scan=scan,
                        )
                    )
        for i, col in zip(*np.nonzero(~evaluated), strict=True):
            signals.append(
                Signal(
                    area=counts.areas[i],
                    domain=domain,
                    week=counts.mondays[t_index[col] - 1].astype(dt.date),
                    method=method,
                    observed=int(counts.counts[rows[i], t_index[col] - 1]),
                    alarm=False,
                    status="insufficient_history",
                    scan=scan,
                )
            )
    Signal.objects.filter(week__gte=scan.first_week, week__lte=scan.last_week).delete()
    Signal.objects.bulk_create(signals, batch_size=2000)
    scan.points_evaluated = len(signals)
    scan.alarm_count = sum(s.alarm for s in signals)
    scan.finished_at = timezone.now()
    scan.duration_ms = int((time.perf_counter() - started) * 1000)
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


def _expected(result, i: int, k: int) -> float | None:
    """The model's expected count. Farrington masks it where too few recent cases allow no alarm, but the
    fitted mean (``mu0``) is still what past years predict, which the charts and sentences show."""
    value = _finite(result.expected[i, k])
    if value is None and "mu0" in result.extra:
        value = _finite(result.extra["mu0"][i, k])
    return value


def _status_name(result, i: int, k: int) -> str:
    from anju.signals.result import Status

    return Status(int(result.status[i, k])).name.lower()


@transaction.atomic
def configure_domain(actor, domain, *, method: str, controls: dict | None = None) -> DomainDetection:
    actor.require("signals.configure")
    setting, _ = DomainDetection.objects.get_or_create(domain=domain)
    before = {"method": setting.method, "controls": setting.controls}
    controls_for(method, controls)  # raises KeyError for an unknown method
    setting.method, setting.controls = method, dict(controls or {})
    setting.save()
    audit.record(
        actor,
        "signals.configure",
        domain,
        before=before,
        after={"method": method, "controls": setting.controls},
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

    today = timezone.localdate()
    return draft_alert(
        actor,
        domain=signal.domain,
        level=level,
        area=signal.area,
        onset=onset or timezone.now(),
        headline=f"{signal.area.name}{signal.domain.name}类事项异常增多预警",
        expected=describe(signal, today) + "，明显高于往年同期，可能引发群体性诉求。",
        measures="请属地村（社区）和相关部门立即开展排查，逐件登记化解，及时报告进展。",
        recipients=recipients,
        signal=signal,
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
