"""Background jobs of the triage app (run by ``anju worker``; see core/jobs.py)."""

from __future__ import annotations

from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from anju import text as textlib
from anju.core import jobs


@task
def retrain_classifier(*, job_id: int) -> dict:
    """Retraining started from the model page: the same action, with the starter as actor."""
    from anju.triage import actions

    starter = jobs.job_of(job_id).started_by
    jobs.report(job_id, 10, _("正在读取已分类事项并训练……"))
    record = actions.train_classifier(starter)
    if record.kind == "trained":
        message = _("已用 %(n)s 条已分类事项训练新模型（%(k)s 个领域）。") % {
            "n": record.n_labelled,
            "k": len(record.labels),
        }
    else:
        message = _("已分类事项不足 %(m)s 条，继续使用各领域关键词。") % {"m": textlib.MIN_LABELLED}
    return {"message": message, "url": reverse("triage:model")}
