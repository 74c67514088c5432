"""Benchmark anju.signals farringtonFlexible (Noufaily controls) against R surveillance.

    .venv/bin/python bench/bench_signals.py [--input ../shared/oracles/inputs/synthetic_2000.csv.gz]
        [--r-series 200] [--no-r] [--county 4500] [--jobs 1]

1. anju on all series of INPUT (2,000 weekly series x 315 weeks), last 52 weeks each.
2. R (when ``Rscript -e 'library(surveillance)'`` works) on the first ``--r-series`` series only,
   one series at a time in one R process, as make_oracles.R times it; R is far slower, so the
   per-series times are compared and the ratio is stated per series.
3. A county's weekly run: 4,500 series x last 52 weeks (the synthetic series tiled), on one thread
   and on every CPU of the machine (``jobs`` = ``os.cpu_count()``).
4. Peak memory: tracemalloc peak of the county run (numpy buffers included) and the process'
   maximum resident set size.
The fits run in the compiled kernel (numba) unless ``ANJU_SIGNALS_KERNEL=numpy``; the warm-up
line says which, and how long loading (or compiling) the kernel took.
Also checks that anju and R agree on the R-timed series (upper bounds, alarms).
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from anju.signals import NOUFAILY_CONTROL, CountPanel, accel, farrington_flexible

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = ROOT.parent / "shared" / "oracles" / "inputs" / "synthetic_2000.csv.gz"

R_SCRIPT = r"""
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); n_series <- as.integer(args[2]); out <- args[3]
ids <- unique(d$series_id)[seq_len(n_series)]
ctrl <- list(noPeriods = 10, populationOffset = FALSE, fitFun = "algo.farrington.fitGLM.flexible",
             b = 5, w = 3, weightsThreshold = 2.58, pastWeeksNotIncluded = 26, pThresholdTrend = 1,
             trend = TRUE, thresholdMethod = "nbPlugin", alpha = 0.05)
