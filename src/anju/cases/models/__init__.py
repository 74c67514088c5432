"""The case models, one module per concern."""

from anju.cases.models.buffer import (
    BufferKind,
    BufferMeasure,
    BufferStatus,
)
from anju.cases.models.cases import (
    Case,
    CaseKind,
    CaseMatter,
    CaseStatus,
)
from anju.cases.models.opinion import (
    OpinionResponse,
    OpinionStage,
    OpinionTracking,
    ReportedBy,
    Verification,
)
from anju.cases.models.work import (
    CaseEvent,
    CaseEventKind,
    CaseTask,
    CaseTaskStatus,
    EducationSession,
    FraudFigures,
    FraudProgress,
    ProgressTrack,
)

__all__ = [
    "BufferKind",
    "BufferMeasure",
    "BufferStatus",
    "Case",
    "CaseEvent",
    "CaseEventKind",
    "CaseKind",
    "CaseMatter",
    "CaseStatus",
    "CaseTask",
    "CaseTaskStatus",
    "EducationSession",
    "FraudFigures",
    "FraudProgress",
    "OpinionResponse",
    "OpinionStage",
    "OpinionTracking",
    "ProgressTrack",
    "ReportedBy",
    "Verification",
]
