"""The queues of matters waiting for a decision: 待定级, 黑天鹅待研判 and the 根因分析 tasks.

Thin like every view: the lists come from ``matters.queues`` (scoped there), completing a task is one
``actions.complete_root_cause`` call.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core.errors import Conflict, NotAllowed, WorkflowError
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404
from anju.matters import actions, queues
from anju.matters.filters import LEDGER_RELATED
from anju.matters.forms_review import RootCauseForm


def _page(request, qs):
    return Paginator(qs, settings.ANJU_PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_GET
def ungraded(request):
    """待定级: open matters not graded within ``ANJU_UNGRADED_HOURS`` of registration, oldest first."""
    request.user.require("matter.view")
    now = timezone.now()
    page = _page(request, queues.ungraded(request.user, now).select_related(*LEDGER_RELATED))
    for m in page:
        m.waiting_hours = int((now - m.registered_at).total_seconds() // 3600)
    return render(
        request,
        "matters/ungraded.html",
        {"page": page, "hours": queues.ungraded_hours(), "can_assess": may(request.user, "matter.assess")},
    )


@login_required
@require_GET
def black_swans(request):
    """黑天鹅待研判: suggestions nobody has confirmed or dismissed yet."""
    request.user.require("matter.view")
    page = _page(request, queues.black_swan_review(request.user).select_related(*LEDGER_RELATED))
    return render(
        request, "matters/black_swans.html", {"page": page, "can_review": may(request.user, "matter.flag")}
    )


@login_required
@require_GET
def root_cause(request):
    """根因分析 tasks of confirmed 黑天鹅 matters: open ones by deadline (with a form each), then done ones."""
    request.user.require("matter.view")
    open_tasks = list(queues.root_cause_tasks(request.user))
    today = timezone.localdate()
    can_complete = may(request.user, "rootcause.complete")
    for task in open_tasks:
        task.overdue = task.is_overdue(today)
        task.form = RootCauseForm(prefix=f"t{task.pk}", initial={"version": task.version})
    done = queues.root_cause_tasks(request.user, done=True)[:20]
    return render(
        request,
        "matters/root_cause.html",
        {"tasks": open_tasks, "done": done, "can_complete": can_complete},
    )


@login_required
@require_POST
def complete_root_cause(request, pk: int):
    tasks = queues.visible_root_cause_tasks(request.user).select_related("matter", "unit")
    task = get_scoped_or_404(request.user, tasks, pk=pk)
    form = RootCauseForm(request.POST, prefix=f"t{task.pk}")
    if not form.is_valid():
        messages.error(request, _("请填写根因分析结论。"))
        return redirect("matters:root_cause")
    try:
        actions.complete_root_cause(
            request.user, task, findings=form.cleaned_data["findings"], version=form.cleaned_data["version"]
        )
    except NotAllowed as exc:
        raise PermissionDenied(" ".join(exc.messages)) from exc
    except (Conflict, WorkflowError, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("matters:root_cause")
    messages.success(request, _("根因分析已完成。"))
    return redirect("matters:root_cause")
