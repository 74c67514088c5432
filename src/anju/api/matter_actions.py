"""One endpoint per workflow action, each a thin call of the function of the same name in
``anju.matters.actions``: look the matter up in the user's scope (404), check the role (403), act, and
answer with the matter as it is now (and its ``ETag``). Illegal transitions, and a stale ``version`` or
``If-Match``, come back as 409 and change nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from ninja import Router

from anju.api import lookups
from anju.api.errors import ErrorOut
from anju.api.matter_schemas import (
    AssessIn,
    AssignIn,
    BlackSwanIn,
    FollowUpIn,
    GreyRhinoIn,
    MatterDetailOut,
    MediationIn,
    MergeIn,
    NoteIn,
    NoteOnlyIn,
    PartyAddIn,
    ReasonIn,
    RejectIn,
    ResidualIn,
    ResolveIn,
    SuperviseIn,
    matter_detail_out,
)
from anju.api.matters import scoped_matter_or_404
from anju.api.versions import seen_version, with_etag
from anju.core.concurrency import lock_checked
from anju.matters import actions

router = Router(tags=["matter workflow"])
RESPONSES = {
    200: MatterDetailOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _act(request, response, payload, matter_id: int, permission: str, run) -> dict:
    user = request.auth
    matter = scoped_matter_or_404(user, matter_id)
    user.require(permission)
    with transaction.atomic():
        # The version the client saw (body or If-Match), checked under the row lock the action then keeps.
        lock_checked(matter, seen_version(request, payload))
        run(user, matter)
    fresh = scoped_matter_or_404(user, matter_id)
    return matter_detail_out(user, with_etag(response, fresh))


def _endpoint(path: str, summary: str):
    return router.post(f"/matters/{{matter_id}}/{path}", response=RESPONSES, summary=summary)


@_endpoint("assess", "研判定级: score the risk (registered/escalated/returned/assessed → assessed)")
def assess(request, matter_id: int, payload: AssessIn, response: HttpResponse):
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.assess",
        lambda u, m: actions.assess(u, m, **payload.dict()),
    )


@_endpoint("assign", "交办: responsible unit, person and deadline (assessed/returned → assigned)")
def assign(request, matter_id: int, payload: AssignIn, response: HttpResponse):
    def run(user, matter):
        actions.assign(
            user,
            matter,
            unit=lookups.unit(payload.unit),
            person=lookups.person(payload.person),
            deadline=payload.deadline,
            note=payload.note,
        )

    return _act(request, response, payload, matter_id, "matter.assign", run)


@_endpoint("start", "开始化解 (assigned → resolving)")
def start(request, matter_id: int, payload: NoteOnlyIn, response: HttpResponse):
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.start",
        lambda u, m: actions.start(u, m, note=payload.note),
    )


@_endpoint("resolve", "化解办结 with the outcome (assigned/resolving → resolved)")
def resolve(request, matter_id: int, payload: ResolveIn, response: HttpResponse):
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.resolve",
        lambda u, m: actions.resolve(u, m, **payload.dict()),
    )


@_endpoint("follow_up", "回访 with satisfaction (resolved → followed_up)")
def follow_up(request, matter_id: int, payload: FollowUpIn, response: HttpResponse):
    data = {**payload.dict(), "satisfaction": str(payload.satisfaction.value)}
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.follow_up",
        lambda u, m: actions.follow_up(u, m, **data),
    )


@_endpoint("archive", "归档 (resolved/followed_up → archived)")
def archive(request, matter_id: int, payload: NoteOnlyIn, response: HttpResponse):
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.archive",
        lambda u, m: actions.archive(u, m, note=payload.note),
    )


@_endpoint("escalate", "上报 to the next level's centre, with a reason")
def escalate(request, matter_id: int, payload: ReasonIn, response: HttpResponse):
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.escalate",
        lambda u, m: actions.escalate(u, m, reason=payload.reason),
    )


@_endpoint("return", "退回 for re-assessment or re-assignment, with a reason (assigned/resolving → returned)")
def return_matter(request, matter_id: int, payload: ReasonIn, response: HttpResponse):
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.return",
        lambda u, m: actions.return_matter(u, m, reason=payload.reason),
    )


@_endpoint("merge", "合并 a duplicate into another open matter; its reports follow")
def merge(request, matter_id: int, payload: MergeIn, response: HttpResponse):
    def run(user, matter):
        actions.merge(user, matter, into=lookups.scoped_matter(user, payload.into, "into"), note=payload.note)

    return _act(request, response, payload, matter_id, "matter.merge", run)


@_endpoint("reject", "不予受理, with a reason shown to the citizen")
def reject(request, matter_id: int, payload: RejectIn, response: HttpResponse):
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.reject",
        lambda u, m: actions.reject(u, m, reason=payload.reason),
    )


@_endpoint("mediation", "调解: record a mediation session (an assigned matter starts resolving)")
def mediation(request, matter_id: int, payload: MediationIn, response: HttpResponse):
    data = {**payload.dict(), "result": str(payload.result.value)}
    return _act(
        request,
        response,
        payload,
        matter_id,
        "mediation.record",
        lambda u, m: actions.record_mediation(u, m, **data),
    )


@_endpoint("supervise", "督办 note on an open matter, optionally with a new deadline")
def supervise(request, matter_id: int, payload: SuperviseIn, response: HttpResponse):
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.supervise",
        lambda u, m: actions.supervise(u, m, **payload.dict()),
    )


@_endpoint("note", "A note on the timeline")
def note(request, matter_id: int, payload: NoteIn, response: HttpResponse):
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.note",
        lambda u, m: actions.add_note(u, m, **payload.dict()),
    )


@_endpoint("parties", "Add a party (personal data is stored encrypted and shown masked)")
def add_party(request, matter_id: int, payload: PartyAddIn, response: HttpResponse):
    data = {**payload.dict(), "role": str(payload.role.value)}
    return _act(
        request, response, payload, matter_id, "matter.note", lambda u, m: actions.add_party(u, m, **data)
    )


@_endpoint("residual", "措施后风险: the residual level, without a status change")
def residual(request, matter_id: int, payload: ResidualIn, response: HttpResponse):
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.assess",
        lambda u, m: actions.set_residual_risk(u, m, **payload.dict()),
    )


@_endpoint("black_swan", "Confirm or rule out 黑天鹅")
def black_swan(request, matter_id: int, payload: BlackSwanIn, response: HttpResponse):
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.flag",
        lambda u, m: actions.confirm_black_swan(u, m, confirmed=payload.confirmed),
    )


@_endpoint("grey_rhino", "Mark or unmark 灰犀牛")
def grey_rhino(request, matter_id: int, payload: GreyRhinoIn, response: HttpResponse):
    return _act(
        request,
        response,
        payload,
        matter_id,
        "matter.flag",
        lambda u, m: actions.set_grey_rhino(u, m, marked=payload.marked),
    )
