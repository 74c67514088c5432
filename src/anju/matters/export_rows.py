"""The ledger's rows as the exports read them: plain values, no model instances, in bounded memory.

Both the .xlsx 台账 (``export.py``) and the CSV/JSON rows for other systems (``export_data.py``) read here.
Matters are read with ``values()`` in chunks (a server-side cursor on PostgreSQL), their parties with one
statement per chunk, already masked; names of places and labels come from dicts built once per export. At
1,000,000 matters this keeps memory to one chunk and the work per row to a few dict look-ups (building model
instances, with their signals and per-row translations, was most of an export's time).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from anju.core.crypto import mask_name
from anju.core.models import Area, AreaLevel
from anju.matters.models import MatterParty, PartyRole
from anju.matters.workflow import DEADLINE_STATUSES

CHUNK = 500  # matters read per round trip (and parties per statement): memory stays bounded

FIELDS = (
    "id",
    "number",
    "kind",
    "domain__code",
    "domain__name",
    "area_id",
    "title",
    "description",
    "people_involved",
    "amount_involved",
    "inherent_level",
    "residual_level",
    "status",
    "occurred_at",
    "registered_at",
    "deadline",
    "resolved_at",
    "responsible_unit__name",
    "responsible_person__display_name",
    "responsible_person__username",
    "outcome",
    "satisfaction",
)


class Places:
    """Every area's code and name, and its village and town names from its materialised path: one query."""

    def __init__(self):
        areas = list(Area.objects.values_list("pk", "code", "name", "level", "path"))
        by_code = {code: (name, level) for _pk, code, name, level, _path in areas}

        def at_level(path: str, wanted: int) -> str:
            for code in path.strip("/").split("/"):
                name, level = by_code.get(code, ("", None))
                if level == wanted:
                    return name
            return ""

        self.by_id = {
            pk: (code, name, at_level(path, AreaLevel.VILLAGE), at_level(path, AreaLevel.TOWN))
            for pk, code, name, _level, path in areas
        }

    def of(self, area_id: int) -> tuple[str, str, str, str]:
        """(code, name, village, town) of the area."""
        return self.by_id.get(area_id, ("", "", "", ""))


def _parties_of(ids: list[int]) -> dict[int, str]:
    """The parties of these matters as the ledger shows them: role and masked name (organisations unmasked),
    joined by a full-width semicolon, in the order they were added."""
    roles = {value: str(label) for value, label in PartyRole.choices}
    out: dict[int, list[str]] = defaultdict(list)
    rows = (
        MatterParty.objects.filter(matter_id__in=ids)
        .order_by("matter_id", "id")
        .values_list("matter_id", "role", "name", "is_organisation")
    )
    for matter_id, role, name, organisation in rows:
        if name:
            out[matter_id].append(f"{roles.get(role, role)} {name if organisation else mask_name(name)}")
    return {matter_id: "；".join(parts) for matter_id, parts in out.items()}


def matter_rows(matters: QuerySet, *, chunk: int = CHUNK) -> Iterator[dict]:
    """``matters`` (already scoped, filtered and ordered) as dicts of ``FIELDS`` plus ``parties`` (masked,
    see ``_parties_of``), ``is_overdue`` (as the ledger shows it today), ``area_code``, ``area_name``,
    ``village`` and ``town``; read ``chunk`` at a time."""
    places = Places()
    today = timezone.localdate()
    batch: list[dict] = []

    def flush() -> Iterator[dict]:
        parties = _parties_of([row["id"] for row in batch])
        for row in batch:
            row["parties"] = parties.get(row["id"], "")
            row["area_code"], row["area_name"], row["village"], row["town"] = places.of(row["area_id"])
            deadline: dt.date | None = row["deadline"]
            row["is_overdue"] = bool(deadline and row["status"] in DEADLINE_STATUSES and deadline < today)
            yield row

    for row in matters.values(*FIELDS).iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) >= chunk:
            yield from flush()
            batch = []
    if batch:
        yield from flush()
