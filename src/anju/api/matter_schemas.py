"""Schemas of matters: the ledger row, the detail with its timeline, and one input schema per action."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from anju.api.schemas import (
    AreaRef,
    DomainRef,
    MatterRef,
    Page,
    PersonRef,
    UnitRef,
    area_ref,
    decimal_str,
    domain_ref,
    matter_ref,
    person_ref,
    unit_ref,
)
from anju.api.strict import (
    Amount,
    FilledText,
    Id,
    IsoDate,
    IsoDateTime,
    RequiredText,
    StrictBool,
    StrictIn,
    StrictInt,
)
from anju.api.versions import VersionIn
from anju.core.permissions import may
from anju.core.scoping import may_act_on
from anju.matters.models import MatterKind, MediationResult, PartyRole, Satisfaction
from anju.matters.risk import LEVEL_CHOICES
from anju.matters.workflow import TRANSITIONS, WORKFLOW, allowed_actions

LEVEL_LABELS = dict(LEVEL_CHOICES)


# output ----------------------------------------------------------------------------------------------------
class MatterOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    domain: DomainRef
    area: AreaRef
    handling_area: AreaRef
    title: str
    status: str
    status_label: str
    level: str = Field(description="residual level when assessed after measures, else inherent level")
    level_label: str
    inherent_level: str
    residual_level: str
    grey_rhino: bool
    black_swan_suggested: bool
    black_swan_confirmed: bool | None = None
    people_involved: int
    amount_involved: str = Field(description="yuan, decimal as text")
    responsible_unit: UnitRef | None = None
    responsible_person: PersonRef | None = None
    deadline: dt.date | None = None
    is_overdue: bool
    occurred_at: dt.datetime
    registered_at: dt.datetime
    resolved_at: dt.datetime | None = None


class PartyOut(Schema):
    id: int
    role: str
    role_label: str
    is_organisation: bool
    name: str = Field(description="masked")
    phone: str = Field(description="masked")
    id_number: str = Field(description="masked")


class EventOut(Schema):
    at: dt.datetime
    actor: PersonRef | None = None
    kind: str
    from_status: str
    to_status: str
    note: str = Field(description="internal: never shown to the citizen")
    public: bool = Field(description="the citizen's status page shows a neutral line for this event")
    public_text: str = Field(description="text written for the citizen, shown under that line")


class MediationOut(Schema):
    id: int
    held_on: dt.date
    mediators: str
    summary: str
    result: str
    result_label: str
    agreement_text: str
    has_agreement_file: bool


class FollowUpOut(Schema):
    id: int
    visited_on: dt.date
    method: str
    satisfaction: str
    satisfaction_label: str
    note: str


class SupervisionOut(Schema):
    id: int
    at: dt.datetime
    by: PersonRef | None = None
    note: str
    new_deadline: dt.date | None = None


class MatterDetailOut(MatterOut):
    description: str
    likelihood: int | None = None
    consequence: int | None = None
    residual_likelihood: int | None = None
    residual_consequence: int | None = None
    matrix_version: str
    version: int = Field(description="changes with every change; send it back as `version` or If-Match")
    outcome: str
    satisfaction: str
    closing_reason: str
    public_note: str
    mitigation_plan: str = Field(description="缓释方案 (internal)")
    merged_into: MatterRef | None = None
    parties: list[PartyOut]
    timeline: list[EventOut]
    mediation_sessions: list[MediationOut]
    follow_ups: list[FollowUpOut]
    supervision_notes: list[SupervisionOut]
    report_ids: list[int]
    allowed_actions: list[str] = Field(description="actions this user may perform now")


class MatterPage(Page):
    count: int | None = Field(description="matching objects in all pages; null on a page found by cursor")
    page: int | None = Field(description="the page number; null on a page found by cursor")
    pages: int | None = Field(description="how many pages; null on a page found by cursor")
    next: str | None = Field(None, description="the next page by cursor (fast at any depth); null at the end")
    previous: str | None = Field(None, description="the previous page by cursor; null at the start")
    items: list[MatterOut]


def matter_out(matter) -> dict:
    level = matter.level_for_display
    return {
        "id": matter.pk,
        "number": matter.number,
        "kind": matter.kind,
        "kind_label": str(matter.get_kind_display()),
        "domain": domain_ref(matter.domain),
        "area": area_ref(matter.area),
        "handling_area": area_ref(matter.handling_area),
        "title": matter.title,
        "status": matter.status,
        "status_label": str(matter.get_status_display()),
        "level": level,
        "level_label": str(LEVEL_LABELS.get(level, "")),
        "inherent_level": matter.inherent_level,
        "residual_level": matter.residual_level,
        "grey_rhino": matter.grey_rhino,
        "black_swan_suggested": matter.black_swan_suggested,
        "black_swan_confirmed": matter.black_swan_confirmed,
        "people_involved": matter.people_involved,
        "amount_involved": decimal_str(matter.amount_involved),
        "responsible_unit": unit_ref(matter.responsible_unit),
        "responsible_person": person_ref(matter.responsible_person),
        "deadline": matter.deadline,
        "is_overdue": matter.is_overdue,
        "occurred_at": matter.occurred_at,
        "registered_at": matter.registered_at,
        "resolved_at": matter.resolved_at,
    }


def actions_for(user, matter) -> list[str]:
    """The actions of the workflow table this user may perform on the matter now (what to offer; the action
    checks again)."""
    if not may_act_on(user, matter):
        return []
    return [key for key in allowed_actions(matter.status) if may(user, WORKFLOW[key].permission)]


def matter_detail_out(user, matter) -> dict:
    out = matter_out(matter)
    out.update(
        description=matter.description,
        likelihood=matter.likelihood,
        consequence=matter.consequence,
        residual_likelihood=matter.residual_likelihood,
        residual_consequence=matter.residual_consequence,
        matrix_version=matter.matrix_version,
        version=matter.version,
        outcome=matter.outcome,
        satisfaction=matter.satisfaction,
        closing_reason=matter.closing_reason,
        public_note=matter.public_note,
        mitigation_plan=matter.mitigation_plan,
        merged_into=matter_ref(matter.merged_into),
        parties=[
            {
                "id": p.pk,
                "role": p.role,
                "role_label": str(p.get_role_display()),
                "is_organisation": p.is_organisation,
                "name": p.masked_name,
                "phone": p.masked_phone,
                "id_number": p.masked_id_number,
            }
            for p in matter.parties.all()
        ],
        timeline=[
            {
                "at": e.at,
                "actor": person_ref(e.actor),
                "kind": e.kind,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
                "public": e.public,
                "public_text": e.public_text,
            }
            for e in matter.events.select_related("actor")
        ],
        mediation_sessions=[
            {
                "id": s.pk,
                "held_on": s.held_on,
                "mediators": s.mediators,
                "summary": s.summary,
                "result": s.result,
                "result_label": str(s.get_result_display()),
                "agreement_text": s.agreement_text,
                "has_agreement_file": bool(s.agreement_file),
            }
            for s in matter.mediation_sessions.all()
        ],
        follow_ups=[
            {
                "id": v.pk,
                "visited_on": v.visited_on,
                "method": v.method,
                "satisfaction": v.satisfaction,
                "satisfaction_label": str(v.get_satisfaction_display()),
                "note": v.note,
            }
            for v in matter.follow_ups.all()
        ],
        supervision_notes=[
            {"id": n.pk, "at": n.at, "by": person_ref(n.by), "note": n.note, "new_deadline": n.new_deadline}
            for n in matter.supervision_notes.select_related("by")
        ],
        report_ids=list(matter.reports.values_list("pk", flat=True)),
        allowed_actions=actions_for(user, matter),
    )
    return out


# input -----------------------------------------------------------------------------------------------------
# The scale length comes from the configured matrix, so the actions check the upper bound.
LIKELIHOOD = Field(..., ge=1, le=100, description="1..n on the current risk matrix (packaged: 1–5)")
CONSEQUENCE = Field(..., ge=1, le=100, description="1..n on the current risk matrix (packaged: 1–5)")
OPTIONAL_SCORE = Field(None, ge=1, le=100)


class PartyIn(StrictIn):
    role: PartyRole = PartyRole.APPLICANT
    name: RequiredText = Field(..., description="person or organisation (stored encrypted, shown masked)")
    phone: str = ""
    id_number: str = ""
    is_organisation: StrictBool = False


class PartyAddIn(PartyIn, VersionIn):
    pass


class MatterIn(StrictIn):
    kind: MatterKind
    domain: RequiredText = Field(..., description="domain code")
    area: RequiredText = Field(..., description="area code, within the user's scope")
    title: FilledText
    description: FilledText
    people_involved: StrictInt = Field(0, ge=0, le=2**31 - 1)
    amount_involved: Amount = Decimal(0)
    occurred_at: IsoDateTime | None = None
    parties: list[PartyIn] = []
    likelihood: StrictInt | None = Field(None, ge=1, le=100, description="with consequence: assess at once")
    consequence: StrictInt | None = OPTIONAL_SCORE
    assessment_note: str = Field("", description="研判意见: internal, never shown to the citizen")


class AssessIn(VersionIn):
    likelihood: StrictInt = LIKELIHOOD
    consequence: StrictInt = CONSEQUENCE
    residual_likelihood: StrictInt | None = OPTIONAL_SCORE
    residual_consequence: StrictInt | None = OPTIONAL_SCORE
    note: str = Field("", description="研判意见: internal, never shown to the citizen")


class ResidualIn(VersionIn):
    likelihood: StrictInt = LIKELIHOOD
    consequence: StrictInt = CONSEQUENCE
    note: str = ""


class AssignIn(VersionIn):
    unit: Id = Field(..., description="id of the responsible unit")
    person: Id | None = Field(None, description="id of the responsible user (a member of the unit)")
    deadline: IsoDate | None = Field(None, description="default: the level rule's days from today")
    lead_leader: Id | None = Field(
        None, description="id of the 包案领导 (a leader over the place); required where the level rules ask"
    )
    exemption_reason: str = Field(
        "", description="why the matter is not escalated where its level rule asks for a higher level"
    )
    note: str = ""


class NoteOnlyIn(VersionIn):
    note: str = ""


class ResolveIn(VersionIn):
    outcome: FilledText
    public_note: str = Field("", description="shown to the citizen on the status page")


class FollowUpIn(VersionIn):
    visited_on: IsoDate
    satisfaction: Satisfaction
    method: str = "电话"
    note: str = ""


class ReasonIn(VersionIn):
    reason: FilledText = Field(..., description="internal (上报/退回): never shown to the citizen")


class RejectIn(VersionIn):
    reason: FilledText = Field(..., description="shown to the citizen on the status page")


class MergeIn(VersionIn):
    into: Id = Field(..., description="id of the open matter this one duplicates")
    note: str = ""


class MediationIn(VersionIn):
    held_on: IsoDate
    mediators: FilledText
    summary: FilledText
    result: MediationResult
    parties_present: str = ""
    agreement_text: str = ""


class SuperviseIn(VersionIn):
    note: FilledText
    new_deadline: IsoDate | None = None


class LeadLeaderIn(VersionIn):
    leader: Id = Field(..., description="id of a leader whose area contains the matter's area")
    note: str = ""


class ProgressReportIn(VersionIn):
    text: FilledText


class NoteIn(VersionIn):
    note: FilledText
    public: StrictBool = Field(
        False, description="the note is shown, as written, on the citizen's status page"
    )


class BlackSwanIn(VersionIn):
    confirmed: StrictBool = Field(
        ..., description="true: confirm (a 根因分析 task for unit by deadline); false: dismiss"
    )
    reason: FilledText = Field(..., description="研判理由: internal")
    unit: Id | None = Field(
        None, description="id of the unit leading the root-cause analysis (when confirmed)"
    )
    deadline: IsoDate | None = Field(None, description="the root-cause analysis is due (when confirmed)")


class RegradeIn(VersionIn):
    likelihood: StrictInt = LIKELIHOOD
    consequence: StrictInt = CONSEQUENCE
    reason: FilledText = Field(..., description="调整原因: internal")


class CorrectIn(VersionIn):
    reason: FilledText = Field(..., description="更正原因: internal")
    people_involved: StrictInt | None = Field(None, ge=0, le=2**31 - 1)
    amount_involved: Amount | None = None
    domain: str | None = Field(None, description="domain code")
    area: str | None = Field(None, description="area code, within the caller's area")
    kind: MatterKind | None = None


class MitigationIn(VersionIn):
    plan: FilledText = Field(..., description="缓释方案: internal")


class GreyRhinoIn(VersionIn):
    marked: StrictBool


TRANSITION_LABELS = {name: t.label for name, t in TRANSITIONS.items()}
