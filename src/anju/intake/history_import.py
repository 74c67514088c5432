"""Bulk import of historical reports and the matters they became (migration from an old ledger, or the
demo county's history).

``matters.actions`` changes one matter at a time, at the time it is given. An import instead writes
matters whose whole life already happened, each with the report it came from: each row carries its
timeline with historical timestamps. Nothing is taken on trust, and the rules are the workflow table's
(``matters.workflow.WORKFLOW``), found by each event's kind: an event is legal in the statuses the table
allows its action in and moves the matter as the table says, and its actor must hold the action's
permission and have the matter's area in scope. Risk levels are derived from the current matrix exactly as
``assess`` does. The whole import is one transaction; any invalid row rejects all of it and writes nothing.

The timeline (``MatterEvent``) is written with the historical times; the audit log records the import
itself, now, once per area (who imported how many matters, which numbers).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit, textsafety
from anju.core.crypto import protect_text
from anju.core.scoping import in_scope
from anju.intake.models import Report, ReportStatus
from anju.intake.receipts import new_code
from anju.matters import audience
from anju.matters.models import (
    FollowUpVisit,
    Matter,
    MatterEvent,
    MatterKind,
    MatterParty,
    MediationResult,
    MediationSession,
    Satisfaction,
    SupervisionNote,
)
from anju.matters.risk import current_matrix
from anju.matters.swans import min_consequence
from anju.matters.workflow import BY_EVENT, DEADLINE_STATUSES, OPEN_STATUSES, Status

# The timeline events a row may carry: every action's event, except those whose data a row gives otherwise
# (its parties; the 黑天鹅 / 灰犀牛 flags, derived as registration and assessment derive them).
# Re-gradings, corrections and mitigation plans keep rows of their own, which a history row does not carry.
NOT_REPLAYED = frozenset(
    {
        "party_added",
        "black_swan",
        "black_swan_dismissed",
        "grey_rhino",
        "mitigation_plan",
        "regraded",
        "facts_corrected",
    }
)
IMPORTED_EVENTS = frozenset(BY_EVENT) - NOT_REPLAYED
BATCH = 500


@dataclass
class HistoricalEvent:
    at: dt.datetime
    actor: object  # core.User
    kind: str  # one of IMPORTED_EVENTS; the status change follows from the workflow table
    note: str = ""  # internal, as ``MatterEvent.note``
    data: dict = field(default_factory=dict)
    record: object = None  # a HistoricalMediation/FollowUp/Supervision this event reports
    # PUBLIC: text written for the citizen; only the kinds of ``audience.PUBLIC_TEXT_KINDS`` carry one.
    public_text: str = ""


@dataclass
class HistoricalMediation:
    held_on: dt.date
    mediators: str
    summary: str
    result: str
    recorded_by: object
    recorded_at: dt.datetime
    parties_present: str = ""
    agreement_text: str = ""


@dataclass
class HistoricalFollowUp:
    visited_on: dt.date
    satisfaction: str
    visited_by: object
    method: str = "电话"
    note: str = ""


@dataclass
class HistoricalSupervision:
    at: dt.datetime
    by: object
    note: str
    new_deadline: dt.date | None = None


@dataclass
class HistoricalReport:
    channel: str
    received_at: dt.datetime
    created_by: object = None
    location: str = ""
    anonymous: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""
    area: object = (
        None  # where it was reported from, inside the matter's area (e.g. a grid); default the area
    )


@dataclass
class HistoricalMatter:
    """One matter with its whole history. ``key`` lets another row name it as ``merged_into``."""

    key: object
    kind: str
    domain: object
    area: object
    title: str
    description: str
    occurred_at: dt.datetime
    events: list[HistoricalEvent]
    handling_area: object = None  # default: the area, moved up by each "escalated" event
    people_involved: int = 0
    amount_involved: Decimal | int = 0
    likelihood: int | None = None
    consequence: int | None = None
    residual_likelihood: int | None = None
    residual_consequence: int | None = None
    responsible_unit: object = None
    responsible_person: object = None
    deadline: dt.date | None = None
    outcome: str = ""
    closing_reason: str = ""
    public_note: str = ""
    merged_into: object = None  # the key of another row
    parties: list[dict] = field(default_factory=list)  # MatterParty fields: role, name, phone, id_number, …
    report: HistoricalReport | None = None
    mediations: list[HistoricalMediation] = field(default_factory=list)
    follow_ups: list[HistoricalFollowUp] = field(default_factory=list)
    supervisions: list[HistoricalSupervision] = field(default_factory=list)
    is_demo: bool = False


def _protected(field_name: str, text: str) -> dict:
    """A free-text field and its encrypted original, as keyword arguments (see core.crypto.protect_text)."""
    masked, original = protect_text(text or "")
    return {field_name: masked, f"{field_name}_original": original}


def _fail(index: int, row: HistoricalMatter, message: str) -> ValidationError:
    return ValidationError(
        {
            "rows": _("第 %(i)s 行（%(title)s）：%(msg)s")
            % {"i": index + 1, "title": row.title[:30], "msg": message}
        }
    )


def _clean_row_text(index: int, row: HistoricalMatter) -> None:
    """Imported text gets what typed text gets: no control characters; invisible characters removed from
    free text and refused in names."""
    textsafety.clean_dataclass(row)
    names = [p.get("name", "") for p in row.parties] + [row.report.reporter_name if row.report else ""]
    if any(textsafety.has_invisible(name) for name in names):
        raise _fail(index, row, str(textsafety.INVISIBLE_MESSAGE))


def _check_row(index: int, row: HistoricalMatter, now: dt.datetime) -> list[tuple[str, str]]:
    """Validate one row's data and timeline; return each event's (from_status, to_status), "" where the
    event changes no status, as ``matters.actions`` would have logged them."""
    if row.kind not in MatterKind.values:
        raise _fail(index, row, _("未知的事项类型。"))
    if not (row.title or "").strip() or not (row.description or "").strip():
        raise _fail(index, row, _("标题和情况描述不能为空。"))
    if Decimal(str(row.amount_involved or 0)) < 0:
        raise _fail(index, row, _("涉及金额不能为负数。"))
    if not row.events or row.events[0].kind != "registered":
        raise _fail(index, row, _("时间线须从“登记”开始。"))
    status, previous, steps = "", None, []
    for event in row.events:
        if event.kind not in IMPORTED_EVENTS or (event.kind == "registered") != (previous is None):
            raise _fail(index, row, _("时间线事件“%(k)s”无效。") % {"k": event.kind})
        if previous is not None and event.at < previous:
            raise _fail(index, row, _("时间线须按时间先后排列。"))
        if event.at > now:
            raise _fail(index, row, _("历史事件的时间不能晚于当前时间。"))
        if (event.public_text or "").strip() and event.kind not in audience.PUBLIC_TEXT_KINDS:
            raise _fail(index, row, _("“%(k)s”事件不能带有对外公开说明。") % {"k": event.kind})
        action = BY_EVENT[event.kind]
        actor = event.actor
        if actor is None or not actor.can(action.permission) or not in_scope(actor, row.area):
            raise _fail(index, row, _("“%(k)s”的操作人无权办理该事项。") % {"k": event.kind})
        if previous is not None and not action.allows(status):
            raise _fail(index, row, action.refusal_message(status))
        steps.append(action.step(status))
        status = steps[-1][1] or status
        previous = event.at
    if status == Status.MERGED and row.merged_into is None:
        raise _fail(index, row, _("合并的事项须指明并入事项。"))
    if status in DEADLINE_STATUSES and row.deadline is None:
        raise _fail(index, row, _("已交办的事项须有办理期限。"))
    kinds = {e.kind for e in row.events}
    if "assigned" not in kinds and (row.responsible_unit or row.deadline):
        raise _fail(index, row, _("未交办的事项不能有责任单位或办理期限。"))
    if "assessed" not in kinds and row.likelihood is not None:
        raise _fail(index, row, _("未研判的事项不能有风险等级。"))
    if "residual_assessed" not in kinds and row.residual_likelihood is not None:
        raise _fail(index, row, _("未评估措施后风险的事项不能有剩余风险等级。"))
    return steps


def _status_at(row: HistoricalMatter, steps: list[tuple[str, str]], when: dt.datetime) -> str:
    status = ""
    for event, (_from, to) in zip(row.events, steps, strict=True):
        if event.at > when:
            break
        status = to or status
    return status


def _final_status(steps: list[tuple[str, str]]) -> str:
    return [to for _, to in steps if to][-1]


def _numberer():
    """Numbers in the scheme of ``actions.create_matter``: ``<area code[:6]>-<year>-<seq>``, continuing any
    numbers already issued for that prefix."""
    next_seq: dict[str, int] = {}

    def number(area, when: dt.datetime) -> str:
        prefix = f"{area.code[:6]}-{timezone.localtime(when):%Y}-"
        if prefix not in next_seq:
            last = (
                Matter.objects.filter(number__startswith=prefix)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            next_seq[prefix] = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        seq = next_seq[prefix]
        next_seq[prefix] = seq + 1
        return f"{prefix}{seq:06d}"

    return number


@transaction.atomic
def import_historical_matters(
    actor, rows: list[HistoricalMatter], *, now: dt.datetime | None = None, permission: str = "admin.manage"
) -> list[Matter]:
    """Write ``rows`` (in any order) with their reports, parties, records and timelines; return the matters
    in registration order. Requires ``permission``: ``admin.manage``, or ``intake.legacy_import`` when the legacy
    台账 importer (``intake/legacy_import.py``, which checks the area too) calls it."""
    if actor is None or not actor.can(permission):
        raise ValidationError({"rows": _("只有管理员可以导入历史事项。")})
    now = now or timezone.now()
    matrix = current_matrix()
    rows = sorted(rows, key=lambda r: (r.events[0].at if r.events else now, str(r.key)))
    for i, row in enumerate(rows):
        _clean_row_text(i, row)
    timelines = [_check_row(i, row, now) for i, row in enumerate(rows)]
    index_of = {row.key: i for i, row in enumerate(rows)}
    for i, row in enumerate(rows):
        if row.merged_into is not None:
            target = index_of.get(row.merged_into)
            if target is None or target == i:
                raise _fail(i, row, _("并入事项不在本次导入中。"))
            merged_at = next(e.at for e in row.events if e.kind == "merged")
            if _status_at(rows[target], timelines[target], merged_at) not in OPEN_STATUSES:
                raise _fail(i, row, _("合并目标须为在办事项。"))
        if row.mediations and any(m.result not in MediationResult.values for m in row.mediations):
            raise _fail(i, row, _("请选择调解结果。"))
        if row.report is not None and row.report.area is not None and not row.area.contains(row.report.area):
            raise _fail(i, row, _("诉求所在区域须在事项发生地范围内。"))
        if any(f.satisfaction not in Satisfaction.values for f in row.follow_ups):
            raise _fail(i, row, _("请选择满意度。"))

    number = _numberer()
    seen_series = set(Matter.objects.values_list("area_id", "domain_id", "kind").distinct())
    matters = []
    for i, (row, steps) in enumerate(zip(rows, timelines, strict=True)):
        registered_at = row.events[0].at
        handling = row.handling_area or row.area
        for event in row.events:
            if event.kind == "escalated":
                handling = handling.parent
                if handling is None:
                    raise _fail(i, row, _("已是最高层级，无法继续上报。"))
        description, description_original = protect_text(row.description.strip())
        matter = Matter(
            number=number(row.area, registered_at),
            kind=row.kind,
            domain=row.domain,
            area=row.area,
            handling_area=handling,
            title=row.title.strip()[:200],
            description=description,
            description_original=description_original,
            people_involved=row.people_involved or 0,
            amount_involved=Decimal(str(row.amount_involved or 0)),
            status=_final_status(steps),
            responsible_unit=row.responsible_unit,
            responsible_person=row.responsible_person,
            deadline=row.deadline,
            occurred_at=row.occurred_at,
            registered_at=registered_at,
            outcome=row.outcome,
            closing_reason=row.closing_reason,
            public_note=row.public_note,
            created_by=row.events[0].actor,
            is_demo=row.is_demo,
        )
        series = (row.area.pk, row.domain.pk, row.kind)
        # as matters.swans: first of its kind here, and graded of high consequence
        matter.black_swan_suggested = (
            series not in seen_series and (row.consequence or 0) >= min_consequence()
        )
        seen_series.add(series)
        if row.likelihood is not None and row.consequence is not None:
            try:
                level = matrix.level(row.likelihood, row.consequence)
                if row.residual_likelihood is not None and row.residual_consequence is not None:
                    residual = matrix.level(row.residual_likelihood, row.residual_consequence)
                    matter.residual_likelihood = row.residual_likelihood
                    matter.residual_consequence = row.residual_consequence
                    matter.residual_level = residual.code
            except ValueError:
                raise _fail(i, row, _("可能性与后果须在风险矩阵的刻度范围内。")) from None
            matter.likelihood, matter.consequence = row.likelihood, row.consequence
            matter.inherent_level, matter.matrix_version = level.code, matrix.key
            matter.grey_rhino = matrix.is_grey_rhino(row.likelihood, row.consequence)
        resolved = [e.at for e in row.events if e.kind == "resolved"]
        matter.resolved_at = resolved[-1] if resolved else None
        if row.follow_ups:
            matter.satisfaction = row.follow_ups[-1].satisfaction
        matter.sync_level_rank()  # bulk_create does not call save()
        matters.append(matter)
    Matter.objects.bulk_create(matters, batch_size=BATCH)

    by_key = {row.key: matter for row, matter in zip(rows, matters, strict=True)}
    merged = []
    for row, matter in zip(rows, matters, strict=True):
        if row.merged_into is not None:
            matter.merged_into = by_key[row.merged_into]
            merged.append(matter)
    Matter.objects.bulk_update(merged, ["merged_into"], batch_size=BATCH)

    record_pks = _write_related(rows, matters)
    _write_timelines(rows, timelines, matters, by_key, record_pks)
    _audit_import(actor, matters)
    return matters


def _write_related(rows: list[HistoricalMatter], matters: list[Matter]) -> dict[int, int]:
    """Parties, source reports, mediation/follow-up/supervision records; returns record id() → pk."""
    parties, reports = [], []
    for row, matter in zip(rows, matters, strict=True):
        for p in row.parties:
            parties.append(
                MatterParty(
                    matter=matter,
                    role=p.get("role", "applicant"),
                    name=p.get("name", ""),
                    phone=p.get("phone", ""),
                    id_number=p.get("id_number", ""),
                    is_organisation=p.get("is_organisation", False),
                )
            )
        if row.report is not None:
            r = row.report
            reports.append(
                Report(
                    receipt_code=new_code(),
                    channel=r.channel,
                    received_at=r.received_at,
                    title=matter.title,
                    text=matter.description,
                    area=r.area or matter.area,
                    location=r.location,
                    suggested_domain=matter.domain,
                    anonymous=r.anonymous,
                    reporter_name="" if r.anonymous else r.reporter_name,
                    reporter_phone="" if r.anonymous else r.reporter_phone,
                    status=ReportStatus.REGISTERED,
                    matter=matter.merged_into or matter,
                    created_by=r.created_by,
                    is_demo=matter.is_demo,
                )
            )
    MatterParty.objects.bulk_create(parties, batch_size=BATCH)
    Report.objects.bulk_create(reports, batch_size=BATCH)

    def records(model, attr, build):
        objs, owners = [], []
        for row, matter in zip(rows, matters, strict=True):
            for item in getattr(row, attr):
                objs.append(build(matter, item))
                owners.append(item)
        model.objects.bulk_create(objs, batch_size=BATCH)
        return {id(item): obj.pk for item, obj in zip(owners, objs, strict=True)}

    pks = {}
    pks.update(
        records(
            MediationSession,
            "mediations",
            lambda m, s: MediationSession(
                matter=m,
                held_on=s.held_on,
                mediators=s.mediators,
                **_protected("summary", s.summary),
                result=s.result,
                parties_present=s.parties_present,
                **_protected("agreement_text", s.agreement_text),
                recorded_by=s.recorded_by,
                recorded_at=s.recorded_at,
            ),
        )
    )
    pks.update(
        records(
            FollowUpVisit,
            "follow_ups",
            lambda m, f: FollowUpVisit(
                matter=m,
                visited_on=f.visited_on,
                method=f.method,
                satisfaction=f.satisfaction,
                note=f.note,
                visited_by=f.visited_by,
            ),
        )
    )
    pks.update(
        records(
            SupervisionNote,
            "supervisions",
            lambda m, s: SupervisionNote(
                matter=m, at=s.at, by=s.by, note=s.note, new_deadline=s.new_deadline
            ),
        )
    )
    return pks


RECORD_DATA_KEY = {HistoricalMediation: "session", HistoricalFollowUp: "visit", HistoricalSupervision: "note"}


def _write_timelines(
    rows, timelines, matters: list[Matter], by_key: dict, record_pks: dict[int, int]
) -> None:
    events = []
    for row, steps, matter in zip(rows, timelines, matters, strict=True):
        for e, (from_status, to_status) in zip(row.events, steps, strict=True):
            data = dict(e.data)
            if e.record is not None:
                data[RECORD_DATA_KEY[type(e.record)]] = record_pks[id(e.record)]
            if e.kind == "merged":
                target = by_key[row.merged_into]
                data["into"] = target.pk
                events.append(
                    MatterEvent(
                        matter=target,
                        at=e.at,
                        actor=e.actor,
                        kind="merge_received",
                        note=_("并入事项 %(n)s") % {"n": matter.number},
                        data={"from": matter.pk},
                    )
                )
            events.append(
                MatterEvent(
                    matter=matter,
                    at=e.at,
                    actor=e.actor,
                    kind=e.kind,
                    from_status=from_status,
                    to_status=to_status,
                    note=e.note,
                    public=audience.is_public(e.kind, e.public_text),
                    public_text=(e.public_text or "").strip(),
                    data=data,
                )
            )
    MatterEvent.objects.bulk_create(events, batch_size=BATCH)


def _audit_import(actor, matters: list[Matter]) -> None:
    by_area = defaultdict(list)
    for matter in matters:
        by_area[matter.area].append(matter.number)
    for area, numbers in by_area.items():
        audit.record(
            actor,
            "matter.import",
            area,
            after={"count": len(numbers), "numbers": sorted(numbers)},
            note=_("导入历史事项 %(n)s 件") % {"n": len(numbers)},
            area=area,
        )
