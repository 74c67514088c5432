"""Long-format CSV in and out: ``series_id,t_index,observed[,date]`` -> panels -> results.

Every row is checked: counts must be non-negative integers, ``t_index`` must run 1, 2, 3, ...
within each series, and dates (when the column is present) must be given for every row. A file
without ``series_id`` is read as a single series named after the file. Errors name the file line, the series and the ``t_index``. Series of different lengths or with
different dates are allowed; each distinct time axis becomes its own :class:`CountPanel`.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .data import CountPanel, InputError
from .result import DetectionResult

REQUIRED_COLUMNS = ("series_id", "t_index", "observed")
OUTPUT_COLUMNS = ("series_id", "t_index", "observed", "expected", "upperbound", "alarm")
DETAIL_COLUMNS = ("score", "pvalue", "status", "reason")
MISSING = {"", "NA", "NaN", "nan", "null", "NULL"}


def _open_text(path: str | Path):
    path = Path(path)
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_counts_csv(path: str | Path, freq: int | None = None) -> list[CountPanel]:
    """Read a long-format count file into panels (one per distinct time axis), in file order."""
    with _open_text(path) as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise InputError(f"{path}: empty file") from None
        missing = [c for c in REQUIRED_COLUMNS if c not in header and c != "series_id"]
        if missing:
            raise InputError(
                f"{path}: missing column(s) {', '.join(missing)}; need {', '.join(REQUIRED_COLUMNS)}"
            )
        # a file without series_id (e.g. one R oracle input) is one series named after the file
        single_id = None if "series_id" in header else Path(path).name.split(".")[0]
        i_sid = header.index("series_id") if single_id is None else None
        i_t, i_obs = header.index("t_index"), header.index("observed")
        i_date = header.index("date") if "date" in header else None
        series: dict[str, tuple[list[float], list[str | None]]] = {}
        for line_no, row in enumerate(reader, start=2):
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) < len(header):
                raise InputError(f"line {line_no}: {len(row)} fields, expected {len(header)}")
            sid = single_id or row[i_sid].strip()
            if not sid:
                raise InputError(f"line {line_no}: empty series_id")
            values, dates = series.setdefault(sid, ([], []))
            where = f"line {line_no}, series {sid!r}"
            t = _parse_int(row[i_t], f"{where}: t_index")
            if t != len(values) + 1:
                expected = len(values) + 1
                raise InputError(
                    f"{where}: t_index {t} where {expected} was expected "
                    "(t_index must be 1, 2, 3, ... without gaps or repeats, rows sorted by t_index)"
                )
            values.append(_parse_count(row[i_obs], f"{where}, t_index {t}"))
            if i_date is not None:
                cell = row[i_date].strip()
                dates.append(None if cell in MISSING else cell)
    if not series:
        raise InputError(f"{path}: no data rows")
    return _panels(series, freq)


def _parse_int(cell: str, what: str) -> int:
    try:
        value = float(cell)
    except ValueError:
        raise InputError(f"{what} {cell!r} is not a number") from None
    if not math.isfinite(value) or value != int(value):
        raise InputError(f"{what} {cell!r} is not an integer")
    return int(value)


def _parse_count(cell: str, where: str) -> float:
    text = cell.strip()
    if text in MISSING:
        raise InputError(f"{where}: observed count is missing")
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: observed {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{where}: observed {text!r} is not finite")
    if value < 0:
        raise InputError(f"{where}: observed {text!r} is negative")
    if value != round(value):
        raise InputError(f"{where}: observed {text!r} is not an integer count")
    return value


def _panels(series: dict[str, tuple[list[float], list[str | None]]], freq: int | None) -> list[CountPanel]:
    axes: dict[tuple, list[str]] = {}
    parsed_dates: dict[tuple, np.ndarray | None] = {}
    for sid, (values, dates) in series.items():
        if dates and any(d is not None for d in dates):
            if any(d is None for d in dates):
                t = next(i for i, d in enumerate(dates) if d is None) + 1
                raise InputError(
                    f"series {sid!r}, t_index {t}: date missing (give a date on every row or none)"
                )
            try:
                arr = np.array(dates, dtype="datetime64[D]")
            except ValueError as exc:
                raise InputError(f"series {sid!r}: unreadable date ({exc}); use YYYY-MM-DD") from None
            key = (len(values), arr.tobytes())
            parsed_dates[key] = arr
        else:
            key = (len(values), None)
            parsed_dates[key] = None
        axes.setdefault(key, []).append(sid)
    panels = []
    for key, ids in axes.items():
        dates = parsed_dates[key]
        f = freq if freq is not None else infer_frequency(dates)
        obs = np.array([series[s][0] for s in ids], dtype=np.float64)
        try:
            panels.append(CountPanel(obs, freq=f, dates=dates, series_ids=tuple(ids)))
        except InputError as exc:
            raise InputError(f"series {', '.join(ids[:3])}{'...' if len(ids) > 3 else ''}: {exc}") from None
    return panels


def infer_frequency(dates: np.ndarray | None) -> int:
    """52 for 7-day steps, 12 for month steps, 365 for daily; 52 without dates."""
    if dates is None or dates.shape[0] < 2:
        return 52
    step = int(np.median(np.diff(dates.astype(np.int64))))
    if step == 7:
        return 52
    if 28 <= step <= 31:
        return 12
    if step == 1:
        return 365
    raise InputError(f"cannot infer the frequency from a {step}-day step between dates; give --freq")


def _fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NA"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def write_results_csv(results: Iterable[DetectionResult], path: str | Path, details: bool = False) -> int:
    """Write results in long format (series, then time order); returns the number of rows."""
    columns = OUTPUT_COLUMNS + (DETAIL_COLUMNS if details else ())
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for res in results:
            for rec in res.records():
                alarm = rec["alarm"]
                row = [
                    rec["series_id"],
                    rec["t_index"],
                    _fmt(rec["observed"]),
                    _fmt(rec["expected"]),
                    _fmt(rec["upperbound"]),
                    "NA" if alarm is None else int(alarm),
                ]
                if details:
                    row += [_fmt(rec["score"]), _fmt(rec["pvalue"]), rec["status"], rec["reason"]]
                writer.writerow(row)
                n += 1
    return n
