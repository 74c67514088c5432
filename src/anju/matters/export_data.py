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

from django.db.models import QuerySet
from django.utils import timezone

from anju.matters.export_rows import matter_rows
from anju.matters.models import MatterKind, Satisfaction
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
SATISFACTION_CODES = frozenset(Satisfaction.values)


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


class _Labels:
    """Kind and status names in the exporter's language, translated once per export."""

    def __init__(self):
        self.kind = {value: str(label) for value, label in MatterKind.choices}
        self.status = {value: str(label) for value, label in Status.choices}


def row(matter: dict, labels: _Labels) -> dict:
    """One matter (a row of ``export_rows.matter_rows``) as the schema's fields (JSON types: numbers,
    booleans, null for an empty date)."""
    return {
        "number": matter["number"],
        "kind": matter["kind"],
        "kind_label": labels.kind.get(matter["kind"], matter["kind"]),
        "domain_code": matter["domain__code"],
        "domain_name": matter["domain__name"],
        "area_code": matter["area_code"],
        "area_name": matter["area_name"],
        "village": matter["village"],
        "town": matter["town"],
        "title": matter["title"],
        "description": matter["description"],
        "parties": matter["parties"],
        "people_involved": matter["people_involved"],
        "amount_involved": f"{matter['amount_involved']:.2f}",
        "inherent_level": matter["inherent_level"],
        "residual_level": matter["residual_level"],
        "status": matter["status"],
        "status_label": labels.status.get(matter["status"], matter["status"]),
        "is_overdue": matter["is_overdue"],
        "occurred_at": _iso(matter["occurred_at"]),
        "registered_at": _iso(matter["registered_at"]),
        "deadline": matter["deadline"].isoformat() if matter["deadline"] else None,
        "resolved_at": _iso(matter["resolved_at"]),
        "responsible_unit": matter["responsible_unit__name"] or "",
        "outcome": matter["outcome"],
        "satisfaction": matter["satisfaction"] if matter["satisfaction"] in SATISFACTION_CODES else "",
    }


def rows(matters: QuerySet) -> Iterator[dict]:
    """``matters`` (already scoped and filtered) as rows, oldest first, read in chunks with their parties."""
    labels = _Labels()
    for matter in matter_rows(matters.order_by("registered_at", "id"), chunk=CHUNK):
        yield row(matter, labels)


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
