"""Every state change of 排查 goes through one function here.

Rounds open by themselves (``open_due_rounds``, run daily by ``anju screening-tick``); each area files one
return covering every active domain (``file_return``), registering the matters it found into the ledger in
the same transaction; the centre closes rounds (``close_round``) and reminders go out once a day to the
areas that have not filed (``send_reminders``). Each function writes the audit log.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import audit
from anju.core.concurrency import parse_version
from anju.core.errors import Conflict, NotAllowed, WorkflowError
from anju.core.models import Area, AreaLevel, Domain, Notification, Unit, UnitKind, User
from anju.core.notifications import notify
from anju.core.permissions import may, require
from anju.core.roles import UNIT_SCOPED_ROLES, Role, roles_with
from anju.core.scoping import in_scope, scoped
from anju.matters import actions as matter_actions
from anju.matters.models import Matter, MatterKind
from anju.screening import ledger, periods
from anju.screening.models import (
    Cadence,
    PeriodKind,
    Return,
    ReturnCorrection,
    ReturnLine,
    Round,
    RoundStatus,
)

# level -> (period kind, days after the period's end to report, department units file too). The town plan:
# villages twice a month, towns and their department units (镇直单位) monthly, the county quarterly.
DEFAULT_CADENCES = {
    AreaLevel.VILLAGE: (PeriodKind.SEMI_MONTHLY, 3, False),
    AreaLevel.TOWN: (PeriodKind.MONTHLY, 5, True),
    AreaLevel.COUNTY: (PeriodKind.QUARTERLY, 10, False),
}
# Reminders start this many days before the due date and go out daily until the area has filed.
REMIND_DAYS_BEFORE = 3
CADENCE_FIELDS = ("period_kind", "due_offset_days", "close_after_days", "departments_file", "active")
STALE_RETURN = gettext_lazy("该排查报表已被他人修改，请刷新后重试。")
MATTER_FIELDS = ("kind", "title", "description", "people_involved", "amount_involved")


def _moment(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def filers_of(area: Area, department: Unit | None = None):
    """The people who file a return and receive its notices: for an area's, those of a filing role placed
    there (not department officers); for a department unit's, the unit's members of a filing role."""
    users = User.objects.filter(is_active=True, role__in=roles_with("screening.file"))
    if department is not None:
        return users.filter(unit=department)
    return users.filter(area=area).exclude(role__in=UNIT_SCOPED_ROLES)


def filers_of_return(ret: Return):
    return filers_of(ret.area, ret.department if ret.department_id else None)


def _file_link(ret: Return) -> str:
    url = reverse("screening:file", args=[ret.round_id])
    return url + (f"?unit={ret.department_id}" if ret.department_id else f"?area={ret.area_id}")


def _who(ret: Return) -> str:
    """The key part naming who owes a return: the area's id, or ``u<unit id>`` for a department unit."""
    return f"u{ret.department_id}" if ret.department_id else str(ret.area_id)


# cadences -----------------------------------------------------------------------------------------------


@transaction.atomic
def ensure_default_cadences() -> list[Cadence]:
    """Give every county the default cadence for each filing level it does not have yet."""
    created = []
    for county in Area.objects.filter(level=AreaLevel.COUNTY):
        have = set(Cadence.objects.filter(county=county).values_list("level", flat=True))
        for level, (kind, offset, departments) in DEFAULT_CADENCES.items():
            if level in have:
                continue
            cadence = Cadence.objects.create(
                county=county,
                level=level,
                period_kind=kind,
                due_offset_days=offset,
                departments_file=departments,
            )
            audit.record(
                None,
                "screening.cadence_created",
                cadence,
                after=audit.snapshot(cadence, CADENCE_FIELDS),
                area=county,
            )
            created.append(cadence)
    return created


