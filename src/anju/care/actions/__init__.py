"""State changes of care (关心关爱), one module per concern; every one checks its permission and scope."""

from anju.care.actions.referrals import (  # noqa: F401
    accept_referral,
    close_referral,
    decline_referral,
    record_outcome,
    reveal_referral_contact,
    send_referral,
)
from anju.care.actions.services import create_service, set_service_active, update_service  # noqa: F401
