"""The life of each synthetic matter: report, registration, assessment, assignment, mediation, resolution,
follow-up and archiving at plausible historical times, with the right actor for every step.

A matter's timeline is simulated forward from its report; whatever lies after "now" has not happened yet,
so old matters end archived or followed up and recent ones are still registered, assessed, assigned or
being resolved. A few go other ways: rejected, merged into an earlier matter of the same place and
domain, escalated to the town or county, returned by the responsible unit; some run past their deadline
and get a supervision note (督办).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from anju.demo import templates, texts
from anju.demo.history import LAND_PROJECT, ODOUR_COMPANY, Occurrence
from anju.demo.organisation import Organisation
from anju.intake.history_import import (
    HistoricalEvent,
    HistoricalFollowUp,
    HistoricalMatter,
    HistoricalMediation,
    HistoricalReport,
    HistoricalSupervision,
)
from anju.matters.risk import current_matrix
from anju.matters.workflow import OPEN_STATUSES

CHANNELS = {  # channel → weight, by the kind of occurrence
    "": {"visit": 25, "call": 20, "online": 15, "grid": 25, "letter": 5, "referral": 10},
    "wage_spring_festival": {"visit": 50, "call": 30, "online": 10, "grid": 10},
    "land_project": {"visit": 45, "grid": 30, "letter": 15, "call": 10},
    "odour_now": {"call": 40, "online": 40, "grid": 20},
}
DEADLINE_DAYS = {"low": 30, "medium": 30, "high": 15, "critical": 7}
# Domain → responsible department (town-level key, or "county:<key>"); village committees take simple ones.
RESPONSIBLE = {
    "social_security_wages": "labour",
    "land_requisition": "land",
    "environment_projects": "enforcement",
    "transport": "police",
    "extreme_incidents": "police",
    "political_security": "police",
    "ethnic_religious": "police",
    "mass_economic_cases": "police",
    "legal_petitions": "justice",
    "petitions": "petition",
    "rural_affairs": "justice",
    "health": "county:health",
    "education": "county:education",
    "veterans": "county:veterans",
    "online_opinion": "county:cyberspace",
}
# A matter escalated to the county goes to the county bureau of the same line.
COUNTY_FALLBACK = {"enforcement": "ecology", "police": "public_security"}
STATUS_AFTER = {
    "registered": "registered",
    "assessed": "assessed",
    "assigned": "assigned",
    "started": "resolving",
    "mediation": "resolving",
    "resolved": "resolved",
    "followed_up": "followed_up",
    "archived": "archived",
    "escalated": "escalated",
    "returned": "returned",
    "merged": "merged",
    "rejected": "rejected",
}


def consequence_for(people: int, amount: int) -> int:
    c = 1 if people <= 2 else 2 if people <= 9 else 3 if people <= 29 else 4 if people <= 99 else 5
    if amount >= 1_000_000:
        c = max(c, 4)
    elif amount >= 200_000:
        c = max(c, 3)
    return c


def status_at(events: list[HistoricalEvent], when: dt.datetime) -> str:
    status = ""
    for e in events:
        if e.at > when:
            break
        status = STATUS_AFTER.get(e.kind, status)
    return status


@dataclass
class Simulator:
    org: Organisation
    domains: dict  # code → Domain
    areas: dict  # pk → Area
    rng: random.Random
    now: dt.datetime
    year_now: int

    def __post_init__(self):
        self.matrix = current_matrix()
        self.recent: dict[tuple[int, str], list[HistoricalMatter]] = {}
        self.counter = 0
        self.companies: dict[int, list[str]] = {}
        self.pending: list[dict] = []  # keyword arguments for intake.actions.submit_report

    # ---- helpers ---------------------------------------------------------------------------------

    def _at(self, day: dt.date, start_hour: int = 8, end_hour: int = 18) -> dt.datetime:
        minutes = self.rng.randint(start_hour * 60, end_hour * 60 - 1)
        naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
        return timezone.make_aware(naive)

    def _later(self, at: dt.datetime, low_days: float, high_days: float) -> dt.datetime:
        """A moment ``low_days``–``high_days`` after ``at``, moved into office hours (08:00–18:00)."""
        return self._office(at + dt.timedelta(days=self.rng.uniform(low_days, high_days)))

    def _office(self, at: dt.datetime) -> dt.datetime:
        local = timezone.localtime(at)
        if 8 <= local.hour < 18:
            return at
        day = local.date() + dt.timedelta(days=1 if local.hour >= 18 else 0)
        return self._at(day, 8, 11)

    def _company(self, village) -> str:
        pool = self.companies.setdefault(village.pk, [])
        if len(pool) < 6 or self.rng.random() < 0.1:  # villages have a handful of firms that recur
            pool.append(texts.company_name(self.rng, village.profile, village.name))
        return self.rng.choice(pool)

    def _pending_report(self, occ: Occurrence, channel: str, received, title, description, ctx) -> dict:
        v, rng = occ.village, self.rng
        grid_worker = rng.choice(self.org.grid_workers[v.pk])
        actor = grid_worker if channel == "grid" else None if channel == "online" else self.org.cadres[v.pk]
        person = texts.fake_person(rng, self.year_now)
        anonymous = channel == "online" and rng.random() < 0.3
        return {
            "actor": actor,
            "channel": channel,
            "title": title,
            "text": description,
            "received_at": received,
            "area": grid_worker.area if channel == "grid" else self.areas[v.pk],
            "location": ctx["place"],
            "anonymous": anonymous,
            "reporter_name": "" if channel == "grid" or anonymous else person.name,
            "reporter_phone": "" if channel == "grid" or anonymous else person.phone,
            "is_demo": True,
        }

    def _unit_and_person(self, village, domain: str, level: str, county_level: bool):
        key = RESPONSIBLE[domain]
        if county_level or key.startswith("county:"):
            key = key.split(":", 1)[1] if key.startswith("county:") else COUNTY_FALLBACK.get(key, key)
            return self.org.county_units[key], self.org.county_officers[key]
        if level == "low" and self.rng.random() < 0.45:
            return self.org.committees[village.pk], self.org.cadres[village.pk]
        return self.org.town_units[village.town_pk][key], self.org.town_officers[village.town_pk][key]

    # ---- one matter ------------------------------------------------------------------------------

    def matter(self, occ: Occurrence) -> HistoricalMatter | None:
        rng, v = self.rng, occ.village
        choices = (
            templates.SURGE_TEMPLATES[occ.surge] if occ.surge else templates.DOMAIN_TEMPLATES[occ.domain]
        )
        template = rng.choice(choices)
        people = rng.randint(*template.people)
        amount = rng.randint(*template.amount) // 100 * 100 if template.amount[1] else 0
        company = ODOUR_COMPANY if occ.surge == "odour_now" else self._company(v)
        ctx = texts.context(
            rng,
            village=v.name,
            town=v.town,
            profile=v.profile,
            when=occ.day,
            people=people,
            amount=amount,
            company=company,
            project=LAND_PROJECT if occ.surge else "",
        )
        title, description = texts.render(template, ctx)

        channel = _weighted(rng, CHANNELS[occ.surge])
        received = self._at(occ.day, 7, 21) if channel in ("call", "online") else self._at(occ.day)
        registered = self._later(received, 0.02, 1.2)
        if received > self.now - dt.timedelta(hours=72) and rng.random() < 0.5:
            registered = self.now + dt.timedelta(days=1)  # the centre has not got to it yet
        if registered > self.now:
            if received <= self.now:  # received but not registered yet: it waits in the intake queue
                self.pending.append(self._pending_report(occ, channel, received, title, description, ctx))
            return None
        occurred = received - dt.timedelta(days=rng.choice((0, 0, 0, 1, 2, 5)))
        low, high = template.likelihood
        # Most matters sit at the low end of their template's range; surges are what they are.
        likelihood = (
            high
            if occ.surge
            else rng.choices(range(low, high + 1), weights=[4, 1.5, 0.6, 0.3, 0.2][: high - low + 1])[0]
        )
        consequence = consequence_for(people, amount)
        level = self.matrix.level(likelihood, consequence).code

        cadre, town_staff = self.org.cadres[v.pk], self.org.town_staff[v.town_pk]
        registrar = cadre if channel == "grid" or rng.random() < 0.4 else town_staff
        grid_worker = rng.choice(self.org.grid_workers[v.pk])
        applicant = texts.fake_person(rng, self.year_now)
        parties = (
            [] if channel == "grid" and template.kind == "hazard" else [_party("applicant", applicant, rng)]
        )
        for _ in range(min(2, people - 1) if template.kind == "demand" and rng.random() < 0.3 else 0):
            parties.append(_party("applicant", texts.fake_person(rng, self.year_now), rng))
        if template.respondent == "company":
            parties.append({"role": "respondent", "name": company, "is_organisation": True})
        elif template.respondent == "organisation":
            name = f"{LAND_PROJECT}指挥部" if occ.domain == "land_requisition" else f"{v.name}村民委员会"
            parties.append({"role": "respondent", "name": name, "is_organisation": True})
        elif template.respondent == "person":
            parties.append(_party("respondent", texts.fake_person(rng, self.year_now), rng))

        anonymous = channel == "online" and rng.random() < 0.3
        report = HistoricalReport(
            channel=channel,
            received_at=received,
            location=ctx["place"],
            anonymous=anonymous,
            created_by=grid_worker if channel == "grid" else None if channel == "online" else registrar,
            reporter_name="" if channel == "grid" else applicant.name,
            reporter_phone="" if channel == "grid" else applicant.phone,
            area=grid_worker.area if channel == "grid" else None,
        )
        self.counter += 1
        row = HistoricalMatter(
            key=self.counter,
            kind=template.kind,
            domain=self.domains[occ.domain],
            area=self.areas[v.pk],
            title=title,
            description=description,
            occurred_at=occurred,
            people_involved=people,
            amount_involved=amount,
            likelihood=likelihood,
            consequence=consequence,
            parties=parties,
            report=report,
            events=[HistoricalEvent(registered, registrar, "registered", "事项已登记")],
            is_demo=True,
        )
        self._live(row, occ, template, ctx, level)
        self._truncate(row)
        self.recent.setdefault((v.pk, occ.domain), []).append(row)
        return row

    def _live(self, row: HistoricalMatter, occ: Occurrence, template, ctx: dict, level: str) -> None:
        """Append the matter's whole (possibly future) timeline to ``row.events``."""
        rng, ev, v = self.rng, row.events, occ.village
        town_staff, cadre = self.org.town_staff[v.town_pk], self.org.cadres[v.pk]
        t = ev[0].at
        fate = rng.random()
        merge_at = self._later(t, 0.05, 1.0)
        target = self._merge_target(row, occ, merge_at)
        if target is not None and fate < (0.25 if occ.surge else 0.05):
            row.merged_into = target.key
            ev.append(
                HistoricalEvent(
                    merge_at, town_staff, "merged", f"与事项（{target.title[:20]}）属同一事项，已合并"
                )
            )
            return
        if fate > 0.96:
            reason = rng.choice(templates.REJECT_REASONS)
            row.closing_reason = row.public_note = reason
            ev.append(
                HistoricalEvent(
                    self._later(t, 0.1, 3), town_staff, "rejected", f"不予受理：{reason}", public_text=reason
                )
            )
            return

        county_level = False
        handler = town_staff
        draw = rng.random()
        to_county = (level == "critical" and draw < 0.2) or draw > 0.985
        if to_county or draw < 0.05 or (level == "critical" and draw < 0.5):
            t = self._later(t, 0.05, 1)
            ev.append(
                HistoricalEvent(
                    t, cadre, "escalated", f"上报至{v.town}：{rng.choice(templates.ESCALATE_REASONS)}"
                )
            )
        backlog = rng.random() < 0.08  # some wait days for the weekly assessment meeting
        t = self._later(t, 0.05, 0.5 if level in ("high", "critical") else 6 if backlog else 1.5)
        ev.append(
            HistoricalEvent(
                t,
                handler,
                "assessed",
                f"研判定级：{self.matrix.levels[level].label}",
                data={"level": level, "matrix": self.matrix.key},
            )
        )
        if to_county:
            t = self._later(t, 0.05, 1)
            ev.append(
                HistoricalEvent(
                    t, handler, "escalated", f"上报至示范县：{rng.choice(templates.ESCALATE_REASONS)}"
                )
            )
            county_level, handler = True, self.org.county_staff
            t = self._later(t, 0.05, 1)
            ev.append(
                HistoricalEvent(
                    t,
                    handler,
                    "assessed",
                    f"研判定级：{self.matrix.levels[level].label}",
                    data={"level": level, "matrix": self.matrix.key},
                )
            )

        unit, person = self._unit_and_person(v, occ.domain, level, county_level)
        t = self._later(t, 0.05, 1.5)
        deadline = (t + dt.timedelta(days=DEADLINE_DAYS[level])).date()
        ev.append(
            HistoricalEvent(
                t,
                handler,
                "assigned",
                f"交办{unit.name}办理，期限 {deadline}",
                data={"assignment": (unit, person, deadline)},
            )
        )
        if rng.random() < 0.03:
            t = self._later(t, 0.2, 3)
            ev.append(HistoricalEvent(t, person, "returned", f"退回：{rng.choice(templates.RETURN_REASONS)}"))
            unit, person = self._unit_and_person(v, occ.domain, "medium", county_level)
            t = self._later(t, 0.1, 2)
            deadline = (t + dt.timedelta(days=DEADLINE_DAYS[level])).date()
            ev.append(
                HistoricalEvent(
                    t,
                    handler,
                    "assigned",
                    f"交办{unit.name}办理，期限 {deadline}",
                    data={"assignment": (unit, person, deadline)},
                )
            )

        assigned_at = t
        overrun = rng.random()
        if overrun < 0.01:  # hard cases (积案) drag on for months
            days = DEADLINE_DAYS[level] * rng.uniform(3, 8)
        elif overrun < 0.035:
            days = DEADLINE_DAYS[level] * rng.uniform(1.05, 2.2)
        else:
            days = DEADLINE_DAYS[level] * rng.uniform(0.2, 0.95)
        resolved_at = self._office(assigned_at + dt.timedelta(days=max(0.3, days)))
        started_at = self._office(assigned_at + (resolved_at - assigned_at) * rng.uniform(0.05, 0.3))
        if started_at >= resolved_at:
            started_at = assigned_at + (resolved_at - assigned_at) / 2
        ev.append(HistoricalEvent(started_at, person, "started", "开始化解"))
        if row.kind == "dispute" and rng.random() < 0.7:
            sessions = 1 + (rng.random() < 0.35)
            for i in range(sessions):
                held = started_at + (resolved_at - started_at) * (i + 1) / (sessions + 1)
                in_office = self._office(held)
                held = in_office if in_office < resolved_at else held
                result = (
                    "continuing"
                    if i < sessions - 1
                    else rng.choice(("agreed", "agreed", "agreed", "partial"))
                )
                session = HistoricalMediation(
                    held_on=timezone.localdate(held),
                    mediators=f"{unit.name}、{v.name}人民调解委员会",
                    summary=rng.choice(templates.MEDIATION_SUMMARIES),
                    result=result,
                    recorded_by=person,
                    recorded_at=held,
                    parties_present="申请人、被申请人",
                    agreement_text="双方自愿达成调解协议，按约定履行。" if result == "agreed" else "",
                )
                row.mediations.append(session)
                label = dict(agreed="调解成功", partial="部分达成", continuing="继续调解")[result]
                ev.append(
                    HistoricalEvent(
                        held, person, "mediation", f"调解（{session.held_on}）：{label}", record=session
                    )
                )
        overdue_from = timezone.make_aware(dt.datetime.combine(deadline, dt.time(9))) + dt.timedelta(days=1)
        supervised_at = self._later(overdue_from, 0, 1)
        if supervised_at < resolved_at and rng.random() < 0.8:
            by = self.org.leader if level in ("high", "critical") else handler
            note = (
                templates.SUPERVISE_NOTES[0]
                if level in ("low", "medium")
                else rng.choice(templates.SUPERVISE_NOTES)
            )
            at = supervised_at
            extended = timezone.localdate(at) + dt.timedelta(days=15) if rng.random() < 0.6 else None
            supervision = HistoricalSupervision(at, by, note, extended)
            row.supervisions.append(supervision)
            ev.append(
                HistoricalEvent(
                    at,
                    by,
                    "supervised",
                    f"督办：{note}",
                    record=supervision,
                    data={"assignment": (unit, person, extended)} if extended else {},
                )
            )
        row.outcome = texts.outcome(rng, template, ctx, unit.name)
        row.public_note = "您反映的问题已办理完毕，感谢您的监督。"
        ev.append(HistoricalEvent(resolved_at, person, "resolved", "事项已化解", public_text=row.public_note))
        ev.sort(key=lambda e: e.at)  # mediation and supervision fall between the start and the resolution
        if rng.random() < 0.5:
            row.residual_likelihood, row.residual_consequence = 1, max(1, row.consequence - 1)
            label = self.matrix.level(1, row.residual_consequence).label
            ev.append(
                HistoricalEvent(
                    self._later(resolved_at, 0.01, 0.2), handler, "residual_assessed", f"措施后风险：{label}"
                )
            )
        t = ev[-1].at
        if rng.random() < 0.9:
            t = self._later(t, 2, 10)
            satisfaction = _weighted(
                rng, {"satisfied": 70, "basically": 20, "unsatisfied": 6, "unreachable": 4}
            )
            visit = HistoricalFollowUp(
                timezone.localdate(t),
                satisfaction,
                cadre if not county_level else handler,
                rng.choice(("电话", "电话", "上门")),
                rng.choice(templates.FOLLOW_UP_NOTES),
            )
            row.follow_ups.append(visit)
            ev.append(HistoricalEvent(t, visit.visited_by, "followed_up", "已回访", record=visit))
            if rng.random() < 0.9:
                ev.append(HistoricalEvent(self._later(t, 3, 25), handler, "archived", "已归档"))
        elif rng.random() < 0.7:
            ev.append(HistoricalEvent(self._later(t, 10, 40), handler, "archived", "已归档"))

    def _merge_target(self, row, occ: Occurrence, at: dt.datetime) -> HistoricalMatter | None:
        for candidate in reversed(self.recent.get((occ.village.pk, occ.domain), [])[-5:]):
            registered = candidate.events[0].at
            if at - registered > dt.timedelta(days=14):
                break
            if candidate.kind == row.kind and status_at(candidate.events, at) in OPEN_STATUSES:
                return candidate
        return None

    def _truncate(self, row: HistoricalMatter) -> None:
        """Keep only what has happened by now, and the records those events wrote."""
        row.events = [e for e in row.events if e.at <= self.now]
        kept = {id(e.record) for e in row.events if e.record is not None}
        row.mediations = [m for m in row.mediations if id(m) in kept]
        row.follow_ups = [f for f in row.follow_ups if id(f) in kept]
        row.supervisions = [s for s in row.supervisions if id(s) in kept]
        kinds = {e.kind for e in row.events}
        if "resolved" not in kinds:
            row.outcome, row.residual_likelihood, row.residual_consequence = "", None, None
            if "rejected" not in kinds:
                row.public_note = ""
        elif "residual_assessed" not in kinds:
            row.residual_likelihood = row.residual_consequence = None
        if "assessed" not in kinds:  # merged, rejected or waiting before anyone scored it
            row.likelihood = row.consequence = None
        # As the actions do, the matter keeps the latest escalation/return/rejection reason.
        reasons = [
            e.note.split("：", 1)[1] for e in row.events if e.kind in ("escalated", "returned", "rejected")
        ]
        row.closing_reason = reasons[-1] if reasons else ""
        assignments = [e.data.pop("assignment") for e in row.events if "assignment" in e.data]
        if assignments:
            row.responsible_unit, row.responsible_person, row.deadline = assignments[-1]
        if "merged" not in kinds:
            row.merged_into = None


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _party(role: str, person: texts.FakePerson, rng: random.Random) -> dict:
    return {
        "role": role,
        "name": person.name,
        "phone": person.phone,
        "id_number": person.id_number if rng.random() < 0.3 else "",
    }
