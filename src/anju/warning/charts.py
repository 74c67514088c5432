"""A small inline SVG chart (observed bars, expected and threshold lines) with no JavaScript or CDN."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 520, 140, 28, 18, 8


@dataclass
class ChartPoint:
    week: object
    observed: int
    expected: float | None
    upperbound: float | None
    alarm: bool


def _polyline(points: list[tuple[float, float | None]], half_step: float) -> list[str]:
    """SVG polyline point strings, broken where a value is missing. A value with none beside it (the
    threshold of a lone alarm week) becomes a short level stroke across its bar, so it still shows."""
    segments, current = [], []

    def close() -> None:
        if len(current) == 1:
            x, y = current[0]
            current[:] = [(x - half_step, y), (x + half_step, y)]
        if current:
            segments.append(" ".join(f"{x:.1f},{y:.1f}" for x, y in current))
        current.clear()

    for x, y in points:
        if y is None:
            close()
        else:
            current.append((x, y))
    close()
    return segments


def series_chart(points: list[ChartPoint]) -> dict:
    """Geometry for ``warning/_chart.svg``: bars, two lines, axis labels."""
    if not points:
        return {"empty": True, "width": WIDTH, "height": HEIGHT}
    top = max(
        [p.observed for p in points]
        + [p.upperbound for p in points if p.upperbound is not None]
        + [p.expected for p in points if p.expected is not None]
        + [1]
    )
    plot_w, plot_h = WIDTH - PAD_LEFT - 4, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / len(points)

    def y_of(value: float) -> float:
        return PAD_TOP + plot_h * (1 - value / top)

    bars = []
    for i, p in enumerate(points):
        h = plot_h * p.observed / top
        bars.append(
            {
                "x": PAD_LEFT + i * step,
                "y": PAD_TOP + plot_h - h,
                "w": max(step - 0.6, 0.8),
                "h": h,
                "alarm": p.alarm,
                "title": f"{p.week}: {p.observed}",
            }
        )
    centre = [PAD_LEFT + (i + 0.5) * step for i in range(len(points))]
    return {
        "empty": False,
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "expected": _polyline(
            [
                (x, y_of(p.expected) if p.expected is not None else None)
                for x, p in zip(centre, points, strict=True)
            ],
            step / 2,
        ),
        "threshold": _polyline(
            [
                (x, y_of(p.upperbound) if p.upperbound is not None else None)
                for x, p in zip(centre, points, strict=True)
            ],
            step / 2,
        ),
        "top": round(top, 1),
        "top_y": PAD_TOP + 4,
        "base_y": PAD_TOP + plot_h,
        "first": points[0].week,
        "last": points[-1].week,
        "label_y": HEIGHT - 4,
        "pad_left": PAD_LEFT,
        "right": WIDTH - 4,
    }
