"""Candidate matters that a report may repeat (重复反映), with one similarity score.

**The score** is the Jaccard similarity of the two texts' character bigrams (after ``anju.text``'s
normalisation: simplified characters, half-width, no spaces or punctuation), 0 (nothing shared) to 1 (the
same text). Two sources find candidates, and both give this same score for the same pair, so they can be
merged and ranked together:

- the open matters of the report's village (and domain, when the report has one), compared one by one;
- a MinHash/LSH index over the newest ``INDEX_SIZE`` matters of the whole ledger, which finds candidates
  without comparing them all and then scores them exactly.

**The threshold** ``MIN_SIMILARITY`` = 0.3: hand-written repeats of one complaint in other words score
about 0.4 and up, while two different complaints from one village that share its name and the usual
phrasing (村民反映…) score about 0.2 (``tests/intake/test_duplicates.py``). With 64 bands of 2 rows, a
pair at 0.3 is found by the index with probability 0.998 (0.9 at 0.2).

The index is built once per process (at start-up by ``anju serve``'s warm-up) and then kept current
incrementally: each use adds the matters created or edited since the last one (``updated_at``), so no
request rebuilds it.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from anju.core.models import AreaLevel
from anju.core.scoping import scoped
from anju.matters.models import Matter
from anju.text.dedup import DuplicateIndex, jaccard, shingles

MAX_COMPARED = 300
MIN_SIMILARITY = 0.3
SHINGLE_CHARS = 2  # character bigrams: most Chinese words are two characters long
INDEX_SIZE = 20_000
# A matter saved in a transaction that commits after a later one is read again within this margin.
REFRESH_MARGIN = dt.timedelta(minutes=2)
FIELDS = ("id", "title", "description", "updated_at")
REFRESH_CHUNK = 500


@dataclass(frozen=True)
class Candidate:
    matter: Matter
    score: float


def matter_text(title: str, description: str) -> str:
    return f"{title}。{description}"


def similarity(a: str, b: str) -> float:
    """The duplicate score of two texts (see the module docstring), 0..1."""
    return jaccard(shingles(a, SHINGLE_CHARS), shingles(b, SHINGLE_CHARS))


class LedgerIndex:
    """The near-duplicate index over the ledger, kept current by reading only what changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: DuplicateIndex | None = None
        self._seen: dt.datetime | None = None
        self._versions: dict[int, dt.datetime] = {}  # matter → the change the index holds
        self.builds = 0  # whole builds in this process (one, unless cleared)

    def clear(self) -> None:
        with self._lock:
            self._index, self._seen, self._versions, self.builds = None, None, {}, 0

    def _add(self, rows) -> None:
        for pk, title, description, updated_at in rows:
            self._index.add(pk, matter_text(title, description))  # re-adding replaces the old text
            self._versions[pk] = updated_at
            if self._seen is None or updated_at > self._seen:
                self._seen = updated_at

    def _refresh(self) -> None:
        """Index the matters changed since the newest change seen (less a margin) whose change is new to
        the index. Only ids and times are read for those it holds already (a burst of imported matters
        stays in the margin for a while)."""
        recent = Matter.objects.filter(updated_at__gte=self._seen - REFRESH_MARGIN).values_list(
            "id", "updated_at"
        )
        changed = [pk for pk, updated_at in recent if self._versions.get(pk) != updated_at]
        for start in range(0, len(changed), REFRESH_CHUNK):
            self._add(
                Matter.objects.filter(pk__in=changed[start : start + REFRESH_CHUNK]).values_list(*FIELDS)
            )

    def current(self) -> DuplicateIndex:
        with self._lock:
            if self._index is None:
                self._index, self._versions = DuplicateIndex(k=SHINGLE_CHARS, num_perm=128, bands=64), {}
                self.builds += 1
                self._add(Matter.objects.order_by("-id").values_list(*FIELDS)[:INDEX_SIZE])
            elif self._seen is not None:
                self._refresh()
            else:  # an empty ledger when it was built
                self._add(Matter.objects.values_list(*FIELDS)[:INDEX_SIZE])
            return self._index

    def query(self, text: str, *, limit: int, exclude: int | None = None) -> list[tuple[int, float]]:
        index = self.current()
        with self._lock:
            return index.query(text, MIN_SIMILARITY, limit=limit, exclude=exclude)


ledger_index = LedgerIndex()


def similar_matters(user, text: str, *, exclude: int | None = None, limit: int = 5) -> list[Candidate]:
    """Matters in ``user``'s scope whose text is like ``text`` (the typing panel), most similar first.
    Without a user nothing is looked up: nobody would be shown the hits."""
    if user is None or not (text or "").strip():
        return []
    hits = ledger_index.query(text, limit=10, exclude=exclude)
    visible = {m.pk: m for m in scoped(user, Matter).filter(pk__in=[pk for pk, _ in hits])}
    return [Candidate(visible[pk], round(score, 2)) for pk, score in hits if pk in visible][:limit]


def _village_of(area):
    if area.level <= AreaLevel.VILLAGE:
        return area
    return next((a for a in reversed(area.ancestors()) if a.level == AreaLevel.VILLAGE), area)


def candidates(user, report, limit: int = 5) -> list[Candidate]:
    """Open matters the user may see that the report may repeat, most similar first."""
    village = _village_of(report.area)
    matters = scoped(user, Matter).open().filter(area__path__startswith=village.path)
    if report.suggested_domain_id:
        matters = matters.filter(domain_id=report.suggested_domain_id)
    report_text = matter_text(report.title, report.text)
    report_shingles = shingles(report_text, SHINGLE_CHARS)
    best: dict[int, Candidate] = {}
    for matter in matters.select_related("domain", "area").order_by("-registered_at")[:MAX_COMPARED]:
        score = jaccard(
            report_shingles, shingles(matter_text(matter.title, matter.description), SHINGLE_CHARS)
        )
        if score >= MIN_SIMILARITY:
            best[matter.pk] = Candidate(matter, round(score, 2))
    for candidate in similar_matters(user, report_text, limit=10):
        if candidate.matter.is_open and candidate.matter.pk not in best:
            best[candidate.matter.pk] = candidate  # the same score as the village's comparison would give
    return sorted(best.values(), key=lambda c: c.score, reverse=True)[:limit]
