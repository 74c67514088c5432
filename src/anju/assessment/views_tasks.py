"""稳评 measures and tracking tasks addressed to the user's unit (本单位稳评任务): the list, and completing a
task from it. The responsible unit sees them wherever the assessed item is (``core.scoping``,
``scope_unit_field`` of ``Measure`` and ``TrackingTask``); the assessment's own page stays its area's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.assessment import actions, forms
from anju.assessment.models import Measure, TrackingTask
from anju.core.errors import NotAllowed
from anju.core.forms import add_action_errors
from anju.core.scoping import get_scoped_or_404, scoped


def _mine(user, model):
    if user.unit_id is None:
        return model.objects.none()
    return scoped(user, model).filter(owner_unit_id=user.unit_id)


def _page(request, *, bound=None, bound_pk=None, status=200):
    user = request.user
    tasks = _mine(user, TrackingTask).select_related("assessment__item", "assessment__decision", "owner_unit")
    pending = (
        _mine(user, Measure)
        .filter(task__isnull=True)
        .select_related("factor__assessment__item", "owner_unit")
    )
    page = Paginator(tasks.order_by("done_on", "deadline", "id"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/unit_tasks.html",
        {
            "page": page,
            "measures": pending[:50],
            "unit": user.unit,
            "blank": forms.TaskDoneForm(initial={"done_on": timezone.localdate()}),
            "bound": bound,
            "bound_pk": bound_pk,
        },
        status=status,
    )


@login_required
def unit_tasks(request):
    request.user.require("assessment.track")
    return _page(request)


@login_required
@require_POST
def unit_task_done(request, pk: int):
    request.user.require("assessment.track")
    task = get_scoped_or_404(request.user, TrackingTask.objects.select_related("assessment__decision"), pk=pk)
    form = forms.TaskDoneForm(request.POST)
    if not form.is_valid():
        return _page(request, bound=form, bound_pk=task.pk, status=400)
    try:
        actions.complete_task(request.user, task, **form.cleaned_data)
    except NotAllowed as exc:
        raise PermissionDenied(" ".join(exc.messages)) from None
    except ValidationError as exc:
        add_action_errors(form, exc)
        return _page(request, bound=form, bound_pk=task.pk, status=400)
    messages.success(request, _("任务已标记完成。"))
    return redirect("assessment:unit_tasks")
