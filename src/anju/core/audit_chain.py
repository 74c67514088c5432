"""The hash chain that makes the audit log tamper-evident, and its verification.

Event ``seq`` stores ``prev_hash`` (the ``hash`` of event ``seq - 1``; 64 zeros for the first event) and
``hash`` = SHA-256 over sorted-key JSON of its content fields and ``prev_hash``. Editing an event changes
its hash; deleting one leaves a gap in ``seq`` and a ``prev_hash`` that points at nothing; moving one
breaks the links on both sides. Deleting the newest events leaves a shorter chain that is still intact:
``verify`` prints the count and the newest hash so that they can be noted outside the system and compared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import connection

GENESIS = "0" * 64
# The fields a hash covers, besides prev_hash. Changing this list changes every hash: never reorder or drop.
CHAINED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "area_id",
    "before",
    "after",
    "note",
)
# Any fixed 64-bit number; names the advisory lock that serialises writers on PostgreSQL.
ADVISORY_LOCK_KEY = 0x616E6A7541554454  # "anjuAUDT"


def normalised_json(value):
    """``value`` as it reads back from a JSON column, so that its hash is the same before and after storing."""
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False))


def _timestamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(values: dict, prev_hash: str) -> str:
    """SHA-256 (hex) of the canonical form of one event's ``CHAINED_FIELDS`` values and ``prev_hash``."""
    content = {name: values[name] for name in CHAINED_FIELDS}
    content["at"] = _timestamp(content["at"])
    content["prev_hash"] = prev_hash
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def values_of(event) -> dict:
    return {name: getattr(event, name) for name in CHAINED_FIELDS}


def next_link(model) -> tuple[int, str]:
    """The ``seq`` and ``prev_hash`` of the next event. Call inside the transaction that writes it.

    Writers must not read the same newest event, or the chain would fork. PostgreSQL: a transaction-level
    advisory lock, held until the writer commits. SQLite: anju opens every transaction IMMEDIATE (settings),
    which takes the database's write lock at BEGIN, so writers already run one at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
    last = model.objects.order_by("-seq").values_list("seq", "hash").first()
    return (1, GENESIS) if last is None else (last[0] + 1, last[1])


@dataclass
class ChainReport:
    checked: int  # events read
    head_seq: int | None  # the newest event's seq
    head_hash: str  # the newest event's hash
    problem: str | None  # the first broken or missing link, in words
    problem_seq: int | None  # where it is

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify(model=None) -> ChainReport:
    """Walk the chain in ``seq`` order and report its first broken or missing link."""
    if model is None:
        from anju.core.models import AuditEvent as model
    expected_seq, expected_prev, checked, head_hash = 1, GENESIS, 0, GENESIS
    fields = ("id", "hash", "prev_hash", *CHAINED_FIELDS)
    for row in model.objects.order_by("seq").values(*fields).iterator(chunk_size=2000):
        seq = row["seq"]
        if seq != expected_seq:
            missing = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}–{seq - 1}"
            return ChainReport(
                checked, seq, head_hash, f"缺少第 {missing} 条（记录被删除），链在此断开", expected_seq
            )
        if row["prev_hash"] != expected_prev:
            return ChainReport(
                checked,
                seq,
                head_hash,
                f"第 {seq} 条（id {row['id']}）的前序哈希与第 {seq - 1} 条不符（顺序被改动，或前一条被替换）",
                seq,
            )
        if event_hash(row, row["prev_hash"]) != row["hash"]:
            return ChainReport(
                checked, seq, head_hash, f"第 {seq} 条（id {row['id']}）的内容与其哈希不符（记录被修改）", seq
            )
        checked += 1
        expected_seq, expected_prev, head_hash = seq + 1, row["hash"], row["hash"]
    return ChainReport(checked, expected_seq - 1 or None, head_hash, None, None)
