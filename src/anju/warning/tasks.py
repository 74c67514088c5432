"""Background jobs of the warning app (run by ``anju worker``; see core/jobs.py)."""

from __future__ import annotations

from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from anju.core import jobs


@task
def scan_signals(*, job_id: int, weeks) -> dict:
    """The signal scan started from the 预警信号 page: the same action, with the starter as actor."""
    from anju.warning import actions

    starter = jobs.job_of(job_id).started_by
    jobs.report(job_id, 10, _("正在统计各村各领域每周事项数并评估……"))
    scan = actions.run_scan(starter, weeks=weeks)
    return {
        "message": _("扫描完成：%(n)s 个序列，%(a)s 个报警，用时 %(ms)s 毫秒。")
        % {"n": scan.series_count, "a": scan.alarm_count, "ms": scan.duration_ms},
        "url": reverse("warning:signals"),
    }


@task
def compute_forecast(*, job_id: int, area_id: int, refit: bool = False) -> dict:
    """A county's forecast computed on request (the nightly run is ``anju forecast`` from the scheduler)."""
    from anju.core.models import Area
    from anju.warning import actions

    starter = jobs.job_of(job_id).started_by
    jobs.report(job_id, 10, _("正在拟合模型并计算未来四周的预测……"))
    run = actions.run_forecast(starter, Area.objects.get(pk=area_id), refit=refit or None)
    return {
        "message": _("预测完成：%(n)s 个序列，用时 %(ms)s 毫秒。")
        % {"n": run.series.count(), "ms": run.duration_ms},
        "url": reverse("dashboard:index"),
    }


@task
def fit_transmission(*, job_id: int, county_id: int) -> dict:
    """风险传导 refit started from its page: the same action, with the starter as actor."""
    from anju.core.models import Area
    from anju.warning import actions

    starter = jobs.job_of(job_id).started_by
    county = Area.objects.get(pk=county_id)
    jobs.report(job_id, 10, _("正在统计各村各领域每周事项数并拟合传导模型……"))
    rows = actions.fit_transmission(starter, county=county)
    return {
        "message": _("计算完成：%(n)s 个序列，%(w)s 周。") % {"n": rows[0].series_count, "w": rows[0].weeks},
        "url": reverse("warning:transmission"),
    }
