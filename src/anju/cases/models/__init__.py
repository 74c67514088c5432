"""The case models, one module per concern."""

from anju.cases.models.buffer import BufferKind, BufferMeasure, BufferStatus
from anju.cases.models.cases import Case, CaseKind, CaseMatter, CaseStatus

__all__ = [
    "BufferKind",
    "BufferMeasure",
    "BufferStatus",
    "Case",
    "CaseKind",
    "CaseMatter",
    "CaseStatus",
]
