"""Background jobs of the reports app (run by ``anju worker``; see core/jobs.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from anju.core import jobs


@task
def generate_reports_below(*, job_id: int, month: str) -> dict:
    """The month's reports of every area directly below the starter's own, one ``generate_report`` each
    (the same action and guard as one report; a report already submitted is left as it is)."""
    from anju.core.models import Area
    from anju.core.scoping import scoped
    from anju.reports import actions

    starter = jobs.job_of(job_id).started_by
    month_date = dt.date.fromisoformat(month)
    areas = list(scoped(starter, Area).filter(parent=starter.area).order_by("code"))
    made, kept = 0, 0
    for done, area in enumerate(areas):
        jobs.report(job_id, done * 100 // max(len(areas), 1), _("正在生成：%(area)s") % {"area": area.name})
        try:
            actions.generate_report(starter, area=area, month=month_date)
            made += 1
        except ValidationError:  # already submitted (WorkflowError): not regenerated
            kept += 1
    return {
        "message": _("已生成 %(made)s 份月报，%(kept)s 份已报送未重新生成。") % {"made": made, "kept": kept},
        "url": reverse("reports:index") + f"?month={month_date:%Y-%m}",
    }