res <- vector("list", length(ids))
elapsed <- system.time({
  for (i in seq_along(ids)) {
    y <- d$observed[d$series_id == ids[i]]
    x <- sts(observed = matrix(y, ncol = 1), start = c(2000, 1), frequency = 52)
    rng <- (length(y) - 51):length(y)
    r <- suppressWarnings(farringtonFlexible(x, control = c(ctrl, list(range = rng))))
    res[[i]] <- data.frame(series_id = ids[i], t_index = rng, upperbound = as.vector(upperbound(r)),
                           alarm = as.integer(as.vector(alarms(r))))
  }
}, gcFirst = FALSE)[["elapsed"]]
write.csv(do.call(rbind, res), out, row.names = FALSE, na = "NA")
cat(sprintf("R_ELAPSED %.3f\n", elapsed))
"""


def load_long(path: Path) -> tuple[list[str], np.ndarray]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:
        header = fh.readline().strip().replace('"', "").split(",")
        data = np.loadtxt(fh, delimiter=",", dtype=str)
    ids = np.char.strip(data[:, header.index("series_id")], '"')
    order = list(dict.fromkeys(ids.tolist()))
    obs = data[:, header.index("observed")].astype(float)
    n_times = obs.size // len(order)
    return order, obs.reshape(len(order), n_times)


def r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "library(surveillance)"], capture_output=True)
    return probe.returncode == 0


def time_anju(panel: CountPanel, jobs: int) -> tuple[float, float, object]:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    res = farrington_flexible(panel, last=52, jobs=jobs, **NOUFAILY_CONTROL)
    return time.perf_counter() - wall0, time.process_time() - cpu0, res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    ap.add_argument("--r-series", type=int, default=200)
    ap.add_argument("--no-r", action="store_true")
    ap.add_argument("--county", type=int, default=4500)
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args(argv)

    ids, obs = load_long(args.input)
    panel = CountPanel(obs, freq=52, series_ids=tuple(ids))
    print(f"input: {args.input} ({panel.n_series} series x {panel.n_times} weeks)")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; jobs={args.jobs}")
    warm0 = time.perf_counter()
    farrington_flexible(panel.subset(range(20)), last=52, **NOUFAILY_CONTROL)  # warm-up (imports, caches)
    path = "compiled kernel (numba)" if accel.kernel() is not None else "numpy path"
    print(f"fits: {path}; warm-up (kernel load or compile, 20 series) {time.perf_counter() - warm0:.2f} s")

    wall, cpu, res = time_anju(panel, args.jobs)
    per_series = wall / panel.n_series
    print(
        f"anju : {panel.n_series} series x 52 weeks farringtonFlexible (Noufaily): wall {wall:.2f} s, "
        f"CPU {cpu:.2f} s, {1e3 * per_series:.2f} ms/series, {int(res.alarm.sum())} alarms"
    )

    if not args.no_r and r_available():
        n_r = min(args.r_series, panel.n_series)
        with tempfile.TemporaryDirectory() as tmp:
            inp = Path(tmp) / "in.csv"
            with open(inp, "w") as fh:
                fh.write("series_id,t_index,observed\n")
                for i in range(n_r):
                    for t, v in enumerate(obs[i], start=1):
                        fh.write(f"{ids[i]},{t},{int(v)}\n")
            script = Path(tmp) / "bench.R"
            script.write_text(R_SCRIPT)
            out = Path(tmp) / "r_out.csv"
            proc = subprocess.run(
                ["Rscript", str(script), str(inp), str(n_r), str(out)], capture_output=True, text=True
            )
            if proc.returncode != 0:
                print("R failed:", proc.stderr[-2000:])
                return 1
            r_wall = float(proc.stdout.split("R_ELAPSED")[1].split()[0])
            r_rows = np.genfromtxt(out, delimiter=",", skip_header=1, usecols=(2, 3), missing_values="NA")
        r_per_series = r_wall / n_r
        print(f"R    : first {n_r} series (R is timed on {n_r} series only): {r_wall:.1f} s, "
              f"{1e3 * r_per_series:.0f} ms/series")  # fmt: skip
        print(f"ratio: R / anju per series = {r_per_series / per_series:.0f}x")
        ub_r, alarm_r = r_rows[:, 0].reshape(n_r, 52), r_rows[:, 1].reshape(n_r, 52)
        ub_a = res.upperbound[:n_r]
        both = ~np.isnan(ub_r) & ~np.isnan(ub_a)
        rel = np.abs(ub_a[both] - ub_r[both]) / np.maximum(np.abs(ub_r[both]), 1e-12)
        print(
            f"agreement on those {n_r} series: NA pattern equal {np.array_equal(np.isnan(ub_r), np.isnan(ub_a))}, "
            f"max rel. error {rel.max() if rel.size else 0:.1e}, "
            f"alarm mismatches {int((res.alarm[:n_r].astype(int) != alarm_r).sum())}"
        )
    else:
        print("R    : skipped (Rscript with surveillance not available or --no-r)")

    reps = -(-args.county // panel.n_series)
    county = CountPanel(np.tile(obs, (reps, 1))[: args.county], freq=52)
    tracemalloc.start()
    wall_c, cpu_c, res_c = time_anju(county, args.jobs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"county: {county.n_series} series x 52 weeks: wall {wall_c:.2f} s, CPU {cpu_c:.2f} s "
        f"(under tracemalloc, which adds a little); peak traced memory {peak / 2**20:.0f} MiB, "
        f"process max RSS {maxrss_mb:.0f} MiB"
    )
    for jobs in sorted({args.jobs, os.cpu_count() or 1}):
        wall_c2, cpu_c2, _ = time_anju(county, jobs)
        print(
            f"county (no tracing), jobs={jobs}: wall {wall_c2:.2f} s, CPU {cpu_c2:.2f} s (target: under 2 s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
