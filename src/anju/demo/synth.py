"""`anju synth`: a large installation for the platform benchmark (bench/bench_platform.py), grown from the demo.

Every matter of the demo county — with its intake report, parties, timeline, mediation sessions, follow-up
visits, gradings and supervision notes — is copied until the ledger holds ``matters`` matters, spread over
``counties`` counties: the demo county and ``counties − 1`` copies of its area tree (boundaries shifted east on
the map), units and users. Copies keep the demo's distributions — domains, levels, statuses, villages, weeks,
seasons — because they are the demo's own rows, in the same village and week as their original. Stored text
and encrypted personal data are copied as stored (the same field keys read them), so nothing is re-encrypted.

Bulk insertion in batches, one transaction each; no actions, no audit lines, no notifications: this builds
data to measure anju at scale, never a real installation (it refuses a database without the demo).
"""

from __future__ import annotations

import time
from collections import defaultdict

from django.db import transaction

from anju.core.models import Area, AreaLevel, Unit, User
from anju.intake import receipts
from anju.intake.models import Report
from anju.matters.models import (
    FollowUpVisit,
    Grading,
    Matter,
    MatterEvent,
    MatterParty,
    MediationSession,
    SupervisionNote,
)

# the matter's dependants copied with it: model → its fields naming a user
CHILDREN = (
    (MatterParty, ()),
    (MatterEvent, ("actor",)),
    (MediationSession, ("recorded_by",)),
    (FollowUpVisit, ("visited_by",)),
    (Grading, ("by",)),
    (SupervisionNote, ("by",)),
)
MATTER_USER_FIELDS = ("responsible_person", "lead_leader", "created_by")
MAP_SHIFT_DEGREES = 0.9  # each copied county lies this far east of the previous one on the map


class SynthError(Exception):
    """Said to the person running the command, in Chinese."""


