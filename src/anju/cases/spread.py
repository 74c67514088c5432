"""Risk spread (风险传导): where risk moved from one matter to a later one in another domain or area.

Computation only; writes nothing. A *step* joins two matters that belong together: a typed link between them
(引发 led_to, 关联 related, 同源 same_source — 复发 joins a matter to its own recurrence, which is no spread),
or two consecutive matters of one case, ordered by registration time. Every step is read from the earlier
registered matter to the later one (ties by number), whatever the link's direction, because what is asked is
where the risk went next. A step is a *crossing* when the two matters differ in domain, in area, or both.
One pair of matters gives at most one crossing: a link names the step better than the case order, so a link
wins over the case, and among links 引发 over 同源 over 关联.

Domains are compared as recorded on the matter (the taxonomy is flat); areas as recorded (a matter in 东一村
and one in 东二村 cross areas, one in 东一村 and one in its grid too).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.cases.models import CaseMatter
from anju.core.scoping import scoped
from anju.matters.models import Matter, MatterLink
from anju.matters.models_links import LinkKind
from anju.matters.workflow import Status

SPREAD_LINK_KINDS = (LinkKind.LED_TO, LinkKind.SAME_SOURCE, LinkKind.RELATED)
VIA_CASE = "case"
# A link names the step better than the case order; the first of this order wins for one pair of matters.
VIA_PRIORITY = {LinkKind.LED_TO: 0, LinkKind.SAME_SOURCE: 1, LinkKind.RELATED: 2, VIA_CASE: 3}
VIA_LABELS = {
    LinkKind.LED_TO: _("引发"),
    LinkKind.SAME_SOURCE: _("同源"),
    LinkKind.RELATED: _("关联"),
    VIA_CASE: _("同一专案"),
}
KIND_DOMAIN, KIND_AREA, KIND_BOTH = "domain", "area", "both"
KIND_LABELS = {KIND_DOMAIN: _("跨领域"), KIND_AREA: _("跨区域"), KIND_BOTH: _("跨领域、跨区域")}


@dataclass(frozen=True)
class Crossing:
    source: Matter  # the earlier matter
    target: Matter  # the later one, where the risk arrived
    via: str  # a LinkKind value, or VIA_CASE

    @property
    def at(self) -> dt.datetime:
        return self.target.registered_at

    @property
    def from_domain(self):
        return self.source.domain

    @property
    def to_domain(self):
        return self.target.domain

    @property
    def from_area(self):
        return self.source.area

    @property
    def to_area(self):
        return self.target.area

    @property
    def kind(self) -> str:
        domain = self.source.domain_id != self.target.domain_id
        area = self.source.area_id != self.target.area_id
        return KIND_BOTH if domain and area else KIND_DOMAIN if domain else KIND_AREA

    @property
    def crosses_domain(self) -> bool:
        return self.source.domain_id != self.target.domain_id

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def via_label(self):
        return VIA_LABELS[self.via]

    @property
    def pair(self) -> tuple[int, int]:
        return (self.source.domain_id, self.target.domain_id)


def _order_key(matter: Matter):
    return (matter.registered_at, matter.number, matter.pk)


def crossings_of(steps: Iterable[tuple[Matter, Matter, str]]) -> list[Crossing]:
    """The crossings among ``steps`` (matter, matter, via), one per pair of matters, in time order."""
    best: dict[frozenset, tuple[Matter, Matter, str]] = {}
    for a, b, via in steps:
        if a.pk == b.pk:
            continue
        key = frozenset((a.pk, b.pk))
        kept = best.get(key)
        if kept is None or VIA_PRIORITY[via] < VIA_PRIORITY[kept[2]]:
            best[key] = (a, b, via)
    found = []
    for a, b, via in best.values():
        early, late = (a, b) if _order_key(a) <= _order_key(b) else (b, a)
        if early.domain_id != late.domain_id or early.area_id != late.area_id:
            found.append(Crossing(early, late, via))
    found.sort(key=lambda c: (_order_key(c.target), _order_key(c.source)))
    return found


def _case_steps(matters_by_case: dict[int, list[Matter]]):
    for members in matters_by_case.values():
        ordered = sorted(members, key=_order_key)
        for a, b in zip(ordered, ordered[1:], strict=False):
            yield a, b, VIA_CASE


def _link_steps(links: Iterable[MatterLink]):
    for link in links:
        yield link.source, link.target, link.kind


MATTER_RELATED = ("domain", "area")


def case_steps(case) -> tuple[list[Matter], list[MatterLink]]:
    """The case's matters in time order (merged duplicates left out) and every link between two of them
    (all kinds, for drawing)."""
    matters = sorted(
        Matter.objects.filter(case_memberships__case=case)
        .exclude(status=Status.MERGED)
        .select_related(*MATTER_RELATED),
        key=_order_key,
    )
    ids = [m.pk for m in matters]
    links = list(
        MatterLink.objects.filter(source_id__in=ids, target_id__in=ids).select_related("source", "target")
    )
    return matters, links


def case_crossings(case, matters=None, links=None) -> list[Crossing]:
    """The crossings of one case: along links between its matters and between its consecutive matters."""
    if matters is None or links is None:
        matters, links = case_steps(case)
    by_pk = {m.pk: m for m in matters}
    spread_links = [
        (by_pk[link.source_id], by_pk[link.target_id], link.kind)
        for link in links
        if link.kind in SPREAD_LINK_KINDS
    ]
    return crossings_of([*spread_links, *_case_steps({case.pk: matters})])


def ledger_crossings(user, *, area=None, since: dt.date | None = None, until: dt.date | None = None):
    """Every crossing between two matters the user sees, along links and within cases, where either matter
    lies in ``area``'s subtree (None: anywhere the user sees) and the later matter was registered between
    ``since`` and ``until`` (dates, both included). Merged duplicates take no part."""
    visible = scoped(user, Matter).exclude(status=Status.MERGED)
    links = list(
        MatterLink.objects.filter(
            kind__in=SPREAD_LINK_KINDS, source__in=visible, target__in=visible
        ).select_related(*(f"{end}__{rel}" for end in ("source", "target") for rel in MATTER_RELATED))
    )
    memberships = (
        CaseMatter.objects.filter(matter__in=visible)
        .select_related(*(f"matter__{rel}" for rel in MATTER_RELATED))
        .order_by("case_id", "pk")
    )
    by_case: dict[int, list[Matter]] = defaultdict(list)
    for membership in memberships:
        by_case[membership.case_id].append(membership.matter)
    # a case step is only between matters that follow each other in the whole case: a step over a matter
    # the user does not see would invent a crossing that did not happen
    hidden = _cases_with_hidden_matters(by_case)
    steps_by_case = {pk: members for pk, members in by_case.items() if pk not in hidden}
    found = crossings_of([*_link_steps(links), *_case_steps(steps_by_case), *_visible_case_steps(hidden)])
    return [c for c in found if _within(c, area, since, until)]


def _cases_with_hidden_matters(by_case: dict[int, list[Matter]]) -> dict[int, list[Matter]]:
    if not by_case:
        return {}
    total = Counter(
        CaseMatter.objects.filter(case_id__in=list(by_case))
        .exclude(matter__status=Status.MERGED)
        .values_list("case_id", flat=True)
    )
    return {pk: members for pk, members in by_case.items() if total[pk] != len(members)}


def _visible_case_steps(hidden: dict[int, list[Matter]]):
    """Steps of cases some of whose matters the user does not see: only between two visible matters that
    follow each other in the whole case."""
    for case_id, members in hidden.items():
        everyone = sorted(
            Matter.objects.filter(case_memberships__case_id=case_id)
            .exclude(status=Status.MERGED)
            .only("pk", "registered_at", "number"),
            key=_order_key,
        )
        seen = {m.pk: m for m in members}
        for a, b in zip(everyone, everyone[1:], strict=False):
            if a.pk in seen and b.pk in seen:
                yield seen[a.pk], seen[b.pk], VIA_CASE


def _within(crossing: Crossing, area, since, until) -> bool:
    if area is not None and not (
        crossing.source.area.path.startswith(area.path) or crossing.target.area.path.startswith(area.path)
    ):
        return False
    day = timezone.localdate(crossing.at)
    if since is not None and day < since:
        return False
    return not (until is not None and day > until)


@dataclass
class PairCount:
    from_domain: object
    to_domain: object
    crossings: list[Crossing] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.crossings)

    @property
    def heat(self) -> int:
        """1–3, for the shade of the matrix cell."""
        return 1 if self.count == 1 else 2 if self.count < 5 else 3

    @property
    def same_domain(self) -> bool:
        return self.from_domain.pk == self.to_domain.pk


def count_by_pair(crossings: Iterable[Crossing]) -> list[PairCount]:
    """Crossings grouped by (from domain, to domain), most frequent first (then by domain order). A pair of
    one domain with itself holds the crossings that changed only the area."""
    pairs: dict[tuple[int, int], PairCount] = {}
    for c in crossings:
        pairs.setdefault(c.pair, PairCount(c.from_domain, c.to_domain)).crossings.append(c)
    return sorted(
        pairs.values(),
        key=lambda p: (
            -p.count,
            p.from_domain.sort_order,
            p.from_domain.code,
            p.to_domain.sort_order,
            p.to_domain.code,
        ),
    )


@dataclass
class Matrix:
    domains: list  # rows and columns, in domain order
    rows: list  # [(domain, [PairCount | None per column])]


def matrix_of(pairs: list[PairCount]) -> Matrix:
    """The domains that take part in a crossing, and the pair count at each (row: from, column: to)."""
    involved = {}
    for p in pairs:
        involved[p.from_domain.pk] = p.from_domain
        involved[p.to_domain.pk] = p.to_domain
    domains = sorted(involved.values(), key=lambda d: (d.sort_order, d.code))
    cell = {(p.from_domain.pk, p.to_domain.pk): p for p in pairs}
    rows = [(d, [cell.get((d.pk, e.pk)) for e in domains]) for d in domains]
    return Matrix(domains=domains, rows=rows)


def split_at(crossings: Iterable[Crossing], moment: dt.datetime) -> tuple[list[Crossing], list[Crossing]]:
    """The crossings before ``moment`` and those at or after it (by the later matter's registration)."""
    before, after = [], []
    for c in crossings:
        (after if c.at >= moment else before).append(c)
    return before, after


def measure_crossings(measure, crossings: Iterable[Crossing]) -> list[Crossing]:
    """The crossings a buffer measure stands between, out of ``crossings`` (a case's for a case's measure):
    those of its domain pair if it names one, and for a crossing's measure those touching its area."""
    out = []
    for c in crossings:
        if measure.from_domain_id and c.pair != (measure.from_domain_id, measure.to_domain_id):
            continue
        if measure.case_id is None and not (
            c.source.area.path.startswith(measure.area.path)
            or c.target.area.path.startswith(measure.area.path)
        ):
            continue
        out.append(c)
    return out
