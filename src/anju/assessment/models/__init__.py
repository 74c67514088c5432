"""稳评 models, split by concern: the register of items, assessments and revisions, consultation records,
risk factors and measures, decisions and tracking."""

from anju.assessment.models.assessment import (
    Assessment,
    AssessmentMethod,
    Dimension,
    Stage,
    VerdictLevel,
)
from anju.assessment.models.consultation import (
    ExpertOpinion,
    Handling,
    Meeting,
    MeetingKind,
    Opinion,
    PublicNotice,
    Survey,
    SurveyGroup,
)
from anju.assessment.models.factors import Measure, RiskFactor
from anju.assessment.models.items import AssessmentItem, ItemCategory
from anju.assessment.models.review import Review, ReviewConclusion
from anju.assessment.models.tracking import Decision, DecisionOutcome, MatterLink, TrackingTask

__all__ = [
    "Assessment",
    "AssessmentItem",
    "AssessmentMethod",
    "Decision",
    "DecisionOutcome",
    "Dimension",
    "ExpertOpinion",
    "Handling",
    "ItemCategory",
    "MatterLink",
    "Measure",
    "Meeting",
    "MeetingKind",
    "Opinion",
    "PublicNotice",
    "Review",
    "ReviewConclusion",
    "RiskFactor",
    "Stage",
    "Survey",
    "SurveyGroup",
    "TrackingTask",
    "VerdictLevel",
]
