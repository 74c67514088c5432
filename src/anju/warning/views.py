"""The 预警信号 page: current alarms with a chart and one sentence each; scan history; run a scan."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core import jobs
from anju.core.models import Domain, JobKind
from anju.core.params import id_param
from anju.core.permissions import may
from anju.core.scoping import scoped
from anju.warning import actions
from anju.warning.charts import ChartPoint, series_chart
from anju.warning.describe import describe, plain_comparison
from anju.warning.detection import DEFAULT_METHOD
from anju.warning.models import Alert, AlertStatus, MessageType, Method, Signal, SignalScan
from anju.warning.tasks import scan_signals

CHART_WEEKS = 104


def _chart_for(signal: Signal) -> dict:
    since = signal.week - dt.timedelta(weeks=CHART_WEEKS - 1)
    history = Signal.objects.filter(
        area_id=signal.area_id, domain_id=signal.domain_id, week__gte=since, week__lte=signal.week
    ).order_by("week")
    return series_chart([ChartPoint(s.week, s.observed, s.expected, s.upperbound, s.alarm) for s in history])


def _warnings_for(user, signals: list[Signal], now: dt.datetime) -> dict[int, Alert]:
    """For each signal, the warning that already answers it: one in force for its village and domain
    (whichever signal it was drafted from), else one drafted from this very signal and not yet lifted.
    The page links to it instead of offering another draft."""
    if not signals:
        return {}
    in_force = Q(status=AlertStatus.ISSUED) & ~Q(msg_type=MessageType.CANCEL)
    in_force &= Q(expires__isnull=True) | Q(expires__gt=now)
    same_series = Q()
    for s in signals:
        same_series |= Q(area_id=s.area_id, domain_id=s.domain_id)
    drafted = Q(signal__in=signals, status__in=(AlertStatus.DRAFT, AlertStatus.ISSUED))
    candidates = list(
        scoped(user, Alert).filter((in_force & same_series) | drafted).order_by("-created_at", "-id")
    )
    found: dict[int, Alert] = {}
    for s in signals:
        series = [a for a in candidates if a.area_id == s.area_id and a.domain_id == s.domain_id]
        current = next((a for a in series if a.is_current and (a.expires is None or a.expires > now)), None)
        own = next((a for a in series if a.signal_id == s.pk), None)
        if current or own:
            found[s.pk] = current or own
    return found


@login_required
def signal_list(request):
    request.user.require("signals.view")
    today = timezone.localdate()
    period = request.GET.get("period", "current")
    alarms = scoped(request.user, Signal).filter(alarm=True).select_related("area", "domain")
    if period == "current":
        alarms = alarms.filter(week__gte=today - dt.timedelta(days=today.weekday() + 7))
    domain = request.GET.get("domain", "")
    if (domain_id := id_param(domain)) is not None:
        alarms = alarms.filter(domain_id=domain_id)
    alarms = alarms.order_by("-week", "-score")
    page = Paginator(alarms, 10).get_page(request.GET.get("page"))
    warnings = _warnings_for(request.user, list(page), timezone.now())
    items = [
        {
            "signal": s,
            "sentence": describe(s, today),
            "comparison": plain_comparison(s),
            "chart": _chart_for(s),
            "warning": warnings.get(s.pk),
        }
        for s in page
    ]
    return render(
        request,
        "warning/signal_list.html",
        {
            "page": page,
            "items": items,
            "period": period,
            "domain": domain,
            "domains": Domain.objects.filter(active=True),
            "last_scan": SignalScan.objects.first(),
            "can_scan": may(request.user, "signals.scan"),
            "scan_job": jobs.latest_job(request.user, JobKind.SIGNAL_SCAN),
            "can_alert": may(request.user, "alert.manage"),
            "can_transmission": may(request.user, "transmission.view"),
            "default_method": Method(DEFAULT_METHOD).label,
        },
    )


@login_required
@require_POST
def scan_now(request):
    """Queue the scan for ``anju worker`` (core/jobs.py) and answer at once; the job calls ``run_scan``
    with this user as actor, so its guard applies there too."""
    if not may(request.user, "signals.scan"):  # refused before the input is read, as the action does
        raise PermissionDenied(_("您的角色无权运行预警扫描。"))
    try:
        weeks = actions.scan_weeks(request.POST.get("weeks") or 4)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("warning:signals")
    jobs.start(scan_signals, user=request.user, kind=JobKind.SIGNAL_SCAN, weeks=weeks)
    messages.info(request, _("扫描已在后台开始，进度见下方。"))
    return redirect("warning:signals")
