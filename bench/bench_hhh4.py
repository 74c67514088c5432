"""Benchmark anju.signals.hhh4 against R surveillance::hhh4 on a synthetic county, in one run.

    .venv/bin/python bench/bench_hhh4.py [--villages 300] [--domains 15] [--weeks 156] [--no-r]
        [--r-timeout 3600] [--seed 1]

The county (see docs/transmission.md, "Benchmark"):

* 300 villages on a 15 x 20 grid, neighbours sharing an edge; adjacency orders up to 3 give
  power-law weights (d = 2, rows normalised) A[v, v'];
* 15 domains with a fixed domain -> domain coupling matrix D[d, d'] (each domain feeds 2 others,
  rows normalised);
* units are village x domain series (4,500), unit = village * 15 + domain; the neighbourhood weight
  from unit j to unit i is W = 0.7 kron(A, I_15) + 0.3 kron(I_300, D): the same domain in
  neighbouring villages, and other domains of the same village;
* endemic part: one intercept per domain, log-linear trend, one seasonal pair (period 52), offset
  = the village's population share x 300 (mean 1); autoregressive and neighbourhood intercepts;
  NegBin1. Counts are simulated from that model (fixed seed) for 156 weeks.

anju fits it on one core (BLAS threads pinned to 1 before numpy loads). R fits the same data in
the same run (the data written to a temporary directory, ``Rscript`` timed around ``hhh4()`` alone,
reading excluded); both times, the ratio and the agreement of the estimates are printed. Without R
the bench says so and prints anju's time only.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402

from anju.signals.hhh4 import adjacency_order, hhh4, powerlaw_weights  # noqa: E402

R_SCRIPT = r"""
suppressMessages({library(surveillance); library(jsonlite)})
args <- commandArgs(TRUE); dir <- args[1]
y <- as.matrix(read.csv(file.path(dir, "counts.csv"), header = FALSE))
off <- as.matrix(read.csv(file.path(dir, "offset.csv"), header = FALSE))
tr <- read.csv(file.path(dir, "weights.csv"), header = FALSE)
dom <- scan(file.path(dir, "domains.txt"), quiet = TRUE)
I <- ncol(y); Tn <- nrow(y)
W <- matrix(0, I, I); W[cbind(tr[[1]] + 1, tr[[2]] + 1)] <- tr[[3]]
colnames(y) <- paste0("u", seq_len(I))
x <- sts(observed = y, frequency = 52, start = c(2023, 1))
dat <- list(t = seq_len(Tn) - 1)
for (d in sort(unique(dom))) dat[[sprintf("dom%02d", d)]] <- matrix(as.numeric(dom == d), Tn, I, byrow = TRUE)
f <- as.formula(paste("~ -1 + t +", paste(sprintf("dom%02d", sort(unique(dom))), collapse = " + ")))
f <- addSeason2formula(f, S = 1, period = 52)
t0 <- proc.time()
fit <- hhh4(x, control = list(end = list(f = f, offset = off), ar = list(f = ~1),
            ne = list(f = ~1, weights = W), family = "NegBin1", data = dat))
pt <- proc.time() - t0
el <- pt[["elapsed"]]; cpu <- pt[["user.self"]] + pt[["sys.self"]]
writeLines(toJSON(list(seconds = el, cpu_seconds = cpu, loglik = fit$loglikelihood, coef = as.list(fit$coefficients),
                       se = as.list(fit$se), converged = fit$convergence), digits = NA, auto_unbox = TRUE),
           file.path(dir, "r_result.json"))
