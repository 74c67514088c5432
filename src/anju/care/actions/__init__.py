"""Every state change of care (关心关爱), one module per concern, re-exported here."""

from anju.care.actions.plans import close_plan, open_plan, plan_visit, record_visit, set_needs
from anju.care.actions.retention import care_tick, end_expired_plans, remind_visits, remove_expired_needs
from anju.care.actions.reveal import reveal_party

__all__ = [
    "care_tick",
    "close_plan",
    "end_expired_plans",
    "open_plan",
    "plan_visit",
    "record_visit",
    "remind_visits",
    "remove_expired_needs",
    "reveal_party",
    "set_needs",
]
