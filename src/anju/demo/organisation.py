"""Units and users of the demo county, created through ``anju.core.actions``.

Only the demo logins get the demo password: hashing a password costs most of a second on a small machine,
so the rest of the staff (village cadres, grid workers, department officers) are created with unusable
passwords. They exist so matters have realistic responsible persons; an admin can set a password for any.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from anju.core import actions
from anju.core.models import Area, Domain, Unit, UnitKind, User
from anju.core.roles import Role
from anju.demo.texts import GIVEN, SURNAMES

# The public demo password: 12+ characters, since the password rules apply to the demo too.
DEMO_PASSWORD = "anju-demo-county"  # nosec B105

# Where the featured demo users sit; ``history`` plants the wage surge in this village.
FEATURED_TOWN = "青山镇"
FEATURED_VILLAGE = "金桥村"

# Town-level departments: key → name suffix. Every town has these plus its 综治中心.
TOWN_DEPARTMENTS = {
    "police": "派出所",
    "justice": "司法所",
    "labour": "人社所",
    "petition": "信访办",
    "land": "自然资源所",
    "enforcement": "综合行政执法队",
}
COUNTY_DEPARTMENTS = {
    "education": "县教育局",
    "health": "县卫生健康局",
    "ecology": "县生态环境分局",
    "veterans": "县退役军人事务局",
    "cyberspace": "县委网信办",
    "public_security": "县公安局",
    "labour": "县人力资源和社会保障局",
    "land": "县自然资源和规划局",
    "justice": "县司法局",
    "petition": "县信访局",
}
# The risk domains each department serves (Unit.domains), by the key of the two tables above: its officers
# also see the matters of these domains in their area, masked, and act only on those assigned to them.
DEPARTMENT_DOMAINS = {
    "police": ("political_security", "extreme_incidents", "ethnic_religious", "mass_economic_cases"),
    "public_security": ("political_security", "extreme_incidents", "ethnic_religious", "mass_economic_cases"),
    "justice": ("legal_petitions",),
    "labour": ("social_security_wages",),
    "petition": ("petitions",),
    "land": ("land_requisition", "rural_affairs"),
    "enforcement": ("environment_projects", "transport"),
    "education": ("education",),
    "health": ("health",),
    "ecology": ("environment_projects",),
    "veterans": ("veterans",),
    "cyberspace": ("online_opinion",),
}


@dataclass
class Organisation:
    """Everything the history generator needs to pick actors and responsible units."""

    admin: User
    county_staff: User
    leader: User
    auditor: User
    county_centre: Unit
    county_units: dict[str, Unit] = field(default_factory=dict)
    county_officers: dict[str, User] = field(default_factory=dict)
    town_centre: dict[int, Unit] = field(default_factory=dict)  # town area pk → unit
    town_staff: dict[int, User] = field(default_factory=dict)
    town_units: dict[int, dict[str, Unit]] = field(default_factory=dict)
    town_officers: dict[int, dict[str, User]] = field(default_factory=dict)
    committees: dict[int, Unit] = field(default_factory=dict)  # village area pk → 村委会
    cadres: dict[int, User] = field(default_factory=dict)
    grid_workers: dict[int, list[User]] = field(default_factory=dict)  # village area pk → grid workers

    @property
    def user_count(self) -> int:
        return User.objects.filter(is_demo=True).count()


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def create_organisation(actor, county: Area, rng: random.Random) -> Organisation:
    """Units for the county, every town and every village, and users of every role."""
    centre = actions.create_unit(actor, name="示范县综治中心", kind=UnitKind.CENTRE, area=county)
    domains = Domain.objects.in_bulk(field_name="code")

    def served(key: str) -> list[Domain]:
        return [domains[code] for code in DEPARTMENT_DOMAINS.get(key, ()) if code in domains]

    def user(username, role, area, unit, display_name, password=None, superuser=False):
        return actions.create_user(
            actor,
            username=username,
            password=password,
            role=role,
            area=area,
            unit=unit,
            display_name=display_name,
            is_demo=True,
            is_superuser=superuser,
        )

    org = Organisation(
        admin=user("admin", Role.ADMIN, county, centre, "系统管理员", DEMO_PASSWORD, superuser=True),
        county_staff=user("zongzhi", Role.CENTRE_STAFF, county, centre, _person_name(rng), DEMO_PASSWORD),
        leader=user("lingdao", Role.LEADER, county, centre, _person_name(rng), DEMO_PASSWORD),
        auditor=user("shenji", Role.AUDITOR, county, centre, _person_name(rng), DEMO_PASSWORD),
        county_centre=centre,
    )
    for key, name in COUNTY_DEPARTMENTS.items():
        unit = actions.create_unit(
            actor, name=name, kind=UnitKind.DEPARTMENT, area=county, domains=served(key)
        )
        org.county_units[key] = unit
        org.county_officers[key] = user(
            f"county_{key}", Role.DEPARTMENT_OFFICER, county, unit, _person_name(rng)
        )

    for town_no, town in enumerate(county.children.order_by("code"), start=1):
        featured_town = town.name == FEATURED_TOWN
        org.town_centre[town.pk] = actions.create_unit(
            actor, name=f"{town.name}综治中心", kind=UnitKind.CENTRE, area=town
        )
        org.town_staff[town.pk] = user(
            "zhen" if featured_town else f"town{town_no}_centre",
            Role.CENTRE_STAFF,
            town,
            org.town_centre[town.pk],
            _person_name(rng),
            DEMO_PASSWORD if featured_town else None,
        )
        org.town_units[town.pk], org.town_officers[town.pk] = {}, {}
        for key, suffix in TOWN_DEPARTMENTS.items():
            unit = actions.create_unit(
                actor, name=f"{town.name}{suffix}", kind=UnitKind.DEPARTMENT, area=town, domains=served(key)
            )
            org.town_units[town.pk][key] = unit
            featured_officer = featured_town and key == "labour"
            org.town_officers[town.pk][key] = user(
                "bumen" if featured_officer else f"town{town_no}_{key}",
                Role.DEPARTMENT_OFFICER,
                town,
                unit,
                _person_name(rng),
                DEMO_PASSWORD if featured_officer else None,
            )
        for village in town.children.order_by("code"):
            featured = featured_town and village.name == FEATURED_VILLAGE
            committee_name = f"{village.name}{'居委会' if village.name.endswith('社区') else '村委会'}"
            committee = actions.create_unit(
                actor, name=committee_name, kind=UnitKind.VILLAGE_COMMITTEE, area=village
            )
            org.committees[village.pk] = committee
            org.cadres[village.pk] = user(
                "cun" if featured else f"v{village.code[-6:]}",
                Role.VILLAGE_CADRE,
                village,
                committee,
                _person_name(rng),
                DEMO_PASSWORD if featured else None,
            )
            org.grid_workers[village.pk] = []
            for grid_no, grid in enumerate(village.children.order_by("code"), start=1):
                first = featured and grid_no == 1
                org.grid_workers[village.pk].append(
                    user(
                        "wangge" if first else f"g{grid.code[-6:]}",
                        Role.GRID_WORKER,
                        grid,
                        committee,
                        _person_name(rng),
                        DEMO_PASSWORD if first else None,
                    )
                )
    return org


DEMO_LOGINS = [
    ("admin", "系统管理员（全县）"),
    ("zongzhi", "县综治中心工作人员（全县）"),
    ("lingdao", "县领导（全县，督办）"),
    ("zhen", f"{FEATURED_TOWN}综治中心工作人员（一个镇）"),
    ("bumen", f"职能部门：{FEATURED_TOWN}人社所（一个镇）"),
    ("cun", f"村干部：{FEATURED_TOWN}{FEATURED_VILLAGE}（一个村）"),
    ("wangge", f"网格员：{FEATURED_VILLAGE}第一网格（一个网格）"),
    ("shenji", "审计人员（全县，只读及审计日志）"),
]
