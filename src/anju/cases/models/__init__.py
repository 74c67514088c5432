"""The case models, one module per concern."""

from anju.cases.models.cases import Case, CaseKind, CaseMatter, CaseStatus
from anju.cases.models.opinion import (
    OpinionResponse,
    OpinionStage,
    OpinionTracking,
    ReportedBy,
    Verification,
)

__all__ = [
    "Case",
    "CaseKind",
    "CaseMatter",
    "CaseStatus",
    "OpinionResponse",
    "OpinionStage",
    "OpinionTracking",
    "ReportedBy",
    "Verification",
]
