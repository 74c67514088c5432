"""What the overview (态势) shows of the forecasts: the latest run of the user's county, per town (a county
user sees every town and the county's totals, a town user its own town — the rows are scoped one by one),
the top domains of each as a small fan chart drawn here (SVG, no script), a plain sentence, and the
model's measured skill against the two naive baselines. See docs/forecasts.md."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core.models import Area, AreaLevel
from anju.core.permissions import may
from anju.core.scoping import scoped
from anju.warning.models import ForecastRun, ForecastSeries

TOP_DOMAINS_COUNTY = 3
TOP_DOMAINS_TOWN = 2
WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP, PAD_RIGHT = 240, 96, 22, 14, 6, 4
BASELINE_LABELS = {"recent_mean": gettext_lazy("近 8 周平均"), "last_year": gettext_lazy("去年同期")}


def county_of(user) -> Area | None:
    """The county whose forecast the user reads: the county above (or at) their area; without an area,
    the first county."""
    area = getattr(user, "area", None)
    if area is None:
        return Area.objects.filter(level=AreaLevel.COUNTY).order_by("path").first()
    if area.level == AreaLevel.COUNTY:
        return area
    codes = [c for c in area.path.strip("/").split("/") if c]
    paths = ["/" + "/".join(codes[: k + 1]) + "/" for k in range(len(codes))]
    return Area.objects.filter(path__in=paths, level=AreaLevel.COUNTY).first()


def fan_chart(recent: list[int], quantiles: list[list[int]], mean: list[float]) -> dict:
    """Geometry for ``dashboard/_fan.svg``: the observed weeks as a line, then the forecast weeks as a 90 %
    band, a 50 % band inside it and the median line, all on one count axis from 0."""
    n_obs, n_fc = len(recent), len(quantiles)
    top = max([*recent, *(q[-1] for q in quantiles), 1])
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / max(n_obs + n_fc - 1, 1)

    def x(i: int) -> float:
        return PAD_LEFT + i * step

    def y(v: float) -> float:
        return PAD_TOP + plot_h * (1 - v / top)

    def band(lo: int, hi: int) -> str:
        # the band starts at the last observed week, where the forecast is certain
        start = [(x(n_obs - 1), y(recent[-1]))] if recent else []
        upper = start + [(x(n_obs + k), y(q[hi])) for k, q in enumerate(quantiles)]
        lower = [(x(n_obs + k), y(q[lo])) for k, q in reversed(list(enumerate(quantiles)))] + start
        return " ".join(f"{a:.1f},{b:.1f}" for a, b in upper + lower)

    median = ([(x(n_obs - 1), y(recent[-1]))] if recent else []) + [
        (x(n_obs + k), y(q[2])) for k, q in enumerate(quantiles)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "observed": " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(recent)),
        "band90": band(0, 4),
        "band50": band(1, 3),
        "median": " ".join(f"{a:.1f},{b:.1f}" for a, b in median),
        "divider_x": round(x(n_obs - 1) if recent else PAD_LEFT, 1),
        "top": top,
        "top_y": PAD_TOP + 7,
        "base_y": PAD_TOP + plot_h,
        "pad_left": PAD_LEFT,
        "right": WIDTH - PAD_RIGHT,
        "label_y": HEIGHT - 3,
    }


def sentence(series: ForecastSeries) -> str:
    """ "预计未来四周白沙镇征地拆迁类事项每周约 3 件（90% 可能在 1–6 件之间）": the weekly mean, and the
    widest of the weekly 90 % intervals (so each week's interval lies inside the one named)."""
    per_week = sum(series.mean) / len(series.mean) if series.mean else 0.0
    low = min(q[0] for q in series.quantiles)
    high = max(q[4] for q in series.quantiles)
    about = f"{per_week:.0f}" if per_week >= 1 else f"{per_week:.1f}"
    return _("预计未来四周%(area)s%(domain)s类事项每周约 %(n)s 件（90%% 可能在 %(low)s–%(high)s 件之间）") % {
        "area": series.area.name if series.area.level != AreaLevel.COUNTY else _("全县"),
        "domain": series.domain.name,
        "n": about,
        "low": low,
        "high": high,
    }


def skill_lines(skill: dict) -> list[dict]:
    """One honest line per baseline: lower or higher CRPS than the baseline, in per cent."""
    lines = []
    for key, value in (skill.get("skill") or {}).items():
        if value is None:
            continue
        label = str(BASELINE_LABELS.get(key, key))
        percent = round(abs(value) * 100)
        if value > 0:
            text = _("与“%(baseline)s”相比，预测误差（CRPS）低 %(p)s%%") % {"baseline": label, "p": percent}
        elif value < 0:
            text = _("与“%(baseline)s”相比，预测误差（CRPS）高 %(p)s%%：模型不如这一简单方法") % {
                "baseline": label,
                "p": percent,
            }
        else:
            text = _("与“%(baseline)s”相比，预测误差（CRPS）相同") % {"baseline": label}
        lines.append({"baseline": key, "value": value, "better": value > 0, "text": text})
    return lines


def score_rows(skill: dict) -> list[dict]:
    labels = {"model": _("本模型"), **{k: str(v) for k, v in BASELINE_LABELS.items()}}
    crps, logs = skill.get("crps") or {}, skill.get("logs") or {}
    return [{"key": k, "label": labels.get(k, k), "crps": v, "logs": logs.get(k)} for k, v in crps.items()]


def panel(user, today: dt.date) -> dict:
    """Context for ``dashboard/_forecast.html`` (``forecast`` is None when the user may not see signals)."""
    if not may(user, "signals.view"):
        return {"forecast": None}
    county = county_of(user)
    run = (
        ForecastRun.objects.filter(area=county).order_by("-computed_at", "-id").first()
        if county is not None
        else None
    )
    if run is None:
        return {"forecast": {"run": None}}
    rows = scoped(user, ForecastSeries.objects.filter(run=run)).select_related("area", "domain")
    groups: dict[int, dict] = {}
    for row in rows.order_by("area__path", "-expected_total", "domain__sort_order"):
        is_county = row.area.level == AreaLevel.COUNTY
        group = groups.setdefault(
            row.area_id, {"area": row.area, "is_county": is_county, "charts": [], "more": []}
        )
        if len(group["charts"]) >= (TOP_DOMAINS_COUNTY if is_county else TOP_DOMAINS_TOWN):
            group["more"].append(sentence(row))  # the other domains: their sentence, folded away
            continue
        group["charts"].append(
            {
                "series": row,
                "chart": fan_chart(row.recent, row.quantiles, row.mean),
                "sentence": sentence(row),
                "first_week": dt.date.fromisoformat(row.weeks[0]) if row.weeks else None,
            }
        )
    return {
        "forecast": {
            "run": run,
            "groups": sorted(groups.values(), key=lambda g: (not g["is_county"], g["area"].path)),
            "skill": run.skill,
            "skill_lines": skill_lines(run.skill),
            "score_rows": score_rows(run.skill),
            "short_history": run.skill.get("reason") in ("short_history", "no_series"),
        }
    }
