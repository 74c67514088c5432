"""The emergency models, one module per concern (plans, drills, resources, incidents, tasks)."""

from anju.emergency.models.aftermath import (
    Investigation,
    PlanRevisionLink,
    ProblemFinding,
    Recovery,
    RecoveryKind,
    RelatedMatter,
)
from anju.emergency.models.common import Grade, ResponseLevel, TaskStatus
from anju.emergency.models.drills import Drill, DrillFinding, DrillForm, DrillScope, DrillStatus
from anju.emergency.models.incidents import (
    ChangeKind,
    Incident,
    IncidentReport,
    LogEntry,
    ReportKind,
    ResponseChange,
    ResponseStatus,
)
from anju.emergency.models.plans import (
    DutyPost,
    Plan,
    PlanGroup,
    PlanLevel,
    PlanType,
    PlanVersion,
    VersionStatus,
)
from anju.emergency.models.preparedness import (
    DrillProgramme,
    OwnerCategory,
    ProgrammeItem,
    Requisition,
    ReturnState,
    Stocktake,
)
from anju.emergency.models.releases import Release, ReleaseStatus
from anju.emergency.models.resources import Dispatch, Material, Readiness, Shelter, Team
from anju.emergency.models.tasks import EmergencyTask, TaskSource

__all__ = [
    "Stocktake",
    "ReturnState",
    "Requisition",
    "ProgrammeItem",
    "OwnerCategory",
    "DrillProgramme",
    "ChangeKind",
    "Dispatch",
    "Drill",
    "DrillFinding",
    "DrillForm",
    "DrillScope",
    "DrillStatus",
    "DutyPost",
    "EmergencyTask",
    "Grade",
    "Incident",
    "IncidentReport",
    "Investigation",
    "LogEntry",
    "Material",
    "Plan",
    "PlanGroup",
    "PlanLevel",
    "PlanRevisionLink",
    "PlanType",
    "PlanVersion",
    "ProblemFinding",
    "Readiness",
    "Recovery",
    "RecoveryKind",
    "RelatedMatter",
    "Release",
    "ReleaseStatus",
    "ReportKind",
    "ResponseChange",
    "ResponseLevel",
    "ResponseStatus",
    "Shelter",
    "TaskSource",
    "TaskStatus",
    "Team",
    "VersionStatus",
]
