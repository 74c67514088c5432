"""The case models, one module per concern."""

from anju.cases.models.cases import Case, CaseKind, CaseMatter, CaseStatus

__all__ = ["Case", "CaseKind", "CaseMatter", "CaseStatus"]
