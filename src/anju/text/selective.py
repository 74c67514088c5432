"""Selective triage: route a suggestion to "take it" (``auto``) or "a person checks" (``review``).

A classifier that is right 92 % of the time is right far more often on the texts it is sure of. Given
out-of-fold probabilities (every labelled text predicted by a model that did not see it) and the true
labels, :func:`find_threshold` finds the smallest confidence ``t`` (the top label's probability) such
that the suggestions with confidence ≥ ``t`` reach a target precision. The rule is conservative by
default: the **lower end of the 95 % Wilson interval** of that precision must reach the target, not the
measured share itself. A threshold chosen on the plain share is the one whose precision on new texts
falls below the target about half the time; the lower bound also refuses to route anything on its own
while the ledger is too small to show the target (all of 99 checked suggestions right still has a lower
bound of 0.963 < 0.97). ``rule="precision"`` uses the plain share.

Everything here is plain numpy; :func:`out_of_fold_proba` trains the folds' models.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

__all__ = [
    "DEFAULT_TARGET",
    "RoutingThreshold",
    "wilson",
    "find_threshold",
    "measure_routing",
    "route",
    "reliability",
    "margins",
    "out_of_fold_proba",
]

DEFAULT_TARGET = 0.97
Z95 = 1.959963984540054
RULES = ("wilson", "precision")


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``k``/``n`` (95 % by default); (0, 1) when ``n`` is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class RoutingThreshold:
    """A threshold and what it does on the texts it was measured on: ``n_auto`` of ``n`` texts routed
    automatically (coverage), ``n_auto_correct`` of them right (precision), each with its 95 % Wilson
    interval. ``threshold`` is ``None`` when no threshold reaches the target: everything goes to review."""

    target: float
    rule: str
    threshold: float | None
    n: int
    n_auto: int
    n_auto_correct: int

    @property
    def coverage(self) -> float:
        return self.n_auto / self.n if self.n else 0.0

    @property
    def coverage_interval(self) -> tuple[float, float]:
        return wilson(self.n_auto, self.n)

    @property
    def precision(self) -> float | None:
        return self.n_auto_correct / self.n_auto if self.n_auto else None

    @property
    def precision_interval(self) -> tuple[float, float]:
        return wilson(self.n_auto_correct, self.n_auto)

    def as_dict(self) -> dict:
        out = asdict(self)
        out.update(
            coverage=self.coverage,
            coverage_interval=list(self.coverage_interval),
            precision=self.precision,
            precision_interval=list(self.precision_interval),
        )
        return out

    def summary(self) -> str:
        if self.threshold is None:
            return (
                f"no threshold reaches precision {self.target:.2f} ({self.rule} rule) on {self.n} texts: "
                "every suggestion goes to review"
            )
        lo, hi = self.precision_interval
        clo, chi = self.coverage_interval
        return (
            f"threshold {self.threshold:.4f}: {self.n_auto} of {self.n} routed automatically, coverage "
            f"{self.coverage:.3f} (95 % {clo:.3f}–{chi:.3f}); precision {self.precision:.4f} "
            f"(95 % {lo:.3f}–{hi:.3f})"
        )


def _check(confidence, correct) -> tuple[np.ndarray, np.ndarray]:
    conf = np.asarray(confidence, dtype=float).ravel()
    ok = np.asarray(correct, dtype=bool).ravel()
    if conf.shape != ok.shape:
        raise ValueError("confidence and correct must have the same length")
    return conf, ok


def find_threshold(
    confidence: Iterable[float],
    correct: Iterable[bool],
    target: float = DEFAULT_TARGET,
    *,
    rule: str = "wilson",
) -> RoutingThreshold:
    """The smallest confidence ``t`` among those observed such that the texts with confidence ≥ ``t``
    meet ``target``: under ``rule="wilson"`` the lower end of the 95 % Wilson interval of their precision
    is ≥ ``target``; under ``rule="precision"`` their measured precision is. ``confidence`` is each
    text's top probability (out of fold), ``correct`` whether that top label was the true one."""
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}")
    if not 0 < target < 1:
        raise ValueError("the target precision must lie between 0 and 1")
    conf, ok = _check(confidence, correct)
    order = np.argsort(-conf, kind="stable")
    conf, ok = conf[order], ok[order]
    hits = np.cumsum(ok)
    best: tuple[float, int, int] | None = None
    for i in range(len(conf)):
        if i + 1 < len(conf) and conf[i + 1] == conf[i]:
            continue  # ties: a threshold takes all texts of one confidence or none
        m, k = i + 1, int(hits[i])
        meets = wilson(k, m)[0] >= target if rule == "wilson" else k / m >= target
        if meets:
            best = (float(conf[i]), m, k)  # lower thresholds come later: the last one that meets wins
    if best is None:
        return RoutingThreshold(target, rule, None, len(conf), 0, 0)
    return RoutingThreshold(target, rule, best[0], len(conf), best[1], best[2])


