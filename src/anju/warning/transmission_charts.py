"""Static SVG geometry for the 风险传导 page (no script, no CDN): a share bar per domain, and week-by-week stacked
bars of the expected counts from each part with the observed counts as dots (R ``plot(fit, type = "fitted")``)."""

from __future__ import annotations

COLOURS = {"end": "#9ca3af", "ar": "#f59e0b", "ne": "#dc2626"}
ORDER = ("end", "ar", "ne")
WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 520, 160, 28, 18, 8


def share_bar(shares: dict, width: float = 200.0) -> list[dict]:
    """Segments of a 100 % bar: x, width, colour, percent."""
    x, out = 0.0, []
    for key in ORDER:
        share = shares.get(key) or 0.0
        out.append({"key": key, "x": x, "w": width * share, "fill": COLOURS[key], "pct": round(100 * share)})
        x += width * share
    return out


def stacked_weeks(weeks: list[str], weekly: dict) -> dict:
    n = len(weeks)
    if n == 0:
        return {"empty": True}
    observed = weekly.get("observed", [0] * n)
    totals = [sum((weekly.get(k) or [0] * n)[i] or 0 for k in ORDER) for i in range(n)]
    top = max([*totals, *observed, 1])
    plot_w, plot_h = WIDTH - PAD_LEFT - 4, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / n
    bars, dots = [], []
    for i in range(n):
        base = PAD_TOP + plot_h
        for key in ORDER:
            value = (weekly.get(key) or [0] * n)[i] or 0
            h = plot_h * value / top
            base -= h
            bars.append(
                {"x": PAD_LEFT + i * step, "y": base, "w": max(step - 0.6, 0.8), "h": h, "fill": COLOURS[key]}
            )
        epidemic = ((weekly.get("ar") or [0] * n)[i] or 0) + ((weekly.get("ne") or [0] * n)[i] or 0)
        end = (weekly.get("end") or [0] * n)[i] or 0
        dots.append(
            {
                "cx": PAD_LEFT + (i + 0.5) * step,
                "cy": PAD_TOP + plot_h * (1 - observed[i] / top),
                "title": f"{weeks[i]}: {observed[i]}",
                "spreading": epidemic > end and observed[i] > 0,
            }
        )
    return {
        "empty": False,
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "dots": dots,
        "top": round(top, 1),
        "top_y": PAD_TOP + 4,
        "base_y": PAD_TOP + plot_h,
        "first": weeks[0],
        "last": weeks[-1],
        "label_y": HEIGHT - 4,
        "pad_left": PAD_LEFT,
        "right": WIDTH - 4,
        "colours": COLOURS,
    }
