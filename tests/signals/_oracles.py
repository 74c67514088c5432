"""Loading the committed R oracle fixtures (no R needed)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import numpy as np

from anju.signals import NOUFAILY_CONTROL, CountPanel, ears_c, farrington, farrington_flexible

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = FIXTURES / "shared"
EXTRA = FIXTURES / "extra"
BROAD = FIXTURES / "broad"


def read_rows(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def num(text: str) -> float:
    return np.nan if text == "NA" else float(text)


def load_series(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    rows = read_rows(path)
    y = np.array([float(r["observed"]) for r in rows])
    dates = [r.get("date", "NA") for r in rows]
    return y, (None if dates[0] in ("NA", "", None) else np.array(dates, dtype="datetime64[D]"))


def load_expected(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """t_index, upperbound (NaN for NA), alarm (-1 for NA)."""
    rows = read_rows(path)
    t = np.array([int(r["t_index"]) for r in rows])
    ub = np.array([num(r["upperbound"]) for r in rows])
    alarm = np.array([-1 if r["alarm"] == "NA" else int(r["alarm"]) for r in rows])
    return t, ub, alarm


# R control names -> anju keyword names
R_TO_PY = {
    "b": "b",
    "w": "w",
    "reweight": "reweight",
    "weightsThreshold": "weights_threshold",
    "alpha": "alpha",
    "trend": "trend",
    "pThresholdTrend": "p_threshold_trend",
    "limit54": "limit54",
    "powertrans": "powertrans",
    "noPeriods": "no_periods",
    "pastWeeksNotIncluded": "past_weeks_not_included",
    "thresholdMethod": "threshold_method",
    "baseline": "baseline",
    "minSigma": "min_sigma",
    "method": "method",
}

SHARED_METHODS = {
    "farringtonFlexible_noufaily": lambda p, t: farrington_flexible(p, t, **NOUFAILY_CONTROL),
    "farringtonFlexible_delta": lambda p, t: farrington_flexible(
        p,
        t,
        no_periods=1,
        b=5,
        w=3,
        reweight=True,
        weights_threshold=1,
        past_weeks_not_included=3,
        p_threshold_trend=0.05,
        trend=True,
        threshold_method="delta",
        alpha=0.025,
    ),  # fmt: skip
    "farrington_original": lambda p, t: farrington(p, t, b=5, w=3, reweight=True, trend=True, alpha=0.05),
    "earsC_C1": lambda p, t: ears_c(p, t, method="C1", baseline=7, alpha=0.001, min_sigma=0),
    "earsC_C2": lambda p, t: ears_c(p, t, method="C2", baseline=7, alpha=0.001, min_sigma=0),
    "earsC_C3": lambda p, t: ears_c(p, t, method="C3", baseline=7, alpha=0.001, min_sigma=0),
}


def shared_cases() -> list[tuple[str, str]]:
    manifest = read_rows(SHARED / "inputs" / "manifest.csv")
    return [(row["series_id"], method) for row in manifest for method in SHARED_METHODS]


def shared_panel(series_id: str) -> CountPanel:
    manifest = {r["series_id"]: r for r in read_rows(SHARED / "inputs" / "manifest.csv")}
    y, dates = load_series(SHARED / "inputs" / f"{series_id}.csv")
    return CountPanel(y, freq=int(manifest[series_id]["freq"]), dates=dates, series_ids=(series_id,))


def extra_cases(folder: Path = EXTRA) -> list[dict]:
    rows = read_rows(folder / "cases.csv") if (folder / "cases.csv").exists() else []
    for row in rows:
        row["folder"] = str(folder)
    return rows


def run_extra_case(case: dict, panel: CountPanel | None = None):
    if panel is None:
        folder = Path(case.get("folder", EXTRA))
        y, dates = load_series(folder / "inputs" / f"{case['series_id']}.csv")
        panel = CountPanel(y, freq=int(case["freq"]), dates=dates, series_ids=(case["series_id"],))
    control = json.loads(case["control"])
    kwargs = {R_TO_PY[k]: (tuple(v) if isinstance(v, list) else v) for k, v in control.items()}
    t = np.arange(int(case["range_start"]), int(case["range_end"]) + 1)
    method = case["method"]
    if method == "farringtonFlexible":
        return farrington_flexible(panel, t, **kwargs)
    if method == "farrington":
        return farrington(panel, t, **kwargs)
    return ears_c(panel, t, **kwargs)


def compare(result, expected_path: Path, row: int = 0) -> dict:
    """Max relative error of upper bounds, NA pattern equality and alarm mismatches vs R."""
    t, ub, alarm = load_expected(expected_path)
    assert np.array_equal(result.t_index, t)
    mine = result.upperbound[row]
    mine_alarm = np.where(result.alarm_defined[row], result.alarm[row].astype(int), -1)
    both = ~np.isnan(mine) & ~np.isnan(ub)
    rel = np.abs(mine[both] - ub[both]) / np.maximum(np.abs(ub[both]), 1e-12)
    return {
        "na_equal": bool(np.array_equal(np.isnan(mine), np.isnan(ub))),
        "max_rel": float(rel.max()) if rel.size else 0.0,
        "alarm_mismatches": int((mine_alarm != alarm).sum()),
    }
