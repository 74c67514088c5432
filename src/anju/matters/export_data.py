"""The ledger for other systems: CSV and JSON rows of the documented schema ``anju.matter/1`` (docs/exports.md).

Rows are written while they are read (``QuerySet.iterator``), so the whole ledger streams in bounded memory.
Parties are masked exactly as the ledger shows them (``MatterParty.masked_name``: 张三丰 → 张**); phone and ID
numbers are never exported. The description is the ledger's, stored with typed personal numbers masked.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from anju.core.models import AreaLevel
from anju.matters.export import _Places
from anju.matters.models import MatterKind, MatterParty, Satisfaction
from anju.matters.workflow import Status

SCHEMA = "anju.matter/1"
CHUNK = 500  # rows read per query: memory stays bounded whatever the ledger's size


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string, integer, decimal, boolean, date, datetime
    description: str


FIELDS = [
    Field("number", "string", "the matter's number, unique"),
    Field("kind", "string", "kind code (dispute, risk, …)"),
    Field("kind_label", "string", "kind name, in the exporter's language"),
    Field("domain_code", "string", "risk domain code (core/data/domains.json)"),
    Field("domain_name", "string", "risk domain name (Chinese)"),
    Field("area_code", "string", "code of the area where it happened (12 digits)"),
    Field("area_name", "string", "name of that area"),
    Field("village", "string", "its village or community"),
    Field("town", "string", "its town or subdistrict"),
    Field("title", "string", "title"),
    Field("description", "string", "description, phone and ID numbers typed into it masked"),
    Field(
        "parties",
        "string",
        "parties: role and masked name, separated by a full-width semicolon (organisations unmasked)",
    ),
    Field("people_involved", "integer", "people involved"),
    Field("amount_involved", "decimal", "amount involved in yuan, two decimals"),
    Field("inherent_level", "string", "risk level code (empty: not graded)"),
    Field("residual_level", "string", "residual risk level code"),
    Field("status", "string", "status code"),
    Field("status_label", "string", "status name, in the exporter's language"),
    Field("is_overdue", "boolean", "overdue at the time of export"),
    Field("occurred_at", "datetime", "when it happened or was received, ISO 8601 with offset"),
    Field("registered_at", "datetime", "when it was registered"),
    Field("deadline", "date", "deadline (null: none)"),
    Field("resolved_at", "datetime", "when it was resolved (null: not resolved)"),
    Field("responsible_unit", "string", "responsible unit"),
    Field("outcome", "string", "outcome as recorded"),
    Field("satisfaction", "string", "satisfaction code of the follow-up visit"),
]
FIELD_NAMES = [f.name for f in FIELDS]


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def row(matter, places: _Places) -> dict:
    """One matter as the schema's fields (JSON types: numbers, booleans, null for an empty date)."""
    return {
        "number": matter.number,
        "kind": matter.kind,
        "kind_label": _label(MatterKind, matter.kind),
        "domain_code": matter.domain.code,
        "domain_name": matter.domain.name,
        "area_code": matter.area.code,
        "area_name": matter.area.name,
        "village": places.at_level(matter.area, AreaLevel.VILLAGE),
        "town": places.at_level(matter.area, AreaLevel.TOWN),
        "title": matter.title,
        "description": matter.description,
        "parties": "；".join(
            f"{p.get_role_display()} {p.masked_name}" for p in matter.parties.all() if p.name
        ),
        "people_involved": matter.people_involved,
        "amount_involved": f"{matter.amount_involved:.2f}",
        "inherent_level": matter.inherent_level,
        "residual_level": matter.residual_level,
        "status": matter.status,
        "status_label": _label(Status, matter.status),
        "is_overdue": matter.is_overdue,
        "occurred_at": _iso(matter.occurred_at),
        "registered_at": _iso(matter.registered_at),
        "deadline": matter.deadline.isoformat() if matter.deadline else None,
        "resolved_at": _iso(matter.resolved_at),
        "responsible_unit": matter.responsible_unit.name if matter.responsible_unit_id else "",
        "outcome": matter.outcome,
        "satisfaction": matter.satisfaction if matter.satisfaction in Satisfaction.values else "",
    }


def rows(matters: QuerySet) -> Iterator[dict]:
    """``matters`` (already scoped and filtered) as rows, read in chunks with their parties."""
    parties = Prefetch(
        "parties", queryset=MatterParty.objects.only("id", "matter_id", "role", "name", "is_organisation")
    )
    places = _Places()
    qs = matters.select_related("domain", "area", "responsible_unit").prefetch_related(parties)
    for matter in qs.order_by("registered_at", "id").iterator(chunk_size=CHUNK):
        yield row(matter, places)


class _Line:
    """A file-like object whose ``write`` returns what was written, for ``csv.writer`` line by line."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_lines(matters: QuerySet) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark (Excel opens it in Chinese), a header of the field names."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(FIELD_NAMES)
    for item in rows(matters):
        yield writer.writerow([_csv_value(item[name]) for name in FIELD_NAMES])


def json_chunks(matters: QuerySet) -> Iterator[str]:
    """``{"schema": "anju.matter/1", "exported_at": …, "matters": [ … ]}``, the array written row by row."""
    head = {"schema": SCHEMA, "exported_at": _iso(timezone.now())}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "matters": ['
    first = True
    for item in rows(matters):
        yield ("" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "]}\n"
