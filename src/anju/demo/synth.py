"""`anju synth`: a large installation for the platform benchmark (bench/bench_platform.py), grown from the demo.

Every matter of the demo county — with its intake report, parties, timeline, mediation sessions, follow-up
visits, gradings and supervision notes — is copied until the ledger holds ``matters`` matters, spread over
``counties`` counties: the demo county and ``counties − 1`` copies of its area tree (boundaries shifted east on
the map), units and users. Copies keep the demo's distributions — domains, levels, statuses, villages, weeks,
seasons — because they are the demo's own rows, in the same village and week as their original. Stored text
and encrypted personal data are copied as stored (the same field keys read them), so nothing is re-encrypted.
Each county copy also gets the demo county's 排查 (cadences, rounds, returns with their lines, linked to the
copies of the matters they list) and its early-warning signals.

The rows are written by the database (``demo/synth_bulk.py``: one ``INSERT … SELECT`` per table and batch,
the batch's plan loaded by ``COPY`` on PostgreSQL). On PostgreSQL the whole run is one transaction, in which
the written tables' foreign keys and plain indexes are dropped and added back (keys validated); on SQLite (small runs) each batch is
one. No actions, no audit lines, no notifications: this builds data to measure anju at scale, never a real
installation (it refuses a database without the demo).
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict
from contextlib import nullcontext

from django.db import transaction
from django.utils import timezone

from anju.core.models import Area, AreaLevel, Unit, User
from anju.demo import synth_bulk as bulk
from anju.demo.synth_county import copy_screening, copy_signals
from anju.intake.models import Report
from anju.intake.receipts import ALPHABET, BODY_LENGTH
from anju.matters.models import (
    FollowUpVisit,
    Grading,
    Matter,
    MatterEvent,
    MatterParty,
    MediationSession,
    SupervisionNote,
)

# the matter's dependants copied with it (their users, areas and units are the county copy's)
CHILDREN = (MatterParty, MatterEvent, MediationSession, FollowUpVisit, Grading, SupervisionNote)
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
    for unit in Unit.objects.filter(area__path__startswith=county.path).prefetch_related("domains"):
        copy = Unit.objects.create(**_row(unit) | {"area_id": copies.areas[unit.area_id]})
        copy.domains.set(unit.domains.all())  # the domains a unit handles route matters to it
        copies.units[unit.pk] = copy.pk
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


class ReceiptCodes:
    """Receipt codes for the report copies: random, valid (``intake.receipts``' alphabet and check
    character), and distinct from each other and from the codes already stored."""

    def __init__(self):
        self.used = {self._value(code) for code in Report.objects.values_list("receipt_code", flat=True)}

    @staticmethod
    def _value(code: str) -> int | None:
        if len(code) != BODY_LENGTH + 1 or any(c not in ALPHABET for c in code):
            return None
        return sum(ALPHABET.index(c) << (5 * j) for j, c in enumerate(code[:BODY_LENGTH]))

    def next(self) -> str:
        value = secrets.randbits(5 * BODY_LENGTH)
        while value in self.used:
            value = secrets.randbits(5 * BODY_LENGTH)
        self.used.add(value)
        digits = [(value >> (5 * j)) & 31 for j in range(BODY_LENGTH)]
        check = sum((j + 1) * digit for j, digit in enumerate(digits)) % len(ALPHABET)
        return "".join(ALPHABET[d] for d in digits) + ALPHABET[check]


def synthesize(matters: int, counties: int = 1, batch: int = 10000, say=print) -> dict:
    """Grow the ledger to ``matters`` matters over ``counties`` counties; returns what was written."""
    roots = list(Area.objects.filter(level=AreaLevel.COUNTY, parent__isnull=True).order_by("pk"))
    if not roots or not User.objects.filter(is_demo=True).exists():
        raise SynthError("数据库中没有示范县：请先运行 anju load-demo。")
    county = roots[0]
    if Area.objects.filter(code__startswith="S01").exists():
        raise SynthError("数据库中已有合成数据：请在新的数据库上运行。")
    source = list(
        Matter.objects.filter(area__path__startswith=county.path, merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", "area_id", "registered_at")
    )
    if not source:
        raise SynthError("示范县没有事项。")
    started = time.monotonic()
    with transaction.atomic():
        copies = [Copies(0)] + [_copy_county(county, index) for index in range(1, counties)]
    say(f"区域、单位和用户：{counties} 个县（复制 {counties - 1} 个），{time.monotonic() - started:.0f} 秒")

    source_ids = [pk for pk, _area, _registered in source]
    reports = defaultdict(list)
    for pk, matter_id in (
        Report.objects.filter(matter_id__in=source_ids).order_by("pk").values_list("pk", "matter_id")
    ):
        reports[matter_id].append(pk)
    area_codes = dict(Area.objects.values_list("pk", "code"))
    to_make = max(0, matters - Matter.objects.count())
    numbers = NumberSequence()
    codes = ReceiptCodes()
    first_copies = defaultdict(dict)  # county → demo matter id → its first copy there (for 排查 links)
    written = defaultdict(int)
    now = timezone.now()
    tables = (Matter, Report, *CHILDREN)
    # One transaction on PostgreSQL: the foreign keys and plain indexes are dropped and added back (the keys
    # validated) in it, so no one ever sees copies unchecked; SQLite (small runs) commits batch by batch.
    with transaction.atomic() if bulk.is_postgresql() else nullcontext():
        set_aside = bulk.set_aside_checks(tables)
        bulk.create_work_tables(source_ids, tables)
        bulk.load_maps(copies[1:])
        for start in range(0, to_make, batch):
            size = min(batch, to_make - start)
            with transaction.atomic():
                plan, receipt_rows = [], []
                for offset, new_id in enumerate(bulk.allocate_ids(Matter, size)):
                    i = start + offset
                    pk, area_id, registered_at = source[i % len(source)]
                    target = copies[(i // len(source)) % counties]
                    area = target.areas.get(area_id, area_id)
                    plan.append(
                        (new_id, pk, target.index, numbers.next(area_codes[area], registered_at.year))
                    )
                    receipt_rows.extend(
                        (new_id, report, target.index, codes.next()) for report in reports[pk]
                    )
                    if target.index and i // len(source) < counties:
                        first_copies[target.index][pk] = new_id
                bulk.load_plan(plan, receipt_rows)
                for name, count in _write_batch(tables, now).items():
                    written[name] += count
            done = start + size
            rate = done / max(time.monotonic() - started, 1e-9)
            say(f"事项 {done:,}/{to_make:,}（{rate:,.0f} 件/秒）")
        for copy in copies[1:]:
            for name, count in copy_screening(county, copy, first_copies[copy.index]).items():
                written[name] += count
            written["signal"] += copy_signals(county, copy)
        if counties > 1:
            say(f"排查与预警信号：复制到 {counties - 1} 个县")
        bulk.drop_work_tables(tables)
        if set_aside:
            checking = time.monotonic()
            bulk.restore_checks(set_aside)
            say(f"索引与外键约束：{len(set_aside)} 个已重建并校验，{time.monotonic() - checking:.0f} 秒")
    if bulk.is_postgresql():
        bulk.analyze(tables)  # the planner's statistics of the grown tables, for what is measured next
    written["seconds"] = round(time.monotonic() - started, 1)
    return dict(written)


def _write_batch(tables, now) -> dict[str, int]:
    """The batch's copies, table by table, from the plan just loaded."""
    written = {}
    for model in tables:
        name = model._meta.model_name
        if model is Matter:
            fixed = {"id": "p.new_id", "number": "p.number", "merged_into_id": "NULL", "version": "1"}
            written["matters"] = bulk.insert_select(
                model,
                source=bulk.source_table(model),
                plan=bulk.PLAN,
                join_on="s.id = p.src_id",
                fixed=fixed,
                now=now,
                order="p.new_id",
            )
        elif model is Report:
            fixed = {
                "matter_id": "p.new_id",
                "receipt_code": "p.code",
                "idempotency_key": "NULL",
                "version": "1",
            }
            written["reports"] = bulk.insert_select(
                model,
                source=bulk.source_table(model),
                plan=bulk.RECEIPTS,
                join_on="s.id = p.src_id",
                fixed=fixed,
                now=now,
                order="p.new_id, s.id",
            )
        else:
            written[name] = bulk.insert_select(
                model,
                source=bulk.source_table(model),
                plan=bulk.PLAN,
                join_on="s.matter_id = p.src_id",
                fixed={"matter_id": "p.new_id"},
                now=now,
                order="p.new_id, s.id",
            )
    return written
