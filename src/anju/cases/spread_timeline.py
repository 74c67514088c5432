"""The layout of a case's spread timeline (server-drawn SVG): one row per domain, time along x, a node per
matter and a line per link or case step. Computation only."""

from __future__ import annotations

from dataclasses import dataclass

from anju.cases.spread import SPREAD_LINK_KINDS, VIA_CASE

WIDTH = 960
LEFT = 170  # room for the domain names
RIGHT = 60
TOP = 40
ROW = 80
BOTTOM = 50


@dataclass
class Node:
    matter: object
    x: float
    y: float
    label_y: float
    crossed: bool  # a crossing starts or ends here


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str  # a link kind, or "case"
    crossing: bool
    title: str


@dataclass
class Layout:
    width: int
    height: int
    rows: list  # [(domain, y)]
    nodes: list
    edges: list
    ticks: list  # [(x, label)]
    marks: list  # [(x, label)]: when a buffer measure started
    axis_y: float
    left: int
    right: int


def layout(matters: list, links: list, crossings: list, marks=()) -> Layout:
    """``matters`` in time order, every link between two of them, the case's crossings; ``marks`` are
    (moment, label) drawn as vertical lines (the start of each buffer measure), inside the time range."""
    domains = []
    for m in matters:
        if m.domain not in domains:
            domains.append(m.domain)
    row_y = {d.pk: TOP + ROW * i + ROW / 2 for i, d in enumerate(domains)}
    height = TOP + ROW * max(len(domains), 1) + BOTTOM
    span = WIDTH - LEFT - RIGHT
    times = [m.registered_at for m in matters] + ([moment for moment, _label in marks] if matters else [])
    start, end = (min(times), max(times)) if times else (None, None)
    total = (end - start).total_seconds() if times else 0

    def x_of(moment) -> float:
        if not total:
            return LEFT + span / 2
        return round(LEFT + span * (moment - start).total_seconds() / total, 1)

    crossed = {c.source.pk for c in crossings} | {c.target.pk for c in crossings}
    nodes, where, per_row = [], {}, {}
    for m in matters:
        x, y = x_of(m.registered_at), row_y[m.domain_id]
        # labels of neighbours in a row alternate above and below their nodes, so close ones do not overlap
        turn = per_row.get(m.domain_id, 0)
        per_row[m.domain_id] = turn + 1
        nodes.append(Node(m, x, y, y - 14 if turn % 2 == 0 else y + 24, m.pk in crossed))
        where[m.pk] = (x, y)
    crossing_pairs = {frozenset((c.source.pk, c.target.pk)): c for c in crossings}
    edges, drawn = [], set()
    for link in links:
        pair = frozenset((link.source_id, link.target_id))
        crossing = crossing_pairs.get(pair)
        is_crossing = crossing is not None and crossing.via == link.kind and link.kind in SPREAD_LINK_KINDS
        (x1, y1), (x2, y2) = where[link.source_id], where[link.target_id]
        edges.append(Edge(x1, y1, x2, y2, link.kind, is_crossing, link.get_kind_display()))
        drawn.add(pair)
    for pair, c in crossing_pairs.items():
        if c.via == VIA_CASE and pair not in drawn:
            (x1, y1), (x2, y2) = where[c.source.pk], where[c.target.pk]
            edges.append(Edge(x1, y1, x2, y2, VIA_CASE, True, str(c.via_label)))
    ticks = []
    if times:
        ticks.append((x_of(start), start))
        # ends of the range only: the dates of the matters are in the table below
        if total:
            ticks.append((x_of(end), end))
    return Layout(
        width=WIDTH,
        height=height,
        rows=[(d, row_y[d.pk]) for d in domains],
        nodes=nodes,
        edges=edges,
        ticks=ticks,
        marks=[(x_of(moment), label) for moment, label in marks] if matters else [],
        axis_y=height - BOTTOM + 10,
        left=LEFT,
        right=WIDTH - RIGHT,
    )
