"""Reading a 涉众型经济案件's figures: the newest state, the shares recovered and returned, and the points
of a small server-rendered chart (SVG polylines; no script). Writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 560, 200, 30


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, one decimal place (None when ``whole`` is 0)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Latest:
    entry: object
    recovered_share: Decimal | None  # 追缴率: recovered / involved
    returned_share: Decimal | None  # 返还率: returned / involved
    outstanding: Decimal  # 涉案金额 not yet returned


def latest(entries) -> Latest | None:
    entries = list(entries)
    if not entries:
        return None
    last = max(entries, key=lambda e: (e.on, e.pk or 0))
    return Latest(
        entry=last,
        recovered_share=share(last.amount_recovered, last.amount_involved),
        returned_share=share(last.amount_returned, last.amount_involved),
        outstanding=last.amount_involved - last.amount_returned,
    )


def chart(entries) -> dict | None:
    """Three lines over time (涉案, 已追缴, 已返还), scaled to the largest amount; x by date."""
    entries = sorted(entries, key=lambda e: (e.on, e.pk or 0))
    if len(entries) < 2:
        return None
    top = max(max(e.amount_involved, e.amount_recovered, e.amount_returned) for e in entries) or Decimal(1)
    first, last = entries[0].on, entries[-1].on
    span = (last - first).days or 1
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD

    def x(e) -> float:
        return round(CHART_PAD + inner_w * (e.on - first).days / span, 1)

    def y(amount) -> float:
        return round(CHART_HEIGHT - CHART_PAD - float(inner_h * amount / top), 1)

    def line(attr) -> str:
        return " ".join(f"{x(e)},{y(getattr(e, attr))}" for e in entries)

    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "involved": line("amount_involved"),
        "recovered": line("amount_recovered"),
        "returned": line("amount_returned"),
        "top": top,
        "top_y": CHART_PAD,
        "base_y": CHART_HEIGHT - CHART_PAD,
        "left": CHART_PAD,
        "right": CHART_WIDTH - CHART_PAD,
        "ticks": [{"x": x(e), "label": e.on.strftime("%m-%d")} for e in entries],
    }
