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
from anju.core.errors import Conflict, WorkflowError
from anju.core.models import Area, AreaLevel, Domain, Notification, User
from anju.core.notifications import notify
from anju.core.permissions import require
from anju.core.roles import roles_with
from anju.core.scoping import scoped
from anju.matters import actions as matter_actions
from anju.matters.models import MatterKind
from anju.screening import periods
from anju.screening.models import Cadence, PeriodKind, Return, ReturnLine, Round, RoundStatus

# level -> (period kind, days after the period's end to report). The town plan: villages twice a month,
# towns monthly, the county quarterly.
DEFAULT_CADENCES = {
    AreaLevel.VILLAGE: (PeriodKind.SEMI_MONTHLY, 3),
    AreaLevel.TOWN: (PeriodKind.MONTHLY, 5),
    AreaLevel.COUNTY: (PeriodKind.QUARTERLY, 10),
}
# Reminders start this many days before the due date and go out daily until the area has filed.
REMIND_DAYS_BEFORE = 3
CADENCE_FIELDS = ("period_kind", "due_offset_days", "close_after_days", "active")
STALE_RETURN = gettext_lazy("该排查报表已被他人修改，请刷新后重试。")
MATTER_FIELDS = ("kind", "title", "description", "people_involved", "amount_involved")