@transaction.atomic
def update_cadence(
    actor,
    cadence: Cadence,
    *,
    period_kind: str,
    due_offset_days: int,
    close_after_days: int | None,
    active: bool,
    departments_file: bool | None = None,
) -> Cadence:
    """Change how often one level screens; rounds already opened keep their period and due date."""
    require(actor, "screening.manage", cadence)
    errors = {}
    if period_kind not in PeriodKind.values:
        errors["period_kind"] = _("请选择排查周期。")
    if due_offset_days is None or not 0 <= int(due_offset_days) <= 60:
        errors["due_offset_days"] = _("报送期限应为期末后 0–60 天。")
    if close_after_days is not None and not 0 <= int(close_after_days) <= 365:
        errors["close_after_days"] = _("自动结束天数应为 0–365 天，或留空。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(cadence, CADENCE_FIELDS)
    cadence.period_kind = period_kind
    cadence.due_offset_days = int(due_offset_days)
    cadence.close_after_days = None if close_after_days is None else int(close_after_days)
    cadence.active = bool(active)
    if departments_file is not None:
        cadence.departments_file = bool(departments_file)
    cadence.save()
    old, new = audit.changed(before, audit.snapshot(cadence, CADENCE_FIELDS))
    audit.record(actor, "screening.cadence_updated", cadence, before=old, after=new, area=cadence.county)
    return cadence


# rounds -------------------------------------------------------------------------------------------------


def _filing_areas(round_: Round):
    if round_.level == AreaLevel.COUNTY:
        return Area.objects.filter(pk=round_.county_id)
    return Area.objects.subtree(round_.county).filter(level=round_.level)


def _filing_departments(round_: Round):
    """The department units (镇直单位) that file their own return in ``round_``, when its cadence says so."""
    if not round_.cadence.departments_file:
        return Unit.objects.none()
    return Unit.objects.filter(kind=UnitKind.DEPARTMENT, area__in=_filing_areas(round_))


def _sync_returns(round_: Round) -> int:
    """Create the pending return of every area and department unit that must file and is not listed yet;
    notify its filers."""
    listed = set(round_.returns.filter(department__isnull=True).values_list("area_id", flat=True))
    new = [Return(round=round_, area=area) for area in _filing_areas(round_).exclude(pk__in=listed)]
    listed_units = set(
        round_.returns.filter(department__isnull=False).values_list("department_id", flat=True)
    )
    new += [
        Return(round=round_, area=unit.area, department=unit)
        for unit in _filing_departments(round_).exclude(pk__in=listed_units).select_related("area")
    ]
    for ret in new:
        ret.save()
        notify(
            filers_of_return(ret),
            kind="screening.round_opened",
            title=_("%(round)s已开始") % {"round": round_.label},
            body=_(
                "请于 %(due)s 前报送“%(area)s”各领域的排查结果（无问题的领域填“无”，均无问题可报零报告）。"
            )
            % {"due": f"{round_.due_date:%Y-%m-%d}", "area": ret.filer_name},
            link=_file_link(ret),
            key=f"screening:open:{round_.pk}:{_who(ret)}",
        )
    return len(new)


def _close(actor, round_: Round, *, when: dt.datetime, note: str) -> Round:
    before = audit.snapshot(round_, ["status"])
    round_.status = RoundStatus.CLOSED
    round_.closed_at = when
    round_.save(update_fields=["status", "closed_at"])
    pending = round_.returns.filter(filed_at__isnull=True).count()
    audit.record(
        actor,
        "screening.round_closed",
        round_,
        before=before,
        after={"status": round_.status, "missing": pending},
        area=round_.county,
        note=note,
    )
    return round_


@transaction.atomic
def open_due_rounds(today: dt.date | None = None) -> list[Round]:
    """Open the round of the current period of every active cadence (idempotent) and return the new ones.

    Also lists newly created areas in open rounds, and closes rounds whose cadence closes them
    automatically some days after the due date.
    """
    real_today = timezone.localdate()
    today = today or real_today
    when = timezone.now() if today == real_today else _moment(today, 6)
    ensure_default_cadences()
    for round_ in Round.objects.filter(status=RoundStatus.OPEN).select_related("cadence"):
        after = round_.cadence.close_after_days
        if after is not None and today > round_.due_date + dt.timedelta(days=after):
            _close(None, round_, when=when, note=_("超过报送期限 %(n)s 天，自动结束") % {"n": after})
    opened = []
    for cadence in Cadence.objects.filter(active=True).select_related("county"):
        start, end = periods.period_containing(cadence.period_kind, today)
        round_, created = Round.objects.get_or_create(
            cadence=cadence,
            period_start=start,
            defaults={
                "county": cadence.county,
                "level": cadence.level,
                "period_kind": cadence.period_kind,
                "period_end": end,
                "due_date": end + dt.timedelta(days=cadence.due_offset_days),
                "opened_at": when,
            },
        )
        if created:
            opened.append(round_)
        if round_.is_open:
            added = _sync_returns(round_)
            if created:
                audit.record(
                    None,
                    "screening.round_opened",
                    round_,
                    after={
                        "period_start": start,
                        "period_end": end,
                        "due_date": round_.due_date,
                        "expected": added,
                    },
                    area=cadence.county,
                )
    return opened


@transaction.atomic
def close_round(actor, round_: Round, *, note: str = "", now: dt.datetime | None = None) -> Round:
    """End a round: no more returns are accepted; areas that have not filed stay on the board as missing."""
    require(actor, "screening.manage", round_)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open:
        raise WorkflowError(_("本轮排查已结束，无需重复操作。"))
    return _close(actor, round_, when=now or timezone.now(), note=(note or "").strip())


# returns ------------------------------------------------------------------------------------------------


def _clean_matter(data: dict, key: str, errors: dict) -> dict:
    """Check one matter of a return line; errors go under ``<key>:<field>``."""
    out = {f: data.get(f) for f in MATTER_FIELDS}
    if out["kind"] not in MatterKind.values:
        errors[f"{key}:kind"] = _("请选择事项类型。")
    out["title"] = (out["title"] or "").strip()
    out["description"] = (out["description"] or "").strip()
    if not out["title"]:
        errors[f"{key}:title"] = _("请填写标题。")
    if not out["description"]:
        errors[f"{key}:description"] = _("请填写情况描述。")
    try:
        out["people_involved"] = int(out["people_involved"] or 0)
        if out["people_involved"] < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors[f"{key}:people_involved"] = _("涉及人数应为不小于 0 的整数。")
    try:
        out["amount_involved"] = Decimal(str(out["amount_involved"] or 0))
        if out["amount_involved"] < 0 or not out["amount_involved"].is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[f"{key}:amount_involved"] = _("涉及金额应为不小于 0 的数字。")
    return out


def _clean_lines(
    ret: Return, lines, zero_report: bool, explanation: str
) -> tuple[list[tuple[Domain, bool, list[dict], list[Matter]]], list[Matter], dict]:
    """(domain, nothing found, new matters, ledger matters listed) for every domain the return covers, the
    ledger matters it leaves unlisted (accepted with an explanation), and the errors keyed ``line:<code>…``.

    The cross-check with the ledger: a domain answered 无 (or a 零报告) while the ledger holds matters of that
    domain registered in the period for this area or unit is refused, naming them, unless the filer lists
    them in the line or explains why not (``explanation``)."""
    domains = ledger.covered_domains(ret)
    codes = {d.pk for d in domains}
    found = ledger.candidates(ret, domains)
    errors: dict[str, str] = {}
    given: dict[int, dict] = {}
    for line in lines or []:
        domain = line.get("domain")
        if domain is None or not getattr(domain, "active", False) or domain.pk not in codes:
            errors["lines"] = _("排查结果中有未启用、不存在或不属于本报表的风险领域。")
            continue
        if domain.pk in given:
            errors[f"line:{domain.code}"] = _("同一领域只能填写一次。")
        given[domain.pk] = line
    listed = [
        m for line in given.values() for m in (line.get("matters") or []) + (line.get("existing") or [])
    ]
    if zero_report:
        if listed:
            errors["zero_report"] = _(
                "零报告表示本期各领域均未发现问题，不能同时登记事项；请删除所列事项，或取消零报告逐领域填报。"
            )
        unlisted = [m for d in domains for m in found.get(d.pk, [])]
        if unlisted and not explanation:
            errors["zero_report"] = _(
                "台账中已有本期登记的事项 %(n)s 件，不能报零报告：%(which)s。"
                "请在相应领域列入这些事项后逐领域填报，或在“与台账不一致的说明”中写明原因。"
            ) % {"n": len(unlisted), "which": _by_domain(domains, found)}
        return [(d, True, [], []) for d in domains], unlisted, errors
    if not given:
        errors["lines"] = _("请逐个领域填写排查结果（无问题的填“无”），或提交零报告。")
        return [], [], errors
    cleaned, unlisted = [], []
    for domain in domains:
        line = given.get(domain.pk) or {}
        key = f"line:{domain.code}"
        matters = list(line.get("matters") or [])
        allowed = {m.pk: m for m in found.get(domain.pk, [])}
        existing = []
        for matter in line.get("existing") or []:
            if getattr(matter, "pk", None) not in allowed:
                errors[key] = _("所列台账事项不属于本期“%(domain)s”的登记事项。") % {"domain": domain.name}
            else:
                existing.append(allowed[matter.pk])
        nothing = bool(line.get("nothing_found"))
        if key in errors:
            pass  # a listed matter that is not the period's: said above
        elif not line or (not nothing and not matters and not existing):
            errors[key] = _("“%(domain)s”：请勾选“无”，或登记发现的事项。") % {"domain": domain.name}
        elif nothing and (matters or existing):
            errors[key] = _("“%(domain)s”已勾选“无”，不能同时登记事项。") % {"domain": domain.name}
        missing = [m for pk, m in allowed.items() if pk not in {e.pk for e in existing}]
        if missing and key not in errors:
            unlisted += missing
            if not explanation:
                errors[key] = _(
                    "台账中已有本期“%(domain)s”登记的事项 %(n)s 件未列入：%(which)s。"
                    "请勾选列入，或在“与台账不一致的说明”中写明原因。"
                ) % {"domain": domain.name, "n": len(missing), "which": ledger.describe(missing)}
        checked = [_clean_matter(m, f"{key}:{i}", errors) for i, m in enumerate(matters)]
        cleaned.append((domain, nothing, checked, existing))
    return cleaned, unlisted, errors


def _by_domain(domains, found: dict[int, list[Matter]]) -> str:
    return "；".join(f"{d.name}：{ledger.describe(found[d.pk])}" for d in domains if found.get(d.pk))


def _find_return(actor, round_: Round, area: Area | None, department: Unit | None) -> Return | None:
    """The return filed: the department unit's, else the area's; by default the actor's own (a department
    officer's unit, anyone else's area)."""
    if department is None and area is None:
        if getattr(actor, "role", None) in UNIT_SCOPED_ROLES:
            department = actor.unit
        else:
            area = getattr(actor, "area", None)
    returns = Return.objects.select_for_update(of=("self",)).select_related("area", "department")
    if department is not None:
        return returns.filter(round=round_, department=department).first()
    return returns.filter(round=round_, area=area, department__isnull=True).first()


def _may_file(actor, ret: Return) -> None:
    """Scope, and the unit rule: a department officer files (and corrects) only their own unit's return;
    the others file the areas' returns, and a centre also a department unit's on its behalf."""
    unit_scoped = actor.role in UNIT_SCOPED_ROLES
    if ret.department_id and unit_scoped and actor.unit_id != ret.department_id:
        raise NotAllowed(
            _("“%(unit)s”的排查报表由该单位填报，您无权填报其他单位的报表。") % {"unit": ret.department.name}
        )
    if ret.department_id is None and unit_scoped:
        raise NotAllowed(_("职能部门无权填报区域的排查报表，请填报本单位的报表。"))
    if ret.department_id and actor.role == Role.VILLAGE_CADRE:
        raise NotAllowed(_("村干部无权填报职能部门的排查报表。"))
    require(actor, "screening.file", ret.area)


def _write_lines(actor, ret: Return, cleaned, *, now, is_demo: bool) -> int:
    """Create the return's lines; register its new matters into the ledger (same transaction)."""
    round_, total = ret.round, 0
    for domain, nothing, matters, existing in cleaned:
        line = ReturnLine.objects.create(
            ret=ret, domain=domain, nothing_found=nothing, matters_count=len(matters) + len(existing)
        )
        line.matters.add(*existing)
        total += len(existing)
        for i, data in enumerate(matters):
            try:
                matter = matter_actions.create_matter(
                    actor,
                    domain=domain,
                    area=ret.area,
                    occurred_at=now,
                    registered_at=now,
                    is_demo=is_demo,
                    **data,
                )
            except ValidationError as exc:  # a check of the ledger's own; keep it next to the field
                raise ValidationError(
                    {f"line:{domain.code}:{i}:{k}": v for k, v in exc.message_dict.items()}
                ) from None
            matter_actions.add_note(
                actor,
                matter,
                note=_("由%(round)s登记（%(area)s排查报表）")
                % {"round": round_.label, "area": ret.filer_name},
            )
            line.matters.add(matter)
            total += 1
    return total


@transaction.atomic
def file_return(
    actor,
    round_: Round,
    *,
    area: Area | None = None,
    department: Unit | None = None,
    lines: list[dict] | None = None,
    zero_report: bool = False,
    note: str = "",
    explanation: str = "",
    now: dt.datetime | None = None,
    is_demo: bool = False,
    version=None,
) -> Return:
    """File ``area``'s return, or department unit ``department``'s (default: the actor's own) for ``round_``.

    ``lines``: one dict per domain the return covers (``ledger.covered_domains``), ``{"domain": Domain,
    "nothing_found": bool, "matters": [{"kind", "title", "description", "people_involved",
    "amount_involved"}, …], "existing": [Matter, …]}`` (``existing``: matters of the ledger registered in the
    period, listed as found); or ``zero_report=True`` and no matters. New matters are registered into the
    ledger (``matters.actions.create_matter``) in this same transaction: on any error nothing is saved. A 无
    or 零报告 that the ledger contradicts needs an ``explanation``. Filed after the due date: accepted and
    marked late. ``version``: the return's version the form was shown with; the round and the return are
    locked, so of two filings at once the second finds the first and is refused.
    """
    require(actor, "screening.file")
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    ret = _find_return(actor, round_, area, department)
    if ret is None:
        name = department.name if department is not None else (area or getattr(actor, "area", None))
        raise WorkflowError(
            _("“%(area)s”不在本轮排查的填报范围内（本轮由%(level)s填报）。")
            % {"area": getattr(name, "name", name) or "-", "level": round_.get_level_display()}
        )
    _may_file(actor, ret)
    if not round_.is_open:
        raise ValidationError({"round": _("本轮排查已结束，不再接收报表。如有新发现，请直接登记事项。")})
    if ret.is_filed:
        raise ValidationError(
            {
                "round": _("“%(area)s”已于 %(when)s 填报本轮排查，不能重复填报。")
                % {"area": ret.filer_name, "when": f"{timezone.localtime(ret.filed_at):%Y-%m-%d %H:%M}"}
            }
        )
    if parse_version(version) not in (None, ret.version):
        raise Conflict(STALE_RETURN)
    explanation = (explanation or "").strip()
    cleaned, unlisted, errors = _clean_lines(ret, lines, bool(zero_report), explanation)
    if errors:
        raise ValidationError(errors)

    now = now or timezone.now()
    total = _write_lines(actor, ret, cleaned, now=now, is_demo=is_demo)
    ret.unit = actor.unit
    ret.filed_by = actor
    ret.filed_at = now
    ret.late = timezone.localdate(now) > round_.due_date
    ret.zero_report = total == 0
    ret.matters_found = total
    ret.note = (note or "").strip()
    ret.explanation = explanation if unlisted else ""
    ret.save()
    ret.unlisted_matters.set(unlisted)
    audit.record(
        actor,
        "screening.return_filed",
        ret,
        after={
            "round": round_.pk,
            "department": ret.department_id,
            "zero_report": ret.zero_report,
            "late": ret.late,
            "matters": total,
            "unlisted": sorted(m.pk for m in unlisted),
        },
        area=ret.area,
        note=ret.note,
    )
    return ret


def _line_words(nothing: bool, matters) -> str:
    if nothing:
        return _("无")
    return "、".join(m.number for m in matters) or _("无事项")


def _changes(before: dict, after: dict, old: dict, new: dict) -> list[dict]:
    """What a correction changed, in words: each domain whose answer changed, and the note and explanation."""
    out = []
    for name in after:
        if before.get(name) != after[name]:
            out.append({"field": name, "before": before.get(name, "—"), "after": after[name]})
    for key, label in (("note", _("说明")), ("explanation", _("与台账不一致的说明"))):
        if old[key] != new[key]:
            out.append({"field": str(label), "before": old[key] or "—", "after": new[key] or "—"})
    return out


@transaction.atomic
def correct_return(
    actor,
    ret: Return,
    *,
    reason: str,
    lines: list[dict] | None = None,
    zero_report: bool = False,
    note: str = "",
    explanation: str = "",
    now: dt.datetime | None = None,
    version=None,
) -> ReturnCorrection:
    """Correct a filed return while its round is open: its lines are replaced (new matters registered, matters
    of the ledger listed or unlisted — the ledger itself is not changed) and the correction is kept with
    who, when, why and what changed. The same cross-check with the ledger as filing applies."""
    require(actor, "screening.file")
    round_ = Round.objects.select_for_update().get(pk=ret.round_id)
    ret = Return.objects.select_for_update(of=("self",)).select_related("area", "department").get(pk=ret.pk)
    _may_file(actor, ret)
    if not ret.is_filed:
        raise WorkflowError(_("该报表尚未填报，请先填报。"))
    if not round_.is_open:
        raise ValidationError({"round": _("本轮排查已结束，报表不能再更正。")})
    if parse_version(version) not in (None, ret.version):
        raise Conflict(STALE_RETURN)
    reason = (reason or "").strip()
    explanation = (explanation or "").strip()
    cleaned, unlisted, errors = _clean_lines(ret, lines, bool(zero_report), explanation)
    if not reason:
        errors["reason"] = _("请填写更正原因。")
    if errors:
        raise ValidationError(errors)

    now = now or timezone.now()
    old_lines = {
        line.domain.name: _line_words(line.nothing_found, line.matters.order_by("number"))
        for line in ret.lines.select_related("domain")
    }
    old = {"note": ret.note, "explanation": ret.explanation}
    ret.lines.all().delete()  # the matters stay in the ledger; only the return's answer changes
    total = _write_lines(actor, ret, cleaned, now=now, is_demo=round_.is_demo)
    new_lines = {
        line.domain.name: _line_words(line.nothing_found, line.matters.order_by("number"))
        for line in ret.lines.select_related("domain")
    }
    new = {"note": (note or "").strip(), "explanation": explanation if unlisted else ""}
    changes = _changes(old_lines, new_lines, old, new)
    if not changes:
        raise ValidationError({"reason": _("报表内容没有变化，无需更正。")})
    ret.zero_report = total == 0
    ret.matters_found = total
    ret.note, ret.explanation = new["note"], new["explanation"]
    ret.save()
    ret.unlisted_matters.set(unlisted)
    correction = ReturnCorrection.objects.create(
        ret=ret, corrected_by=actor, corrected_at=now, reason=reason, changes=changes
    )
    audit.record(
        actor,
        "screening.return_corrected",
        ret,
        before={c["field"]: c["before"] for c in changes},
        after={c["field"]: c["after"] for c in changes},
        area=ret.area,
        note=reason,
    )
    return correction


def may_correct(user, ret: Return) -> bool:
    """Whether the page offers 更正 (a read): the return is filed, its round open, and it is the user's to
    file. The action decides."""
    if not (ret.is_filed and ret.round.is_open and may(user, "screening.file") and in_scope(user, ret.area)):
        return False
    unit_scoped = user.role in UNIT_SCOPED_ROLES
    if ret.department_id:
        return user.unit_id == ret.department_id if unit_scoped else user.role != Role.VILLAGE_CADRE
    return not unit_scoped


# reminders ----------------------------------------------------------------------------------------------


def _remind(round_: Round, returns, today: dt.date) -> int:
    sent = 0
    overdue = today > round_.due_date
    for ret in returns.select_related("area", "department"):
        if overdue:
            title = _("【逾期】%(area)s尚未报送%(round)s") % {"area": ret.filer_name, "round": round_.label}
            body = _("报送期限 %(due)s 已过，请尽快补报；逾期报送将标记为逾期。")
        else:
            title = _("%(area)s的%(round)s尚未报送") % {"area": ret.filer_name, "round": round_.label}
            body = _("报送期限为 %(due)s，请及时填报。")
        sent += len(
            notify(
                filers_of_return(ret),
                kind="screening.overdue" if overdue else "screening.reminder",
                title=title,
                body=body % {"due": f"{round_.due_date:%Y-%m-%d}"},
                link=_file_link(ret),
                key=f"screening:remind:{round_.pk}:{_who(ret)}:{today.isoformat()}",
            )
        )
    return sent


def _tell_the_centres_above(round_: Round, pending, today: dt.date) -> int:
    """Once per round, when it is overdue: the centre of each area above the missing ones gets the list."""
    missing: dict[int, list[str]] = {}
    for ret in pending.select_related("area", "department"):
        # a department unit's return goes to the centre of its own area (its town), an area's to the one above
        above = ret.area_id if ret.department_id else ret.area.parent_id
        if above:
            missing.setdefault(above, []).append(ret.filer_name)
    sent = 0
    url = reverse("screening:round", args=[round_.pk]) + "?state=missing"
    for parent in Area.objects.filter(pk__in=missing):
        names = missing[parent.pk]
        title = _("%(area)s有 %(n)s 个单位逾期未报送%(round)s") % {
            "area": parent.name,
            "n": len(names),
            "round": round_.label,
        }
        sent += len(
            notify(
                User.objects.filter(area=parent, is_active=True, role__in=roles_with("screening.manage")),
                kind="screening.missing_below",
                title=title,
                body="、".join(names),
                link=url,
                key=f"screening:overdue:{round_.pk}:{parent.pk}",
            )
        )
    return sent


@transaction.atomic
def send_reminders(today: dt.date | None = None) -> int:
    """Remind the areas that have not filed an open round, from a few days before the due date, once a day."""
    today = today or timezone.localdate()
    sent = 0
    for round_ in Round.objects.filter(
        status=RoundStatus.OPEN,
        period_start__lte=today,
        due_date__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
    ):
        pending = round_.returns.filter(filed_at__isnull=True)
        count = _remind(round_, pending, today)
        if today > round_.due_date:
            count += _tell_the_centres_above(round_, pending, today)
        if count:
            audit.record(
                None, "screening.reminders_sent", round_, after={"notifications": count}, area=round_.county
            )
        sent += count
    return sent


@transaction.atomic
def remind_missing(actor, round_: Round, *, today: dt.date | None = None) -> int:
    """A centre reminds, now, the areas in its scope that have not filed (at most once a day per area)."""
    # no scope on the round: a town centre reminds its own villages of a county's round (``scoped`` below)
    require(actor, "screening.manage")
    if not round_.is_open:
        raise WorkflowError(_("本轮排查已结束，不能再发送提醒。"))
    today = today or timezone.localdate()
    pending = scoped(actor, Return).filter(round=round_, filed_at__isnull=True)
    count = _remind(round_, pending, today)
    audit.record(
        actor, "screening.reminders_sent", round_, after={"notifications": count}, area=round_.county
    )
    return count


def why_no_reminders(actor, round_: Round, *, today: dt.date | None = None) -> str:
    """Why a centre's "remind" sent nothing, in words for the page (a read, no state change): the round
    is closed, every area in scope has filed, the missing ones were reminded today, or nobody there files."""
    if not round_.is_open:
        return _("本轮排查已结束，不能再发送提醒。")
    today = today or timezone.localdate()
    pending = list(scoped(actor, Return).filter(round=round_, filed_at__isnull=True))
    if not pending:
        return _("辖区内所有区域都已报送，无需提醒。")
    keys = [f"screening:remind:{round_.pk}:{_who(ret)}:{today.isoformat()}" for ret in pending]
    if Notification.objects.filter(key__in=keys).exists():
        return _("今天已提醒过未报送的区域（每个区域每天最多一条），明天可再次提醒。")
    return _("未报送的区域没有可接收提醒的填报人员，请先为这些区域添加填报账号。")