def measure_routing(
    confidence: Iterable[float],
    correct: Iterable[bool],
    threshold: float | None,
    *,
    target: float = DEFAULT_TARGET,
    rule: str = "wilson",
) -> RoutingThreshold:
    """What a given ``threshold`` does on other texts (held out): coverage and precision with intervals."""
    conf, ok = _check(confidence, correct)
    auto = conf >= threshold if threshold is not None else np.zeros(len(conf), dtype=bool)
    return RoutingThreshold(target, rule, threshold, len(conf), int(auto.sum()), int((auto & ok).sum()))


def route(confidence: float, threshold: float | None) -> str:
    """``"auto"`` (可直接采用) when the top probability reaches the threshold, else ``"review"``."""
    return "auto" if threshold is not None and confidence >= threshold else "review"


def margins(proba: np.ndarray) -> np.ndarray:
    """Top probability minus the second per row: small means the text sits between two labels, which
    is where a person's label teaches the model most (uncertainty sampling)."""
    p = np.asarray(proba, dtype=float)
    if p.ndim != 2 or p.shape[1] == 0:
        return np.zeros(len(p))
    if p.shape[1] == 1:
        return p[:, 0].copy()
    top2 = -np.partition(-p, 1, axis=1)[:, :2]
    return top2[:, 0] - top2[:, 1]


def reliability(confidence: Iterable[float], correct: Iterable[bool], bins: int = 10) -> dict:
    """Calibration of the top probability: per equal-width bin its count, mean confidence and accuracy,
    and the expected calibration error (ECE, the count-weighted mean |accuracy − confidence|)."""
    conf, ok = _check(confidence, correct)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    rows, ece = [], 0.0
    for b in range(bins):
        sel = which == b
        n = int(sel.sum())
        if not n:
            continue
        mean_conf, acc = float(conf[sel].mean()), float(ok[sel].mean())
        ece += n / len(conf) * abs(acc - mean_conf)
        rows.append(
            {
                "low": float(edges[b]),
                "high": float(edges[b + 1]),
                "n": n,
                "confidence": mean_conf,
                "accuracy": acc,
            }
        )
    return {"ece": float(ece), "bins": rows, "n": int(len(conf))}


def out_of_fold_proba(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    seed: int = 0,
    lexicon=None,
    unlabelled: Iterable[str] | None = None,
    **params,
) -> tuple[np.ndarray, list[str]]:
    """Each text's probabilities from a model trained on the other folds (stratified ``folds`` folds),
    in the column order of the returned label list (sorted, like the classifier's). A label a fold's
    model never saw gets probability 0 there."""
    from sklearn.model_selection import StratifiedKFold

    from .classify import TextClassifier

    y = np.array([str(v) for v in labels])
    order = sorted(set(y.tolist()))
    counts = np.array([int((y == lab).sum()) for lab in order])
    k = int(min(folds, max(2, counts.max(initial=0))))
    if len(y) < 2 * k or len(order) < 2:
        raise ValueError("too few labelled texts to cross-validate")
    extra = list(unlabelled) if unlabelled is not None else None
    proba = np.zeros((len(y), len(order)))
    split = StratifiedKFold(k, shuffle=True, random_state=seed)
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The least populated class")
        parts = list(split.split(np.zeros(len(y)), y))
    for tr, te in parts:
        if len(set(y[tr].tolist())) < 2:
            continue
        model = TextClassifier(**params).fit(
            [texts[i] for i in tr], y[tr].tolist(), lexicon=lexicon, unlabelled=extra
        )
        p = model.predict_proba([texts[i] for i in te])
        cols = [order.index(lab) for lab in model.labels_ if lab in order]
        keep = [j for j, lab in enumerate(model.labels_) if lab in order]
        proba[np.ix_(te, cols)] = p[:, keep]
    return proba, order


def oof_confidence(proba: np.ndarray, label_order: Sequence[str], labels: Sequence[str]):
    """(top probability, whether the top label is the true one) per row of out-of-fold ``proba``."""
    p = np.asarray(proba, dtype=float)
    top = p.argmax(axis=1)
    truth = np.array([str(v) for v in labels])
    names = np.array(list(label_order))
    return p.max(axis=1), names[top] == truth
