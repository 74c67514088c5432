"""Care's models, one module per concern, re-exported here."""

from anju.care.models.plans import (
    CarePlan,
    CareVisit,
    Need,
    NeedMarker,
    PlanStatus,
    VisitKind,
)
from anju.care.models.referrals import (
    OPEN_REFERRAL_STATUSES,
    ConsentMethod,
    Referral,
    ReferralStatus,
    ServiceKind,
    ServiceUnit,
)

__all__ = [
    "CarePlan",
    "CareVisit",
    "ConsentMethod",
    "Need",
    "NeedMarker",
    "OPEN_REFERRAL_STATUSES",
    "PlanStatus",
    "Referral",
    "ReferralStatus",
    "ServiceKind",
    "ServiceUnit",
    "VisitKind",
]
