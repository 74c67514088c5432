"""Reading co-handling tasks and coordination requests for a user (writes nothing; the changes are
``matters.actions.coordination``).

What waits for a user is what is addressed to their unit: requests it has not answered and tasks it has not
finished, wherever the matter lies. Lists go through ``core.scoping.scoped`` like every query.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from anju.core.scoping import scoped
from anju.matters.models_coordination import (
    CoHandlingTask,
    CoordinationRequest,
    RequestState,
    TaskState,
)


def received_requests(user) -> QuerySet:
    """Requests addressed to the user's unit (none without a unit)."""
    if user.unit_id is None:
        return CoordinationRequest.objects.none()
    return scoped(user, CoordinationRequest).filter(to_unit=user.unit_id)


def sent_requests(user) -> QuerySet:
    """Requests the user's unit sent (none without a unit)."""
    if user.unit_id is None:
        return CoordinationRequest.objects.none()
    return scoped(user, CoordinationRequest).filter(from_unit=user.unit_id)


def unit_tasks(user) -> QuerySet:
    """The co-handling tasks of the user's unit (none without a unit)."""
    if user.unit_id is None:
        return CoHandlingTask.objects.none()
    return scoped(user, CoHandlingTask).filter(unit=user.unit_id)


def waiting_for(user) -> dict[str, int]:
    """What awaits the user's unit, for the 工作台: ``requests`` (coordination requests not yet answered),
    ``tasks`` (open co-handling tasks) and ``overdue_tasks`` (open tasks past their deadline)."""
    if user is None or not user.is_authenticated or user.unit_id is None:
        return {"requests": 0, "tasks": 0, "overdue_tasks": 0}
    tasks = unit_tasks(user).filter(state=TaskState.OPEN)
    return {
        "requests": received_requests(user).filter(state=RequestState.PENDING).count(),
        "tasks": tasks.count(),
        "overdue_tasks": tasks.filter(deadline__lt=timezone.localdate()).count(),
    }
