"""Selective triage measured on the complaints data: ``anju triage evaluate --min-precision P``.

Protocol (the split of :mod:`anju.text.evaluate`, so the 549 held-out messages are the usual ones):

1. On the training part only, every raw training message is predicted by a model trained on the other
   folds (``folds`` stratified folds, each with the segmented rows and the unlabelled messages under the
   leakage rule of :func:`anju.text.evaluate.fold_training`): out-of-fold probabilities, as a county's
   retraining computes them on its ledger.
2. Calibration of those probabilities (reliability bins, ECE), and the routing threshold that reaches the
   target precision on them (:func:`anju.text.selective.find_threshold`, Wilson lower bound; the plain
   share is printed beside it).
3. The final model (all training rows + segmented rows, as ``anju triage evaluate`` trains it) predicts
   the held-out messages; the threshold found in step 2 routes them. Printed: the threshold, the share
   routed automatically (coverage) and the precision on that share, each with a 95 % Wilson interval,
   and the held-out calibration. The held-out messages choose nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from .evaluate import SEED, fold_training, prepare
from .selective import find_threshold, measure_routing, reliability


def _print_reliability(name: str, rel: dict, out) -> None:
    out(f"calibration ({name}, {rel['n']} texts): ECE {rel['ece']:.4f}")
    for b in rel["bins"]:
        out(
            f"  confidence {b['low']:.1f}–{b['high']:.1f}: {b['n']:5d} texts, mean confidence "
            f"{b['confidence']:.3f}, accuracy {b['accuracy']:.3f}"
        )


def selective_evaluation(
    data_dir: Path, *, target: float = 0.97, folds: int = 5, out=print, params: dict | None = None
) -> dict:
    from sklearn.model_selection import StratifiedKFold

    from .classify import TextClassifier

    t0 = time.time()
    d = prepare(data_dir)
    X, y, X_tok = d["train_texts"], np.array(d["train_labels"]), d["train_tokens"]
    out(f"training part: {len(y)} raw messages; held out: {len(d['test_texts'])}  [{time.time() - t0:.0f}s]")
    conf = np.zeros(len(y))
    ok = np.zeros(len(y), dtype=bool)
    split = StratifiedKFold(folds, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y)
    for k, (tr, va) in enumerate(split):
        t1 = time.time()
        fold = fold_training(d, X, y, X_tok, tr, va)
        model = TextClassifier(**(params or {})).fit(
            fold["texts"], fold["labels"], unlabelled=fold["unlabelled"]
        )
        p = model.predict_proba([X[i] for i in va])
        conf[va] = p.max(axis=1)
        ok[va] = np.array(model.labels_)[p.argmax(axis=1)] == y[va]
        out(f"fold {k + 1}/{folds}: accuracy {ok[va].mean():.4f}  [{time.time() - t1:.0f}s]")
    oof_rel = reliability(conf, ok)
    _print_reliability("out of fold, training part", oof_rel, out)
    chosen = find_threshold(conf, ok, target)
    plain = find_threshold(conf, ok, target, rule="precision")
    out(f"out of fold, Wilson lower bound ≥ {target}: {chosen.summary()}")
    out(f"out of fold, plain precision ≥ {target}: {plain.summary()}")

    t1 = time.time()
    final = TextClassifier(**(params or {})).fit(
        d["train_texts"] + d["seg_texts"],
        d["train_labels"] + d["seg_labels"],
        unlabelled=d["unlabelled_texts"],
    )
    p = final.predict_proba(d["test_texts"])
    te_conf = p.max(axis=1)
    te_ok = np.array(final.labels_)[p.argmax(axis=1)] == np.array(d["test_labels"])
    out(f"final model trained, held-out accuracy {te_ok.mean():.4f}  [{time.time() - t1:.0f}s]")
    test_rel = reliability(te_conf, te_ok)
    _print_reliability("held out", test_rel, out)
    held = measure_routing(te_conf, te_ok, chosen.threshold, target=target)
    held_plain = measure_routing(te_conf, te_ok, plain.threshold, target=target, rule="precision")
    out(f"HELD OUT, threshold from the Wilson rule: {held.summary()}")
    out(f"held out, threshold from the plain-precision rule: {held_plain.summary()}")
    # the other side of the trade: the precision at 85 % coverage (the coverage target)
    order = np.argsort(-te_conf, kind="stable")
    n85 = int(np.ceil(0.85 * len(order)))
    k85 = int(te_ok[order[:n85]].sum())
    out(
        f"held out, the {n85} most confident messages (85 % coverage): precision {k85 / n85:.4f} "
        f"(confidence ≥ {te_conf[order[n85 - 1]]:.4f})"
    )
    return {
        "oof": chosen.as_dict(),
        "oof_plain": plain.as_dict(),
        "held_out": held.as_dict(),
        "held_out_plain": held_plain.as_dict(),
        "ece_oof": oof_rel["ece"],
        "ece_held_out": test_rel["ece"],
        "precision_at_85": k85 / n85,
    }
