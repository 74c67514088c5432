"""The hash chain that makes the audit log tamper-evident, and its verification.

Event ``seq`` stores ``prev_hash`` (the ``hash`` of event ``seq - 1``; 64 zeros for the first event) and
``hash`` = SHA-256 over sorted-key JSON of its content fields and ``prev_hash``. Editing an event changes
its hash; deleting one leaves a gap in ``seq`` and a ``prev_hash`` that points at nothing; moving one
breaks the links on both sides. Deleting the newest events leaves a shorter chain that is still intact:
``verify`` prints the count and the newest hash so that they can be noted outside the system and compared.

Events are linked after their transaction commits, in batches (``link_pending``): ``audit.append`` inserts
the event with ``seq``, ``prev_hash`` and ``hash`` empty in the caller's transaction and registers
``link_after_commit``; the worker links what a process that died in between left behind. So no writer holds
the chain's lock for the length of its own transaction: the lock is held only by the short linking
transaction. Until linked (normally milliseconds), an event is protected by the triggers alone; ``verify``
reports events left unlinked longer than ``LINK_GRACE``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

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
# An event is linked right after its transaction commits; one still unlinked after this long was left behind
# (its process died between the commit and the link) and ``verify`` reports it until the worker links it.
LINK_GRACE = dt.timedelta(minutes=5)


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


# One linker at a time in this process: a thread that finds another linking leaves its events to it.
_LINKING = threading.Lock()


def _take_the_chain_lock(wait: bool) -> bool:
    """Serialise the linkers across processes. PostgreSQL: a transaction-level advisory lock (without
    ``wait``: only if free). SQLite: anju opens every transaction IMMEDIATE (settings), which takes the
    database's write lock at BEGIN, so linkers (and every other writer) already run one at a time."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        return cursor.fetchone()[0]


def link_pending(model=None, *, wait: bool = True, chunk: int = 1000, rounds: int = 20) -> int:
    """Give every committed event that has no place in the chain yet its ``seq``, ``prev_hash`` and ``hash``.

    One short transaction under the chain's lock: read the head, number the unlinked events in id order after
    it and write their links, again until none is left (or ``rounds`` chunks, to keep the lock short). It
    links all that is pending, so under load one call links the events of many requests. Without ``wait``
    (after a commit) it returns at once when another linker holds the lock: that one, the next commit's
    linker or the worker links these events too. Events of transactions still open are invisible to it.
    Returns how many it linked.
    """
    if model is None:
        from anju.core.models import AuditEvent as model
    if not _LINKING.acquire(blocking=wait):
        return 0
    try:
        with transaction.atomic():
            if not _take_the_chain_lock(wait):
                return 0
            return _link_under_lock(model, chunk, rounds)
    finally:
        _LINKING.release()


def _link_under_lock(model, chunk: int, rounds: int) -> int:
    fields = ("id", *(name for name in CHAINED_FIELDS if name != "seq"))
    head = model.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (0, GENESIS) if head is None else head
    linked = 0
    # Read again after each chunk: an event committed meanwhile (even with a lower id) is linked in this call.
    for _round in range(rounds):
        rows = list(model.objects.filter(seq__isnull=True).order_by("id").values(*fields)[:chunk])
        if not rows:
            break
        links = []
        for row in rows:
            seq += 1
            row["seq"] = seq
            digest = event_hash(row, prev_hash)
            links.append(model(id=row["id"], seq=seq, prev_hash=prev_hash, hash=digest))
            prev_hash = digest
        # The guard's triggers let exactly this through: an unlinked event's three chain fields, nothing else.
        model.objects.bulk_update(links, ["seq", "prev_hash", "hash"], batch_size=500)
        linked += len(rows)
    return linked


def link_after_commit() -> None:
    """``transaction.on_commit`` callback of ``audit.append``: link what the committed transaction wrote,
    unless another linker is at work (it, the next commit's or the worker's pass links it then)."""
    link_pending(wait=False)


@dataclass
class ChainReport:
    checked: int  # events read
    head_seq: int | None  # the newest event's seq
    head_hash: str  # the newest event's hash
    problem: str | None  # the first broken or missing link, in words
    problem_seq: int | None  # where it is
    unlinked: int = 0  # events not yet linked (committed within LINK_GRACE, or left behind)

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify(model=None, *, now: dt.datetime | None = None) -> ChainReport:
    """Walk the chain in ``seq`` order and report its first broken or missing link; then report events that
    are still unlinked ``LINK_GRACE`` after they were written. Links nothing itself (``anju audit verify``
    runs ``link_pending`` first)."""
    if model is None:
        from anju.core.models import AuditEvent as model
    report = _walk(model)
    report.unlinked = model.objects.filter(seq__isnull=True).count()
    if report.intact and report.unlinked:
        cutoff = (now or timezone.now()) - LINK_GRACE
        stale = model.objects.filter(seq__isnull=True, at__lt=cutoff).count()
        if stale:
            minutes = int(LINK_GRACE.total_seconds() // 60)
            report.problem = f"{stale} 条记录超过 {minutes} 分钟仍未入链"
    return report


def _walk(model) -> ChainReport:
    expected_seq, expected_prev, checked, head_hash = 1, GENESIS, 0, GENESIS
    fields = ("id", "hash", "prev_hash", *CHAINED_FIELDS)
    linked = model.objects.filter(seq__isnull=False).order_by("seq")
    for row in linked.values(*fields).iterator(chunk_size=2000):
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
