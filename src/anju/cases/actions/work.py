"""A case's work: tasks, and for a 涉众型经济案件 its figures over time, 控赃控人 / 资产返还 progress notes
and 教育疏导 sessions. These add rows under the case: the case is locked and the version its page showed is
checked (a case closed or changed meanwhile refuses), but the case itself is not changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.cases.actions.cases import case_event, guarded, require_open
from anju.cases.models import (
    Case,
    CaseEventKind,
    CaseKind,
    CaseTask,
    CaseTaskStatus,
    EducationSession,
    FraudFigures,
    FraudProgress,
    ProgressTrack,
)
from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import WorkflowError
from anju.core.notifications import members_of, notify
from anju.core.permissions import require

TASK_FIELDS = ("title", "owner_unit", "owner_user", "deadline", "status", "done_note", "done_at")
STALE_TASK = _("任务已被他人修改，请刷新页面后重试。")


def _require_fraud(case: Case) -> None:
    if case.kind != CaseKind.FRAUD:
        raise WorkflowError(_("只有涉众型经济案件登记涉案数据、控赃控人和资产返还进展、教育疏导。"))


@transaction.atomic
def add_task(
    actor,
    case: Case,
    *,
    title: str,
    owner_unit=None,
    owner_user=None,
    deadline: dt.date | None = None,
    version=None,
    now=None,
) -> CaseTask:
    now = now or timezone.now()
    guarded(actor, case, version)
    require_open(case)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写任务内容。")
    if owner_unit is None and owner_user is None:
        errors["owner_unit"] = _("请选择责任单位或责任人。")
    if owner_user is not None and not owner_user.is_active:
        errors["owner_user"] = _("该账号已停用。")
    if deadline is not None and deadline < timezone.localdate(now):
        errors["deadline"] = _("完成期限不能早于今天。")
    if errors:
        raise ValidationError(errors)
    task = CaseTask.objects.create(
        case=case,
        title=title.strip(),
        owner_unit=owner_unit,
        owner_user=owner_user,
        deadline=deadline,
        created_by=actor,
        created_at=now,
    )
    owner = "、".join(
        x for x in (owner_unit and owner_unit.name, owner_user and owner_user.display_name) if x
    )
    case_event(
        actor,
        case,
        CaseEventKind.TASK_ADDED,
        _("%(title)s（%(owner)s，期限 %(deadline)s）")
        % {"title": task.title, "owner": owner, "deadline": deadline or "—"},
        now,
    )
    audit.record(actor, "case.task_add", task, after=audit.snapshot(task, TASK_FIELDS) | {"case": case.pk})
    recipients = members_of(owner_unit, excluding=actor) if owner_unit else []
    if owner_user is not None and owner_user != actor:
        recipients.append(owner_user)
    notify(
        recipients,
        kind="cases.task",
        title=_("专案 %(code)s 交办任务") % {"code": case.code},
        body=task.title,
        link=reverse("cases:task", args=[task.pk]),
        key=f"case-task-{task.pk}",
        now=now,
    )
    return task


@transaction.atomic
def complete_task(actor, task: CaseTask, *, note: str, version=None, now=None) -> CaseTask:
    """完成任务: by the owner unit's members, the owner person, or whoever manages the case."""
    now = now or timezone.now()
    require(actor, "cases.task")
    lock_checked(task, version, message=STALE_TASK)
    if task.owner_user_id != actor.pk:
        require(actor, "cases.task", task)  # the task's unit (addressed to it) or the case's area
    if task.status != CaseTaskStatus.OPEN:
        raise WorkflowError(_("该任务已完成。"))
    require_open(task.case)
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写完成情况。")})
    before = audit.snapshot(task, TASK_FIELDS)
    task.status, task.done_note, task.done_at, task.done_by = CaseTaskStatus.DONE, note.strip(), now, actor
    task.save()
    case_event(
        actor,
        task.case,
        CaseEventKind.TASK_DONE,
        _("%(title)s：%(note)s") % {"title": task.title, "note": task.done_note},
        now,
    )
    audit.record(actor, "case.task_done", task, before=before, after=audit.snapshot(task, TASK_FIELDS))
    return task