"""


def synthetic_county(villages: int = 300, domains: int = 15, weeks: int = 156, seed: int = 1):
    rng = np.random.default_rng(seed)
    cols = 20 if villages % 20 == 0 else int(np.ceil(np.sqrt(villages)))
    rows = int(np.ceil(villages / cols))
    idx = np.arange(villages)
    r, c = idx // cols, idx % cols
    adj = ((np.abs(r[:, None] - r[None]) + np.abs(c[:, None] - c[None])) == 1).astype(float)
    a = powerlaw_weights(adjacency_order(adj), 2.0, maxlag=3, normalize=True)
    dmat = np.zeros((domains, domains))
    for d in range(domains):
        for e in rng.choice([x for x in range(domains) if x != d], size=2, replace=False):
            dmat[d, e] = rng.uniform(0.5, 1.5)
    dmat /= dmat.sum(axis=1, keepdims=True)
    w = 0.7 * sparse.kron(sparse.csr_matrix(a), sparse.identity(domains)) + 0.3 * sparse.kron(
        sparse.identity(villages), sparse.csr_matrix(dmat)
    )
    w = sparse.csr_matrix(w)
    n_units = villages * domains
    domain_of = np.tile(np.arange(domains), villages)
    pop = rng.lognormal(0.0, 0.5, villages)
    offset_unit = np.repeat(pop / pop.mean(), domains)
    dom_int = rng.uniform(np.log(0.05), np.log(0.6), domains)
    lam, phi, size, trend, sin_c, cos_c = 0.3, 0.2, 2.0, 0.002, 0.3, -0.2
    y = np.zeros((weeks, n_units))
    y[0] = rng.poisson(offset_unit * np.exp(dom_int[domain_of]))
    for t in range(1, weeks):
        nu = offset_unit * np.exp(
            dom_int[domain_of]
            + trend * t
            + sin_c * np.sin(2 * np.pi * t / 52)
            + cos_c * np.cos(2 * np.pi * t / 52)
        )
        mu = nu + lam * y[t - 1] + phi * (w.T @ y[t - 1])
        y[t] = rng.negative_binomial(size, size / (size + mu))
    rows_ = rows  # grid size, reported
    return dict(counts=y, weights=w, offset=offset_unit, domain_of=domain_of, grid=(rows_, cols))


def fit_anju(county):
    return hhh4(
        county["counts"],
        weights=county["weights"],
        family="NegBin1",
        trend=True,
        seasons=1,
        end_groups=[f"dom{d:02d}" for d in county["domain_of"] + 1],
        end_offset=county["offset"],
    )


def run_r(county, timeout: float):
    if shutil.which("Rscript") is None:
        return None, "Rscript not found"
    probe = subprocess.run(["Rscript", "-e", "library(surveillance)"], capture_output=True, text=True)
    if probe.returncode != 0:
        return None, "R package surveillance not installed"
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        np.savetxt(d / "counts.csv", county["counts"], fmt="%d", delimiter=",")
        np.savetxt(
            d / "offset.csv",
            np.tile(county["offset"], (county["counts"].shape[0], 1)),
            fmt="%.17g",
            delimiter=",",
        )
        coo = county["weights"].tocoo()
        np.savetxt(
            d / "weights.csv",
            np.column_stack([coo.row, coo.col, coo.data]),
            fmt=["%d", "%d", "%.17g"],
            delimiter=",",
        )
        np.savetxt(d / "domains.txt", county["domain_of"] + 1, fmt="%d")
        (d / "fit.R").write_text(R_SCRIPT)
        try:
            proc = subprocess.run(
                ["Rscript", str(d / "fit.R"), str(d)], capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return None, f"R did not finish within {timeout:.0f} s"
        if proc.returncode != 0:
            return None, "R failed: " + proc.stderr[-500:]
        return json.loads((d / "r_result.json").read_text()), None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--villages", type=int, default=300)
    ap.add_argument("--domains", type=int, default=15)
    ap.add_argument("--weeks", type=int, default=156)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-r", action="store_true")
    ap.add_argument("--r-timeout", type=float, default=3600)
    args = ap.parse_args()
    county = synthetic_county(args.villages, args.domains, args.weeks, args.seed)
    n_t, n_i = county["counts"].shape
    print(
        f"county: {args.villages} villages x {args.domains} domains = {n_i} series x {n_t} weeks, "
        f"{int(county['counts'].sum())} counts, W has {county['weights'].nnz} non-zero weights"
    )
    t0, c0 = time.perf_counter(), time.process_time()
    fit = fit_anju(county)
    anju_s, anju_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"anju: {anju_s:.2f} s wall, {anju_cpu:.2f} s CPU (one core), {fit.iterations} iterations, converged={fit.converged}, "
        f"loglik={fit.loglik:.4f}, {len(fit.coefficients)} parameters"
    )
    for name in (
        "ar.1",
        "ne.1",
        "end.t",
        "end.sin(2 * pi * t/52)",
        "end.cos(2 * pi * t/52)",
        "-log(overdisp)",
    ):
        print(f"    {name:24s} {fit.coef()[name]: .5f} (se {fit.se[fit.names.index(name)]:.5f})")
    if args.no_r:
        print("R: skipped (--no-r); anju's time only")
        return
    result, why = run_r(county, args.r_timeout)
    if result is None:
        print(f"R: not run ({why}); anju's time only")
        return
    ours = fit.coef()
    diffs = []
    for name, value in result["coef"].items():
        key = name.replace("end.dom", "end.1.dom")
        if key in ours:
            diffs.append(abs(ours[key] - value) / max(abs(value), 1e-12))
    print(
        f"R hhh4: {result['seconds']:.2f} s wall, {result['cpu_seconds']:.2f} s CPU, converged={result['converged']}, loglik={result['loglik']:.4f}"
    )
    print(
        f"agreement: max relative difference of {len(diffs)} estimates {max(diffs):.2e}, "
        f"loglik difference {abs(fit.loglik - result['loglik']):.2e}"
    )
    print(
        f"ratio R / anju: {result['seconds'] / anju_s:.1f}x wall, {result['cpu_seconds'] / anju_cpu:.1f}x CPU"
    )


if __name__ == "__main__":
    main()
