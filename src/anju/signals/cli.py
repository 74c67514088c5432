"""``anju signals detect``: run a detection method over a long-format count file.

Controls use R's names (``--noPeriods``, ``--pastWeeksNotIncluded``, ...) and R's defaults, so an
analyst can carry over an R ``control = list(...)`` one to one. ``--preset noufaily`` fills in the
Noufaily et al. (2013) controls for farrington-flexible. This module imports no Django.
"""

from __future__ import annotations

import sys
import time

from .data import InputError
from .engine import default_jobs
from .flexible import NOUFAILY_CONTROL
from .io import read_counts_csv, write_results_csv
from .methods import CONTROLS, FARRINGTON_METHODS, METHODS, detect, keyword_controls


def register(subparsers) -> None:
    signals = subparsers.add_parser("signals", help="statistical aberration detection on count series")
    sub = signals.add_subparsers(dest="signals_command", metavar="SUBCOMMAND")
    detect = sub.add_parser(
        "detect",
        help="evaluate count series with Farrington, farringtonFlexible or EARS (R surveillance ports)",
        description=(
            "Reads INPUT (CSV, optionally .gz) with columns series_id,t_index,observed and optionally date "
            "(t_index 1-based and consecutive per series; with dates, reference weeks are found by calendar "
            "date as R does) and writes series_id,t_index,observed,expected,upperbound,alarm. Controls take "
            "R's names and defaults."
        ),
    )
    detect.add_argument("input", metavar="INPUT.csv")
    detect.add_argument("--method", required=True, choices=METHODS)
    detect.add_argument("-o", "--output", required=True, metavar="OUT.csv")
    detect.add_argument(
        "--freq", type=int, choices=(52, 12, 365), help="52 weekly (default), 12 monthly, 365 daily"
    )
    detect.add_argument("--last", type=int, metavar="N", help="evaluate the last N periods of each series")
    detect.add_argument(
        "--preset",
        choices=("noufaily",),
        help="noufaily: Noufaily et al. (2013) controls for farrington-flexible",
    )
    detect.add_argument(
        "--details", action="store_true", help="also write score, pvalue, status and reason columns"
    )
    detect.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    detect.add_argument(
        "--jobs", type=int, default=0, help="threads for the Farrington fits (default 0: one per CPU)"
    )
    for name, control in CONTROLS.items():
        detect.add_argument(
            f"--{name}",
            type=control.parse,
            default=None,
            help=f"R control {name} ({', '.join(control.methods)})",
        )
    detect.set_defaults(func=run_detect)
    signals.set_defaults(func=lambda args: (signals.print_help(), 2)[1])


def _method_kwargs(args) -> dict:
    kwargs: dict = {}
    if args.preset == "noufaily":
        if args.method != "farrington-flexible":
            raise InputError("--preset noufaily applies to farrington-flexible only")
        kwargs.update(NOUFAILY_CONTROL)
    given = {name: getattr(args, name) for name in CONTROLS if getattr(args, name) is not None}
    for name in given:
        if args.method not in CONTROLS[name].methods:
            raise InputError(f"--{name} does not apply to --method {args.method}")
    kwargs.update(keyword_controls(args.method, given))
    return kwargs


def run_detect(args) -> int:
    started = time.perf_counter()
    try:
        kwargs = _method_kwargs(args)
        panels = read_counts_csv(args.input, freq=args.freq)
        if args.method in FARRINGTON_METHODS and any(p.freq == 365 for p in panels):
            raise InputError("daily data (freq 365) is supported by the EARS methods only")
        results = [
            detect(
                p,
                args.method,
                last=args.last,
                progress=not args.quiet,
                jobs=args.jobs or default_jobs(),
                **kwargs,
            )
            for p in panels
        ]
        n_rows = write_results_csv(results, args.output, details=args.details)
    except (InputError, ValueError) as exc:
        print(f"anju signals detect: error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        n_series = sum(p.n_series for p in panels)
        n_alarms = sum(int(r.alarm.sum()) for r in results)
        print(
            f"{args.method}: {n_series} series, {n_rows} periods evaluated, {n_alarms} alarms, "
            f"{time.perf_counter() - started:.2f} s -> {args.output}",
            file=sys.stderr,
        )
    return 0
