"""One endpoint per matter action, each a thin call of its function in ``anju.matters.actions``: look the
matter up in the user's scope (404), act, and answer with the matter as it is now (and its ``ETag``). The
action checks everything itself: a role, scope or unit refusal is 403, an illegal transition or a stale
``version`` / ``If-Match`` 409, bad input 422, and none of them changes anything. Each endpoint's summary
states its rule from the workflow table (``matters.workflow.WORKFLOW``).
"""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router

from anju.api import lookups
from anju.api.errors import ErrorOut
from anju.api.matter_schemas import (
    AssessIn,
    AssignIn,
    BlackSwanIn,
    CorrectIn,
    FollowUpIn,
    GreyRhinoIn,
    LeadLeaderIn,
    MatterDetailOut,
    MediationIn,
    MergeIn,
    MitigationIn,
    NoteIn,
    NoteOnlyIn,
    PartyAddIn,
    ProgressReportIn,
    ReasonIn,
    RegradeIn,
    RejectIn,
    ResidualIn,
    ResolveIn,
    SuperviseIn,
    matter_detail_out,
)
from anju.api.matters import scoped_matter_or_404
from anju.api.versions import seen_version, with_etag
from anju.matters import actions
from anju.matters.workflow import WORKFLOW, Status

router = Router(tags=["matter workflow"])
RESPONSES = {
    200: MatterDetailOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _act(request, response, payload, matter_id: int, run) -> dict:
    """``run(user, matter, fields)``: ``fields`` are the payload's, with the version the client saw (body or
    If-Match), which the action checks under its row lock."""
    user = request.auth
    matter = scoped_matter_or_404(user, matter_id)
    fields = {**payload.dict(), "version": seen_version(request, payload)}
    run(user, matter, fields)
    fresh = scoped_matter_or_404(user, matter_id)
    return matter_detail_out(user, with_etag(response, fresh))


def _summary(key: str, what: str) -> str:
    """The endpoint's summary: what it does, and the statuses it runs in and moves to, from the table."""
    action = WORKFLOW[key]
    sources = "/".join(s for s in Status.values if s in action.sources)
    move = f" → {action.target}" if action.transition else ""
    return f"{action.label}: {what} ({sources}{move}; permission {action.permission})"


def _endpoint(key: str, what: str, path: str = ""):
    return router.post(
        f"/matters/{{matter_id}}/{path or key}", response=RESPONSES, summary=_summary(key, what)
    )


@_endpoint("assess", "score the risk")
def assess(request, matter_id: int, payload: AssessIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.assess(u, m, **f))


@_endpoint("assign", "responsible unit, person and deadline")
def assign(request, matter_id: int, payload: AssignIn, response: HttpResponse):
    def run(user, matter, f):
        actions.assign(
            user,
            matter,
            unit=lookups.unit(f["unit"]),
            person=lookups.person(f["person"]),
            deadline=f["deadline"],
            lead_leader=lookups.person(f["lead_leader"], "lead_leader"),
            exemption_reason=f["exemption_reason"],
            note=f["note"],
            version=f["version"],
        )

    return _act(request, response, payload, matter_id, run)


@_endpoint("start", "resolution begins")
def start(request, matter_id: int, payload: NoteOnlyIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.start(u, m, **f))


@_endpoint("resolve", "resolved, with the outcome")
def resolve(request, matter_id: int, payload: ResolveIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.resolve(u, m, **f))


@_endpoint("follow_up", "the follow-up visit, with satisfaction")
def follow_up(request, matter_id: int, payload: FollowUpIn, response: HttpResponse):
    def run(user, matter, f):
        actions.follow_up(user, matter, **{**f, "satisfaction": str(payload.satisfaction.value)})

    return _act(request, response, payload, matter_id, run)


@_endpoint("archive", "archived")
def archive(request, matter_id: int, payload: NoteOnlyIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.archive(u, m, **f))


@_endpoint("escalate", "to the next level's centre, with a reason")
def escalate(request, matter_id: int, payload: ReasonIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.escalate(u, m, **f))


@_endpoint("return", "for re-assessment or re-assignment, with a reason")
def return_matter(request, matter_id: int, payload: ReasonIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.return_matter(u, m, **f))


@_endpoint("merge", "a duplicate into another open matter; its reports follow")
def merge(request, matter_id: int, payload: MergeIn, response: HttpResponse):
    def run(user, matter, f):
        into = lookups.scoped_matter(user, f["into"], "into")
        actions.merge(user, matter, into=into, note=f["note"], version=f["version"])

    return _act(request, response, payload, matter_id, run)


@_endpoint("reject", "with a reason shown to the citizen")
def reject(request, matter_id: int, payload: RejectIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.reject(u, m, **f))


@_endpoint("mediation", "a mediation session (an assigned matter starts resolving)")
def mediation(request, matter_id: int, payload: MediationIn, response: HttpResponse):
    def run(user, matter, f):
        actions.record_mediation(user, matter, **{**f, "result": str(payload.result.value)})

    return _act(request, response, payload, matter_id, run)


@_endpoint("supervise", "a 督办 note, optionally with a new deadline")
def supervise(request, matter_id: int, payload: SuperviseIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.supervise(u, m, **f))


@_endpoint("note", "a note on the timeline")
def note(request, matter_id: int, payload: NoteIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.add_note(u, m, **f))


@_endpoint("parties", "a party (personal data is stored encrypted and shown masked)")
def add_party(request, matter_id: int, payload: PartyAddIn, response: HttpResponse):
    def run(user, matter, f):
        actions.add_party(user, matter, **{**f, "role": str(payload.role.value)})

    return _act(request, response, payload, matter_id, run)


@_endpoint("residual", "the residual level, without a status change")
def residual(request, matter_id: int, payload: ResidualIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.set_residual_risk(u, m, **f))


@_endpoint("black_swan", "confirm (opening a 根因分析 task) or dismiss, with the reason")
def black_swan(request, matter_id: int, payload: BlackSwanIn, response: HttpResponse):
    def run(user, matter, f):
        if f["confirmed"]:
            unit = lookups.unit(f["unit"]) if f["unit"] is not None else None
            actions.confirm_black_swan(
                user, matter, reason=f["reason"], unit=unit, deadline=f["deadline"], version=f["version"]
            )
        else:
            actions.dismiss_black_swan(user, matter, reason=f["reason"], version=f["version"])

    return _act(request, response, payload, matter_id, run)


@_endpoint("black_swan_dismiss", "dismiss the suggestion, with the reason")
def black_swan_dismiss(request, matter_id: int, payload: ReasonIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.dismiss_black_swan(u, m, **f))


@_endpoint("regrade", "a new grading with its reason; the previous one is kept")
def regrade(request, matter_id: int, payload: RegradeIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.regrade(u, m, **f))


@_endpoint("correct", "correct people, amount, domain, place or type, with the reason")
def correct(request, matter_id: int, payload: CorrectIn, response: HttpResponse):
    def run(user, matter, f):
        actions.correct_facts(
            user,
            matter,
            reason=f["reason"],
            people_involved=f["people_involved"],
            amount_involved=f["amount_involved"],
            domain=lookups.domain(f["domain"]) if f["domain"] else None,
            area=lookups.scoped_area(user, f["area"]) if f["area"] else None,
            kind=str(payload.kind.value) if payload.kind else None,
            version=f["version"],
        )

    return _act(request, response, payload, matter_id, run)


@_endpoint("mitigation", "the 缓释方案 of a 灰犀牛")
def mitigation(request, matter_id: int, payload: MitigationIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.set_mitigation_plan(u, m, **f))


@_endpoint("grey_rhino", "mark or unmark")
def grey_rhino(request, matter_id: int, payload: GreyRhinoIn, response: HttpResponse):
    return _act(request, response, payload, matter_id, lambda u, m, f: actions.set_grey_rhino(u, m, **f))


@_endpoint("lead_leader", "the 包案领导 (level rules)")
def lead_leader(request, matter_id: int, payload: LeadLeaderIn, response: HttpResponse):
    def run(user, matter, f):
        leader = lookups.person(f["leader"], "leader")
        actions.set_lead_leader(user, matter, leader=leader, note=f["note"], version=f["version"])

    return _act(request, response, payload, matter_id, run)


@_endpoint("progress_report", "a progress report (进展报告) due by the level rules")
def progress_report(request, matter_id: int, payload: ProgressReportIn, response: HttpResponse):
    return _act(
        request, response, payload, matter_id, lambda u, m, f: actions.file_progress_report(u, m, **f)
    )
