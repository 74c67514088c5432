"""What a matter page shows of co-handling, coordination requests and 问责, and the forms it offers.

The pages only decide what to show (``core.permissions.may``); each form's action checks everything again.
"""

from __future__ import annotations

from anju.core.permissions import may
from anju.core.roles import Role
from anju.core.scoping import scoped
from anju.matters.forms_coordination import (
    AccountabilityForm,
    CoHandlerForm,
    CompleteTaskForm,
    CoordinationRequestForm,
    WithdrawTaskForm,
)
from anju.matters.models_coordination import AccountabilityRecord, CoordinationRequest, TaskState
from anju.matters.workflow import OPEN_STATUSES


def may_answer_for(user, unit_id: int) -> bool:
    """Whether the page offers the user the forms of something addressed to ``unit_id``."""
    return user.unit_id == unit_id or user.role == Role.ADMIN


def coordination_context(user, matter, bound: tuple[str, object] | None = None) -> dict:
    """The co-handling section of a matter page; ``bound`` = (form key, the form sent back with errors)."""

    def form(key, make):
        return bound[1] if bound and bound[0] == key else make()

    is_open = matter.status in OPEN_STATUSES
    tasks = []
    for task in matter.cohandling_tasks.select_related("unit", "completed_by", "created_by"):
        item = {"task": task, "complete": None, "withdraw": None}
        if task.state == TaskState.OPEN:
            if may(user, "cohandling.complete") and may_answer_for(user, task.unit_id):
                item["complete"] = form(f"complete-{task.pk}", lambda t=task: _task_form(CompleteTaskForm, t))
            if may(user, "matter.cohandle"):
                item["withdraw"] = form(f"withdraw-{task.pk}", lambda t=task: _task_form(WithdrawTaskForm, t))
        tasks.append(item)
    requests = scoped(user, CoordinationRequest).filter(matter=matter).select_related("from_unit", "to_unit")
    can_view_records = may(user, "accountability.view")
    return {
        "cohandling_tasks": tasks,
        "coordination_requests": requests,
        "accountability_records": scoped(user, AccountabilityRecord)
        .filter(matter=matter)
        .select_related("unit")
        if can_view_records
        else None,
        "cohandler_form": form("cohandle", lambda: CoHandlerForm(user=user, matter=matter, prefix="cohandle"))
        if is_open and may(user, "matter.cohandle")
        else None,
        "request_form": form(
            "coordinate", lambda: CoordinationRequestForm(user=user, matter=matter, prefix="coordinate")
        )
        if is_open and may(user, "coordination.request") and user.unit_id
        else None,
        "accountability_form": form(
            "accountability", lambda: AccountabilityForm(user=user, matter=matter, prefix="accountability")
        )
        if may(user, "accountability.record")
        else None,
        "coordination_bound": bound[0] if bound else "",
    }


def _task_form(form_class, task):
    return form_class(prefix=f"task{task.pk}", initial={"version": task.version})
