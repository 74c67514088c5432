"""Synthetic history of the demo county: how many matters of which domain happen where and when.

Weekly counts per (village, domain, ISO week) are Poisson with a rate made of:
  county-wide domain rate × village propensity (profile of the village and a random village effect)
  × seasonality of the week (Spring Festival, summer, school start, planting and harvest …) × a mild trend.
On top of that three surges are planted for the early-warning work to find (see ``PLANTED``):
  1. wage-arrears demands in the industrial village 金桥村 in the 4 weeks before every Spring Festival;
  2. land-requisition disputes in three villages of 白沙镇 in the 8 weeks after a project announcement
     14 weeks before today: they start in 上埠村, the project's site, and spread to its neighbours 下埠村 and
     沙洲村 week by week (each week a neighbour sees about two thirds as many as the other two saw the week
     before) — the spreading the 风险传导 page (docs/transmission.md) should find;
  3. a live surge of odour/noise complaints in 石门村 in the last two weeks and the current week.
Each occurrence becomes one matter with its whole life in ``lifecycle``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

# Chinese New Year (春节) dates; extend the table to generate histories around later years.
SPRING_FESTIVALS = {
    2021: dt.date(2021, 2, 12),
    2022: dt.date(2022, 2, 1),
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
}

# County-wide matters per week in an ordinary week, by domain (sums to about 20 a week).
DOMAIN_RATES = {
    "rural_affairs": 3.2,
    "social_security_wages": 3.0,
    "environment_projects": 2.2,
    "land_requisition": 2.0,
    "transport": 1.8,
    "education": 1.3,
    "legal_petitions": 1.3,
    "petitions": 1.2,
    "health": 1.2,
    "online_opinion": 0.8,
    "veterans": 0.5,
    "extreme_incidents": 0.4,
    "mass_economic_cases": 0.35,
    "ethnic_religious": 0.2,
    "political_security": 0.12,
}
# How much more (or less) often a village of a profile sees a domain than the average village.
PROFILE_PROPENSITY = {
    "urban": {
        "environment_projects": 1.5,
        "education": 1.8,
        "transport": 1.2,
        "rural_affairs": 0.15,
        "land_requisition": 0.4,
        "online_opinion": 1.6,
        "health": 1.3,
        "mass_economic_cases": 1.6,
        "social_security_wages": 0.8,
    },
    "industrial": {
        "social_security_wages": 2.5,
        "environment_projects": 1.8,
        "rural_affairs": 0.5,
        "land_requisition": 0.7,
        "transport": 1.3,
    },
    "rural": {
        "rural_affairs": 1.6,
        "land_requisition": 1.2,
        "social_security_wages": 0.6,
        "education": 0.7,
        "environment_projects": 0.7,
        "online_opinion": 0.6,
    },
    "suburban": {"land_requisition": 1.4, "transport": 1.3},
}
# Month-of-year factors by domain (missing months are 1).
MONTHLY = {
    "environment_projects": {5: 1.3, 6: 1.7, 7: 1.9, 8: 1.8, 9: 1.3, 12: 0.8, 1: 0.8},
    "education": {2: 1.3, 3: 1.3, 7: 1.5, 8: 2.0, 9: 2.2, 10: 1.2, 1: 0.6},
    "rural_affairs": {4: 1.4, 5: 1.5, 6: 1.2, 10: 1.3, 11: 1.2},
    "health": {12: 1.3, 1: 1.4, 2: 1.3},
    "petitions": {3: 1.4},
    "social_security_wages": {11: 1.2, 12: 1.4},
    "transport": {10: 1.2},
}
TREND_PER_YEAR = 0.06
INDUSTRIAL_WAGE_BASELINE = 0.3  # wage matters per week in 金桥村 outside the planted surges

WAGE_VILLAGE = ("青山镇", "金桥村")
LAND_VILLAGES = ("白沙镇", ("上埠村", "下埠村", "沙洲村"))
ODOUR_VILLAGE = ("青山镇", "石门村")
LAND_PROJECT = "示范县临港物流园项目"
ODOUR_COMPANY = "示范县宏达化工有限公司"
WAGE_SURGE_PER_WEEK = 7.0  # mean extra wage matters a week in the 4 weeks before the festival
LAND_SURGE_PROFILE = (1.5, 3.0, 3.5, 3.0, 2.2, 1.6, 1.1, 0.8)  # mean extra a week in 上埠村, weeks 0–7
LAND_SPREAD = 0.65  # mean extra in 下埠村 / 沙洲村 per dispute in the other two villages the week before
LAND_ANNOUNCED_WEEKS_AGO = 14
ODOUR_SURGE = (5.0, 8.0, 9.0)  # mean a week: two weeks ago, last week, this week (pro rata to today)


@dataclass(frozen=True)
class Village:
    pk: int
    code: str
    name: str
    town: str
    town_pk: int
    profile: str


@dataclass(frozen=True)
class Occurrence:
    """One matter to be: where, which domain, which week and day, and whether it belongs to a surge."""

    village: Village
    domain: str
    day: dt.date
    surge: str = ""  # "", "wage_spring_festival", "land_project", "odour_now"


@dataclass
class PlantedSurge:
    key: str
    label: str
    villages: list[str]  # "name (code)"
    weeks: list[dt.date]  # Mondays of the surge weeks
    domain: str
    count: int = 0


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_starts(today: dt.date, years: int) -> list[dt.date]:
    """Mondays from ``years`` years (plus 8 weeks, so a Farrington baseline for this week is complete)
    before ``today`` up to the current week."""
    last = monday(today)
    first = monday(today - dt.timedelta(days=round(365.25 * years) + 56))
    return [first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def festival_near(week: dt.date) -> dt.date | None:
    for year in (week.year, week.year + 1):
        if year in SPRING_FESTIVALS:
            festival = SPRING_FESTIVALS[year]
            if -14 <= (festival - week).days <= 42:
                return festival
    return None


def season_factor(domain: str, week: dt.date) -> float:
    """Seasonality of a week for a domain: the month, and the weeks around the Spring Festival."""
    mid = week + dt.timedelta(days=3)
    factor = MONTHLY.get(domain, {}).get(mid.month, 1.0)
    festival = festival_near(week)
    if festival is not None:
        days_before = (festival - week).days
        if -7 <= days_before < 7:  # festival week and the week after: offices quiet, people at home
            factor *= 0.45 if domain != "social_security_wages" else 0.6
        elif domain == "social_security_wages" and days_before <= 35:
            factor *= 1.8  # year-end settlement of wages everywhere
        elif domain == "transport" and days_before <= 28:
            factor *= 1.4  # travel rush (春运)
    return factor


def village_rates(
    villages: list[Village], rng: np.random.Generator, scale: float
) -> dict[tuple[int, str], float]:
    """Baseline matters per week for every (village, domain)."""
    effect = {v.pk: float(rng.lognormal(0.0, 0.3)) for v in villages}
    rates = {}
    for domain, county_rate in DOMAIN_RATES.items():
        weights = {
            v.pk: PROFILE_PROPENSITY.get(v.profile, {}).get(domain, 1.0) * effect[v.pk] for v in villages
        }
        total = sum(weights.values())
        for v in villages:
            rates[(v.pk, domain)] = county_rate * scale * weights[v.pk] / total
    for v in villages:
        if (v.town, v.name) == WAGE_VILLAGE:
            rates[(v.pk, "social_security_wages")] = INDUSTRIAL_WAGE_BASELINE * scale
    return rates


def _days_of_week(week: dt.date, today: dt.date, rng: np.random.Generator, n: int) -> list[dt.date]:
    """``n`` days of ``week`` up to ``today``: working days more often than weekends."""
    if n <= 0:
        return []
    days = [week + dt.timedelta(days=i) for i in range(7) if week + dt.timedelta(days=i) <= today]
    weights = np.array([1.0 if d.weekday() < 5 else 0.45 for d in days])
    picks = rng.choice(len(days), size=n, p=weights / weights.sum())
    return [days[i] for i in picks]


def _elapsed_fraction(week: dt.date, today: dt.date) -> float:
    return min(1.0, ((today - week).days + 1) / 7)


def occurrences(
    villages: list[Village], today: dt.date, years: int, rng: np.random.Generator, scale: float = 1.0
) -> tuple[list[Occurrence], list[PlantedSurge]]:
    weeks = week_starts(today, years)
    rates = village_rates(villages, rng, scale)
    domains = list(DOMAIN_RATES)
    pairs = [(v, d) for d in domains for v in villages]  # domain-major, matching np.repeat below
    base = np.array([rates[(v.pk, d)] for v, d in pairs])
    first = weeks[0]
    result: list[Occurrence] = []
    for week in weeks:
        trend = 1 + TREND_PER_YEAR * (week - first).days / 365.25
        season = np.repeat([season_factor(d, week) for d in domains], len(villages))
        counts = rng.poisson(base * season * trend * _elapsed_fraction(week, today))
        for i in np.flatnonzero(counts):
            v, domain = pairs[i]
            result.extend(Occurrence(v, domain, d) for d in _days_of_week(week, today, rng, int(counts[i])))
    surges = _plant_surges(villages, weeks, today, rng)
    for surge in surges:
        result.extend(surge.pop("occurrences"))
    planted = [PlantedSurge(**s) for s in surges]
    result.sort(key=lambda o: (o.day, o.village.code, o.domain, o.surge))
    return result, planted


def _plant_surges(villages, weeks, today, rng) -> list[dict]:
    by_name = {(v.town, v.name): v for v in villages}
    surges = []

    wage_village = by_name[WAGE_VILLAGE]
    wage_weeks, wage_occ = [], []
    for festival in sorted(SPRING_FESTIVALS.values()):
        festival_week = monday(festival)
        for back in range(4, 0, -1):
            week = festival_week - dt.timedelta(weeks=back)
            if weeks[0] <= week <= weeks[-1]:
                n = int(rng.poisson(WAGE_SURGE_PER_WEEK * _elapsed_fraction(week, today)))
                wage_weeks.append(week)
                wage_occ += [
                    Occurrence(wage_village, "social_security_wages", d, "wage_spring_festival")
                    for d in _days_of_week(week, today, rng, n)
                ]
    surges.append(
        {
            "key": "wage_spring_festival",
            "label": "春节前农民工欠薪集中反映",
            "villages": [f"{wage_village.name}（{wage_village.code}）"],
            "weeks": wage_weeks,
            "domain": "social_security_wages",
            "count": len(wage_occ),
            "occurrences": wage_occ,
        }
    )

    town, names = LAND_VILLAGES
    land_villages = [by_name[(town, name)] for name in names]
    announced = monday(today) - dt.timedelta(weeks=LAND_ANNOUNCED_WEEKS_AGO)
    land_weeks, land_occ = [], []
    last_week = [0] * len(land_villages)  # the first village is the project's site, where it starts
    for i, mean in enumerate(LAND_SURGE_PROFILE):
        week = announced + dt.timedelta(weeks=i)
        if not weeks[0] <= week <= weeks[-1]:
            continue
        land_weeks.append(week)
        this_week = []
        for k, v in enumerate(land_villages):
            spread = LAND_SPREAD * (sum(last_week) - last_week[k])
            n = int(rng.poisson((mean if k == 0 else spread) * _elapsed_fraction(week, today)))
            this_week.append(n)
            land_occ += [
                Occurrence(v, "land_requisition", d, "land_project")
                for d in _days_of_week(week, today, rng, n)
            ]
        last_week = this_week
    surges.append(
        {
            "key": "land_project",
            "label": f"{LAND_PROJECT}公布后征地拆迁纠纷集中发生",
            "villages": [f"{v.name}（{v.code}）" for v in land_villages],
            "weeks": land_weeks,
            "domain": "land_requisition",
            "count": len(land_occ),
            "occurrences": land_occ,
        }
    )

    odour_village = by_name[ODOUR_VILLAGE]
    odour_weeks, odour_occ = [], []
    for back, mean in zip((2, 1, 0), ODOUR_SURGE, strict=True):
        week = monday(today) - dt.timedelta(weeks=back)
        odour_weeks.append(week)
        n = int(rng.poisson(mean * _elapsed_fraction(week, today)))
        odour_occ += [
            Occurrence(odour_village, "environment_projects", d, "odour_now")
            for d in _days_of_week(week, today, rng, n)
        ]
    surges.append(
        {
            "key": "odour_now",
            "label": f"{ODOUR_COMPANY}异味噪音投诉（当前）",
            "villages": [f"{odour_village.name}（{odour_village.code}）"],
            "weeks": odour_weeks,
            "domain": "environment_projects",
            "count": len(odour_occ),
            "occurrences": odour_occ,
        }
    )
    return surges


def expected_weekly_total(scale: float = 1.0) -> float:
    return sum(DOMAIN_RATES.values()) * scale


def poisson_upper(mean: float, p: float = 0.999) -> int:
    """Smallest k with P(X ≤ k) ≥ p for X ~ Poisson(mean); tests use it to call a week a surge."""
    term = total = math.exp(-mean)
    k = 0
    while total < p:
        k += 1
        term *= mean / k
        total += term
    return k
