"""Background jobs of the matters app (run by ``anju worker``; see core/jobs.py)."""

from __future__ import annotations

from django.http import QueryDict
from django.tasks import task
from django.utils.translation import gettext as _

from anju.core import jobs
from anju.core.replica import reading_from_replica


def filter_query(params: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values)
    return query


@task
def export_ledger(*, job_id: int, params: dict) -> dict:
    """A large ledger export: the same filter, scope, workbook and audit line as the page's own download,
    kept as a file for the starter (core/jobs.py ``result_file``)."""
    from anju.core.documents import exported_at
    from anju.matters import actions
    from anju.matters.export import build_workbook, ledger_title
    from anju.matters.filters import LedgerFilterForm, apply_filter_form, describe_filters

    starter = jobs.job_of(job_id).started_by
    form = LedgerFilterForm(starter, filter_query(params))
    matters, cleaned = apply_filter_form(form)
    area = cleaned.get("area") or starter.area
    with reading_from_replica():  # the matters only: the job row itself was just written on the primary
        count = matters.count()
        jobs.report(job_id, 10, _("正在写入 %(n)s 件事项……") % {"n": count})
        content = build_workbook(matters, exporter=starter, area=area)
    jobs.report(job_id, 90, _("正在保存文件……"))
    actions.record_export(starter, describe_filters(cleaned), count, area=area)
    outcome = jobs.result_file(job_id, content, name=ledger_title(area) + exported_at(), suffix="xlsx")
    outcome["message"] = _("已导出 %(n)s 件事项。") % {"n": count}
    return outcome