def _moment(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def filers_of(area: Area):
    """The people who file ``area``'s return and receive its notices: those of a filing role placed there."""
    return User.objects.filter(area=area, is_active=True, role__in=roles_with("screening.file"))


# cadences -----------------------------------------------------------------------------------------------


@transaction.atomic
def ensure_default_cadences() -> list[Cadence]:
    """Give every county the default cadence for each filing level it does not have yet."""
    created = []
    for county in Area.objects.filter(level=AreaLevel.COUNTY):
        have = set(Cadence.objects.filter(county=county).values_list("level", flat=True))
        for level, (kind, offset) in DEFAULT_CADENCES.items():
            if level in have:
                continue
            cadence = Cadence.objects.create(
                county=county, level=level, period_kind=kind, due_offset_days=offset
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
    cadence.save()
    old, new = audit.changed(before, audit.snapshot(cadence, CADENCE_FIELDS))
    audit.record(actor, "screening.cadence_updated", cadence, before=old, after=new, area=cadence.county)
    return cadence


# rounds -------------------------------------------------------------------------------------------------


def _filing_areas(round_: Round):
    if round_.level == AreaLevel.COUNTY:
        return Area.objects.filter(pk=round_.county_id)
    return Area.objects.subtree(round_.county).filter(level=round_.level)


def _sync_returns(round_: Round) -> int:
    """Create the pending return of every area that must file and is not listed yet; notify its filers."""
    listed = set(round_.returns.values_list("area_id", flat=True))
    added = 0
    for area in _filing_areas(round_).exclude(pk__in=listed):
        ret = Return.objects.create(round=round_, area=area)
        added += 1
        url = reverse("screening:file", args=[round_.pk]) + f"?area={area.pk}"
        notify(
            filers_of(area),
            kind="screening.round_opened",
            title=_("%(round)s已开始") % {"round": round_.label},
            body=_(
                "请于 %(due)s 前报送“%(area)s”各领域的排查结果（无问题的领域填“无”，均无问题可报零报告）。"
            )
            % {"due": f"{round_.due_date:%Y-%m-%d}", "area": area.name},
            link=url,
            key=f"screening:open:{round_.pk}:{ret.area_id}",
        )
    return added


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


def _clean_lines(lines, zero_report: bool) -> tuple[list[tuple[Domain, bool, list[dict]]], dict]:
    """(domain, nothing found, matters) for every active domain, and the errors keyed ``line:<code>…``."""
    domains = list(Domain.objects.filter(active=True))
    errors: dict[str, str] = {}
    given: dict[int, dict] = {}
    for line in lines or []:
        domain = line.get("domain")
        if domain is None or not getattr(domain, "active", False):
            errors["lines"] = _("排查结果中有未启用或不存在的风险领域。")
            continue
        if domain.pk in given:
            errors[f"line:{domain.code}"] = _("同一领域只能填写一次。")
        given[domain.pk] = line
    listed = [m for line in given.values() for m in line.get("matters") or []]
    if zero_report:
        if listed:
            errors["zero_report"] = _(
                "零报告表示本期各领域均未发现问题，不能同时登记事项；请删除所列事项，或取消零报告逐领域填报。"
            )
        return [(d, True, []) for d in domains], errors
    if not given:
        errors["lines"] = _("请逐个领域填写排查结果（无问题的填“无”），或提交零报告。")
        return [], errors
    cleaned = []
    for domain in domains:
        line = given.get(domain.pk)
        key = f"line:{domain.code}"
        matters = list((line or {}).get("matters") or [])
        nothing = bool((line or {}).get("nothing_found"))
        if line is None or (not nothing and not matters):
            errors[key] = _("“%(domain)s”：请勾选“无”，或登记发现的事项。") % {"domain": domain.name}
        elif nothing and matters:
            errors[key] = _("“%(domain)s”已勾选“无”，不能同时登记事项。") % {"domain": domain.name}
        checked = [_clean_matter(m, f"{key}:{i}", errors) for i, m in enumerate(matters)]
        cleaned.append((domain, nothing, checked))
    return cleaned, errors


@transaction.atomic
def file_return(
    actor,
    round_: Round,
    *,
    area: Area | None = None,
    lines: list[dict] | None = None,
    zero_report: bool = False,
    note: str = "",
    now: dt.datetime | None = None,
    is_demo: bool = False,
    version=None,
) -> Return:
    """File ``area``'s return (default: the actor's own area) for ``round_``.

    ``lines``: one dict per active domain, ``{"domain": Domain, "nothing_found": bool, "matters": [{"kind",
    "title", "description", "people_involved", "amount_involved"}, …]}``; or ``zero_report=True`` and no
    matters. Matters are registered into the ledger (``matters.actions.create_matter``) in this same
    transaction: on any error nothing is saved. Filed after the due date: accepted and marked late.
    ``version``: the return's version the form was shown with; the round and the return are locked, so of
    two filings at once the second finds the first and is refused.
    """
    area = area or getattr(actor, "area", None)
    require(actor, "screening.file", area)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    ret = Return.objects.select_for_update(of=("self",)).filter(round=round_, area=area).first()
    if ret is None:
        raise WorkflowError(
            _("“%(area)s”不在本轮排查的填报范围内（本轮由%(level)s填报）。")
            % {"area": area.name if area else "-", "level": round_.get_level_display()}
        )
    if not round_.is_open:
        raise ValidationError({"round": _("本轮排查已结束，不再接收报表。如有新发现，请直接登记事项。")})
    if ret.is_filed:
        raise ValidationError(
            {
                "round": _("“%(area)s”已于 %(when)s 填报本轮排查，不能重复填报。")
                % {"area": area.name, "when": f"{timezone.localtime(ret.filed_at):%Y-%m-%d %H:%M}"}
            }
        )
    if parse_version(version) not in (None, ret.version):
        raise Conflict(STALE_RETURN)
    cleaned, errors = _clean_lines(lines, bool(zero_report))
    if errors:
        raise ValidationError(errors)

    now = now or timezone.now()
    total = 0
    for domain, nothing, matters in cleaned:
        line = ReturnLine.objects.create(
            ret=ret, domain=domain, nothing_found=nothing, matters_count=len(matters)
        )
        for i, data in enumerate(matters):
            try:
                matter = matter_actions.create_matter(
                    actor,
                    domain=domain,
                    area=area,
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
                note=_("由%(round)s登记（%(area)s排查报表）") % {"round": round_.label, "area": area.name},
            )
            line.matters.add(matter)
            total += 1
    ret.unit = actor.unit
    ret.filed_by = actor
    ret.filed_at = now
    ret.late = timezone.localdate(now) > round_.due_date
    ret.zero_report = total == 0
    ret.matters_found = total
    ret.note = (note or "").strip()
    ret.save()
    audit.record(
        actor,
        "screening.return_filed",
        ret,
        after={
            "round": round_.pk,
            "zero_report": ret.zero_report,
            "late": ret.late,
            "matters": total,
        },
        area=area,
        note=ret.note,
    )
    return ret


# reminders ----------------------------------------------------------------------------------------------


def _remind(round_: Round, returns, today: dt.date) -> int:
    sent = 0
    overdue = today > round_.due_date
    for ret in returns.select_related("area"):
        url = reverse("screening:file", args=[round_.pk]) + f"?area={ret.area_id}"
        if overdue:
            title = _("【逾期】%(area)s尚未报送%(round)s") % {"area": ret.area.name, "round": round_.label}
            body = _("报送期限 %(due)s 已过，请尽快补报；逾期报送将标记为逾期。")
        else:
            title = _("%(area)s的%(round)s尚未报送") % {"area": ret.area.name, "round": round_.label}
            body = _("报送期限为 %(due)s，请及时填报。")
        sent += len(
            notify(
                filers_of(ret.area),
                kind="screening.overdue" if overdue else "screening.reminder",
                title=title,
                body=body % {"due": f"{round_.due_date:%Y-%m-%d}"},
                link=url,
                key=f"screening:remind:{round_.pk}:{ret.area_id}:{today.isoformat()}",
            )
        )
    return sent


def _tell_the_centres_above(round_: Round, pending, today: dt.date) -> int:
    """Once per round, when it is overdue: the centre of each area above the missing ones gets the list."""
    missing: dict[int, list[str]] = {}
    for ret in pending.select_related("area"):
        if ret.area.parent_id:
            missing.setdefault(ret.area.parent_id, []).append(ret.area.name)
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
    pending = list(
        scoped(actor, Return).filter(round=round_, filed_at__isnull=True).values_list("area_id", flat=True)
    )
    if not pending:
        return _("辖区内所有区域都已报送，无需提醒。")
    keys = [f"screening:remind:{round_.pk}:{area_id}:{today.isoformat()}" for area_id in pending]
    if Notification.objects.filter(key__in=keys).exists():
        return _("今天已提醒过未报送的区域（每个区域每天最多一条），明天可再次提醒。")
    return _("未报送的区域没有可接收提醒的填报人员，请先为这些区域添加填报账号。")