def _row(obj, *, skip=("id",)) -> dict:
    """A model instance's concrete fields as keyword arguments (foreign keys by ``<name>_id``)."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skip}


def _shift(coordinates, degrees: float):
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [coordinates[0] + degrees, *coordinates[1:]]
    return [_shift(part, degrees) for part in coordinates]


def _shifted_boundary(boundary, degrees: float):
    if not boundary:
        return boundary
    if "coordinates" in boundary:
        return {**boundary, "coordinates": _shift(boundary["coordinates"], degrees)}
    if "geometry" in boundary:
        return {**boundary, "geometry": _shifted_boundary(boundary["geometry"], degrees)}
    if "features" in boundary:
        return {**boundary, "features": [_shifted_boundary(f, degrees) for f in boundary["features"]]}
    return boundary


class Copies:
    """The id maps of one county copy: area, unit and user ids of the demo county → those of the copy."""

    def __init__(self, index: int):
        self.index = index
        self.areas: dict[int, int] = {}
        self.units: dict[int, int] = {}
        self.users: dict[int, int] = {}

    def user(self, pk):
        return self.users.get(pk, pk) if pk else pk


def _copy_county(county: Area, index: int) -> Copies:
    copies = Copies(index)
    prefix = f"S{index:02d}"
    codes: dict[str, str] = {}
    for area in Area.objects.filter(path__startswith=county.path).order_by("level", "path"):
        codes[area.code] = prefix + area.code
        row = _row(area) | {
            "code": codes[area.code],
            "parent_id": copies.areas.get(area.parent_id),
            "path": "/" + "/".join(codes[code] for code in area.path.strip("/").split("/")) + "/",
            "boundary": _shifted_boundary(area.boundary, MAP_SHIFT_DEGREES * index),
            "longitude": area.longitude + MAP_SHIFT_DEGREES * index if area.longitude is not None else None,
        }
        if area.level == AreaLevel.COUNTY:
            row["name"] = f"{area.name}（合成{index}）"
        copies.areas[area.pk] = Area.objects.create(**row).pk
    for unit in Unit.objects.filter(area__path__startswith=county.path):
        copies.units[unit.pk] = Unit.objects.create(**_row(unit) | {"area_id": copies.areas[unit.area_id]}).pk
    for user in User.objects.filter(area__path__startswith=county.path):
        row = _row(user, skip=("id", "last_login")) | {
            "username": f"{user.username}-{index}",
            "area_id": copies.areas[user.area_id],
            "unit_id": copies.units.get(user.unit_id),
        }
        copies.users[user.pk] = User.objects.create(**row).pk
    return copies


class NumberSequence:
    """Matter numbers ``<area code[:6]>-<year>-<sequence>`` continuing after the highest one stored."""

    def __init__(self):
        self.last: dict[str, int] = {}

    def next(self, area_code: str, year: int) -> str:
        prefix = f"{area_code[:6]}-{year}-"
        if prefix not in self.last:
            stored = (
                Matter.objects.filter(number__startswith=prefix)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            self.last[prefix] = int(stored.rsplit("-", 1)[1]) if stored else 0
        self.last[prefix] += 1
        return f"{prefix}{self.last[prefix]:07d}"


def synthesize(matters: int, counties: int = 1, batch: int = 2000, say=print) -> dict:
    """Grow the ledger to ``matters`` matters over ``counties`` counties; returns what was written."""
    roots = list(Area.objects.filter(level=AreaLevel.COUNTY, parent__isnull=True).order_by("pk"))
    if not roots or not User.objects.filter(is_demo=True).exists():
        raise SynthError("数据库中没有示范县：请先运行 anju load-demo。")
    county = roots[0]
    if Area.objects.filter(code__startswith="S01").exists():
        raise SynthError("数据库中已有合成数据：请在新的数据库上运行。")
    source = list(
        Matter.objects.filter(area__path__startswith=county.path, merged_into__isnull=True).order_by("pk")
    )
    if not source:
        raise SynthError("示范县没有事项。")
    started = time.monotonic()
    copies = [Copies(0)] + [_copy_county(county, index) for index in range(1, counties)]
    say(f"区域、单位和用户：{counties} 个县（复制 {counties - 1} 个），{time.monotonic() - started:.0f} 秒")

    source_ids = [m.pk for m in source]
    reports = defaultdict(list)
    for report in Report.objects.filter(matter_id__in=source_ids):
        reports[report.matter_id].append(report)
    children = {model: defaultdict(list) for model, _users in CHILDREN}
    for model, _users in CHILDREN:
        for row in model.objects.filter(matter_id__in=source_ids).order_by("pk"):
            children[model][row.matter_id].append(row)
    area_codes = dict(Area.objects.values_list("pk", "code"))

    to_make = max(0, matters - Matter.objects.count())
    numbers = NumberSequence()
    used_codes: set[str] = set()
    written = defaultdict(int)
    for start in range(0, to_make, batch):
        with transaction.atomic():
            plan = []
            for i in range(start, min(start + batch, to_make)):
                original = source[i % len(source)]
                target = copies[(i // len(source)) % counties]
                row = _row(original) | {
                    "area_id": target.areas.get(original.area_id, original.area_id),
                    "handling_area_id": target.areas.get(
                        original.handling_area_id, original.handling_area_id
                    ),
                    "responsible_unit_id": target.units.get(
                        original.responsible_unit_id, original.responsible_unit_id
                    ),
                    "merged_into_id": None,
                    "version": 1,
                }
                for name in MATTER_USER_FIELDS:
                    row[f"{name}_id"] = target.user(row[f"{name}_id"])
                row["number"] = numbers.next(area_codes[row["area_id"]], original.registered_at.year)
                plan.append((original, target, Matter(**row)))
            created = Matter.objects.bulk_create([matter for _o, _t, matter in plan])
            written["matters"] += len(created)
            new_reports, new_children = [], defaultdict(list)
            for (original, target, _m), matter in zip(plan, created, strict=True):
                for report in reports[original.pk]:
                    code = receipts.new_code()
                    while code in used_codes:
                        code = receipts.new_code()
                    used_codes.add(code)
                    new_reports.append(
                        Report(
                            **_row(report)
                            | {
                                "matter_id": matter.pk,
                                "receipt_code": code,
                                "idempotency_key": None,
                                "area_id": target.areas.get(report.area_id, report.area_id),
                                "created_by_id": target.user(report.created_by_id),
                                "version": 1,
                            }
                        )
                    )
                for model, user_fields in CHILDREN:
                    for child in children[model][original.pk]:
                        row = _row(child) | {"matter_id": matter.pk}
                        for name in user_fields:
                            row[f"{name}_id"] = target.user(row[f"{name}_id"])
                        new_children[model].append(model(**row))
            Report.objects.bulk_create(new_reports, batch_size=1000)
            written["reports"] += len(new_reports)
            for model, rows in new_children.items():
                model.objects.bulk_create(rows, batch_size=2000)
                written[model._meta.model_name] += len(rows)
        done = min(start + batch, to_make)
        rate = done / max(time.monotonic() - started, 1e-9)
        say(f"事项 {done:,}/{to_make:,}（{rate:,.0f} 件/秒）")
    written["seconds"] = round(time.monotonic() - started, 1)
    return dict(written)
