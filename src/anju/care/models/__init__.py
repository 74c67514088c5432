"""The care models, one module per concern."""

from anju.care.models.referrals import (  # noqa: F401
    OPEN_REFERRAL_STATUSES,
    ConsentMethod,
    Referral,
    ReferralStatus,
    ServiceKind,
    ServiceUnit,
)
