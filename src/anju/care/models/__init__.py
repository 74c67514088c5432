"""Care's models, one module per concern, re-exported here."""

from anju.care.models.plans import CarePlan, CareVisit, Need, NeedMarker, PlanStatus, VisitKind

__all__ = ["CarePlan", "CareVisit", "Need", "NeedMarker", "PlanStatus", "VisitKind"]
