"""Every state change of care (关心关爱), one module per concern, re-exported here."""

from anju.care.actions.plans import (
    close_plan,
    open_plan,
    plan_visit,
    record_visit,
    set_needs,
)
from anju.care.actions.referrals import (
    accept_referral,
    close_referral,
    decline_referral,
    record_outcome,
    reveal_referral_contact,
    send_referral,
)
from anju.care.actions.retention import (
    care_tick,
    end_expired_plans,
    remind_visits,
    remove_expired_needs,
)
from anju.care.actions.reveal import reveal_party
from anju.care.actions.services import (
    create_service,
    set_service_active,
    update_service,
)

__all__ = [
    "accept_referral",
    "care_tick",
    "close_plan",
    "close_referral",
    "create_service",
    "decline_referral",
    "end_expired_plans",
    "open_plan",
    "plan_visit",
    "record_outcome",
    "record_visit",
    "remind_visits",
    "remove_expired_needs",
    "reveal_party",
    "reveal_referral_contact",
    "send_referral",
    "set_needs",
    "set_service_active",
    "update_service",
]