def _amount(value, field: str, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        errors[field] = _("请填写金额（元）。")
        return None
    if amount < 0:
        errors[field] = _("金额不能为负数。")
        return None
    return amount


def fraud_figure_errors(case, *, on, people, involved, recovered, returned, today) -> dict:
    """The arithmetic every entry must meet: nothing negative, 已追缴 ≤ 涉案, 已返还 ≤ 已追缴, no future date."""
    errors = {}
    if on is None:
        errors["on"] = _("请填写统计日期。")
    elif on > today:
        errors["on"] = _("统计日期不能晚于今天。")
    elif case.fraud_figures.filter(on=on).exists():
        errors["on"] = _("该日期已登记过涉案数据。")
    if people is None or int(people) < 0:
        errors["people"] = _("人数不能为负数。")
    if None not in (involved, recovered) and recovered > involved:
        errors["amount_recovered"] = _("已追缴金额不能超过涉案金额。")
    if None not in (recovered, returned) and "amount_recovered" not in errors and returned > recovered:
        errors["amount_returned"] = _("已返还金额不能超过已追缴金额。")
    return errors


@transaction.atomic
def record_fraud_figures(
    actor,
    case: Case,
    *,
    on: dt.date,
    people: int,
    amount_involved,
    amount_recovered,
    amount_returned,
    note: str = "",
    version=None,
    now=None,
) -> FraudFigures:
    """One date's figures of the victim group: counts and amounts only, never who the victims are."""
    now = now or timezone.now()
    guarded(actor, case, version)
    require_open(case)
    _require_fraud(case)
    errors: dict = {}
    involved = _amount(amount_involved, "amount_involved", errors)
    recovered = _amount(amount_recovered, "amount_recovered", errors)
    returned = _amount(amount_returned, "amount_returned", errors)
    errors = (
        fraud_figure_errors(
            case,
            on=on,
            people=people,
            involved=involved,
            recovered=recovered,
            returned=returned,
            today=timezone.localdate(now),
        )
        | errors
    )
    if errors:
        raise ValidationError(errors)
    figures = FraudFigures.objects.create(
        case=case,
        on=on,
        people=int(people),
        amount_involved=involved,
        amount_recovered=recovered,
        amount_returned=returned,
        note=(note or "").strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    case_event(
        actor,
        case,
        CaseEventKind.FIGURES,
        _("%(on)s：涉案 %(people)s 人、%(involved)s 元，已追缴 %(recovered)s 元，已返还 %(returned)s 元。")
        % {
            "on": on,
            "people": figures.people,
            "involved": involved,
            "recovered": recovered,
            "returned": returned,
        },
        now,
    )
    audit.record(
        actor,
        "case.fraud_figures",
        case,
        after={
            "on": on.isoformat(),
            "people": figures.people,
            "amount_involved": str(involved),
            "amount_recovered": str(recovered),
            "amount_returned": str(returned),
        },
    )
    return figures


@transaction.atomic
def record_fraud_progress(
    actor, case: Case, *, track: str, on: dt.date, text: str, version=None, now=None
) -> FraudProgress:
    """A 控赃控人 or 资产返还 progress note."""
    now = now or timezone.now()
    guarded(actor, case, version)
    require_open(case)
    _require_fraud(case)
    errors = {}
    if track not in ProgressTrack.values:
        errors["track"] = _("请选择工作类别。")
    if on is None:
        errors["on"] = _("请填写日期。")
    elif on > timezone.localdate(now):
        errors["on"] = _("日期不能晚于今天。")
    if not (text or "").strip():
        errors["text"] = _("请填写进展情况。")
    if errors:
        raise ValidationError(errors)
    entry = FraudProgress.objects.create(
        case=case, track=track, on=on, text=text.strip(), recorded_by=actor, recorded_at=now
    )
    case_event(
        actor,
        case,
        CaseEventKind.PROGRESS,
        f"{ProgressTrack(track).label}（{on}）：{entry.text}",
        now,
    )
    audit.record(actor, "case.fraud_progress", case, after={"track": track, "on": on.isoformat()})
    return entry


@transaction.atomic
def record_education_session(
    actor,
    case: Case,
    *,
    held_on: dt.date,
    place: str,
    attendance: int,
    content: str,
    version=None,
    now=None,
) -> EducationSession:
    """An 教育疏导 session: date, place, how many attended (a count, no list of names), what was said."""
    now = now or timezone.now()
    guarded(actor, case, version)
    require_open(case)
    _require_fraud(case)
    errors = {}
    if held_on is None:
        errors["held_on"] = _("请填写日期。")
    elif held_on > timezone.localdate(now):
        errors["held_on"] = _("日期不能晚于今天。")
    if not (place or "").strip():
        errors["place"] = _("请填写地点。")
    if attendance is None or int(attendance) < 0:
        errors["attendance"] = _("人数不能为负数。")
    if not (content or "").strip():
        errors["content"] = _("请填写疏导内容。")
    if errors:
        raise ValidationError(errors)
    session = EducationSession.objects.create(
        case=case,
        held_on=held_on,
        place=place.strip(),
        attendance=int(attendance),
        content=content.strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    case_event(
        actor,
        case,
        CaseEventKind.SESSION,
        _("%(on)s 在%(place)s开展教育疏导，%(n)s 人参加。")
        % {"on": held_on, "place": session.place, "n": session.attendance},
        now,
    )
    audit.record(
        actor,
        "case.education",
        case,
        after={"held_on": held_on.isoformat(), "attendance": session.attendance},
    )
    return session
