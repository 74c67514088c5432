"""``anju triage …``: train, predict, cluster and evaluate from the command line (no Django).

::

    anju triage train --input labelled.csv --text-col text --label-col label --model triage.pkl
    anju triage predict --model triage.pkl --input new.csv --text-col text -o out.csv [--min-precision 0.97]
    anju triage cluster --input reports.csv --text-col text [--time-col posted_at] -o clusters.csv
    anju triage evaluate --data ../shared/data/complaints [--hotspots | --cv FOLDS | --outer FOLDS |
                                                           --min-precision P]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import datetime
from pathlib import Path

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def _read_rows(path: str, cols: list[str]) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in cols if c and c not in (reader.fieldnames or [])]
        if missing:
            raise SystemExit(
                f"{path}: no column {', '.join(missing)} (columns: {', '.join(reader.fieldnames or [])})"
            )
        return list(reader)


def _parse_time(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in (None, "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.fromisoformat(value) if fmt is None else datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def _lexicon(path: str | None) -> dict | None:
    if not path:
        return None
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: the lexicon must be a JSON object {{label: [keywords]}}")
    return {str(k): [str(w) for w in v] for k, v in data.items()}


def cmd_train(args) -> int:
    from .classify import TextClassifier, train_triage

    rows = _read_rows(args.input, [args.text_col, args.label_col])
    texts = [r[args.text_col] for r in rows]
    labels = [(r[args.label_col] or "").strip() for r in rows]
    try:
        # rows without a label are not thrown away: they shape the features (vocabulary and IDF)
        unlabelled = [t for t, lab in zip(texts, labels, strict=True) if not lab]
        lexicon = _lexicon(args.lexicon)
        model = train_triage(texts, labels, lexicon=lexicon, C=args.C, unlabelled=unlabelled)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if isinstance(model, TextClassifier) and args.cv_folds:
        # the routing threshold of ``predict --min-precision`` is found on these later, at any target
        from .selective import oof_confidence, out_of_fold_proba

        pairs = [(t, lab) for t, lab in zip(texts, labels, strict=True) if lab]
        try:
            proba, order = out_of_fold_proba(
                [t for t, _ in pairs],
                [lab for _, lab in pairs],
                folds=args.cv_folds,
                lexicon=lexicon,
                unlabelled=unlabelled,
                C=args.C,
            )
        except ValueError as exc:
            print(f"note: no out-of-fold check ({exc}); predict --min-precision will route all to review")
        else:
            conf, ok = oof_confidence(proba, order, [lab for _, lab in pairs])
            model.oof_ = {"confidence": conf.round(6).tolist(), "correct": ok.tolist()}
    model.save(args.model)
    kind = (
        "trained model" if isinstance(model, TextClassifier) else "keyword-lexicon fallback (too few labels)"
    )
    n = sum(1 for v in labels if v)
    print(
        f"{args.model}: {kind}, {n} labelled rows, {len(unlabelled)} unlabelled, labels: {', '.join(model.labels_)}"
    )
    return 0


def _routing(model, target: float):
    """The threshold for ``target`` found on the out-of-fold check ``train`` stored in the model."""
    from .selective import find_threshold

    oof = getattr(model, "oof_", None)
    if not oof:
        return None
    return find_threshold(oof["confidence"], oof["correct"], target)


def cmd_predict(args) -> int:
    from .classify import load_model
    from .selective import route

    if args.min_precision is not None and not 0 < args.min_precision < 1:
        print("error: --min-precision must lie between 0 and 1 (e.g. 0.97)", file=sys.stderr)
        return 1
    model = load_model(args.model)
    routing = _routing(model, args.min_precision) if args.min_precision is not None else None
    if args.min_precision is not None:
        if routing is None:
            print(
                "note: the model has no out-of-fold check (keyword lexicon, or trained with --cv-folds 0): "
                "every row is routed to review"
            )
        else:
            print(f"routing (out of fold, on the training data): {routing.summary()}")
    threshold = routing.threshold if routing is not None else None
    rows = _read_rows(args.input, [args.text_col])
    texts = [r[args.text_col] for r in rows]
    n_auto = 0
    with open(args.output, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["row", "label", "probability", "top3"] + (["route"] if args.min_precision is not None else [])
        )
        for s in range(0, len(texts), 512):
            for i, top in enumerate(model.top_k_many(texts[s : s + 512], k=3), start=s):
                row = [i, top[0][0], f"{top[0][1]:.4f}", "|".join(f"{lab}:{p:.4f}" for lab, p in top)]
                if args.min_precision is not None:
                    where = route(top[0][1], threshold)
                    n_auto += where == "auto"
                    row.append(where)
                w.writerow(row)
    routed = f", {n_auto} routed auto" if args.min_precision is not None else ""
    print(f"{args.output}: {len(texts)} rows{routed}")
    return 0


def cmd_cluster(args) -> int:
    from .cluster import cluster_texts

    rows = _read_rows(args.input, [args.text_col, args.time_col or ""])
    texts = [r[args.text_col] for r in rows]
    times = [_parse_time(r[args.time_col]) for r in rows] if args.time_col else None
    res = cluster_texts(texts, times=times, threshold=args.threshold, window_days=args.window_days)
    with open(args.output, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["row", "cluster"])
        for i, c in enumerate(res.labels):
            w.writerow([i, c])
    print(
        f"{args.output}: {len(texts)} rows, {len(set(res.labels))} clusters, {len(res.hotspots)} of size ≥ 2"
    )
    for h in res.hotspots[: args.show]:
        span = f" {h.first:%Y-%m-%d}…{h.last:%Y-%m-%d}" if h.first and h.last else ""
        print(f"  #{h.id} ({h.size}){span} {' '.join(h.terms)} — {h.title}")
    return 0


def cmd_evaluate(args) -> int:
    from .evaluate import evaluate_classifier, evaluate_hotspots

    data = Path(args.data)
    if not (data / "teddy2020_labeled_raw.csv").exists():
        print(f"error: {data} has no teddy2020_labeled_raw.csv", file=sys.stderr)
        return 1
    if args.cv:
        from .crossval import cross_validate

        cross_validate(data, folds=args.cv, seed=args.seed, cv_round=args.round)
        return 0
    if args.min_precision is not None:
        if not 0 < args.min_precision < 1:
            print("error: --min-precision must lie between 0 and 1 (e.g. 0.97)", file=sys.stderr)
            return 1
        from .selective_eval import selective_evaluation

        selective_evaluation(data, target=args.min_precision, folds=args.folds)
        return 0
    if args.outer:
        from .outer import outer_evaluation

        outer_evaluation(data, folds=args.outer)
        return 0
    if not args.hotspots_only:
        evaluate_classifier(data)
    if args.hotspots or args.hotspots_only:
        evaluate_hotspots(data)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("triage", help="文本分类、聚类与评测 (classify, cluster, evaluate texts)")
    sub = p.add_subparsers(dest="triage_command", metavar="COMMAND")
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])

    t = sub.add_parser("train", help="train a classifier from a labelled CSV")
    t.add_argument("--input", required=True)
    t.add_argument("--text-col", required=True)
    t.add_argument("--label-col", required=True)
    t.add_argument("--model", required=True, help="output model file (pickle; keep it in a trusted place)")
    t.add_argument("--lexicon", help="JSON {label: [keywords]}: fallback when there are too few labels")
    t.add_argument("--C", type=float, default=2.0, help="SVM regularisation (default 2.0)")
    t.add_argument(
        "--cv-folds",
        type=int,
        default=5,
        help="folds of the out-of-fold check stored with the model for predict --min-precision (0: none)",
    )
    t.set_defaults(func=cmd_train)

    pr = sub.add_parser("predict", help="predict labels for a CSV")
    pr.add_argument("--model", required=True, help="model file written by 'train' (trusted path only)")
    pr.add_argument("--input", required=True)
    pr.add_argument("--text-col", required=True)
    pr.add_argument("-o", "--output", required=True)
    pr.add_argument(
        "--min-precision",
        type=float,
        metavar="P",
        help="add a route column: auto where the top label reaches the threshold that gives precision P "
        "(Wilson lower bound, out of fold on the training data), else review",
    )
    pr.set_defaults(func=cmd_predict)

    c = sub.add_parser("cluster", help="cluster reports into hotspots")
    c.add_argument("--input", required=True)
    c.add_argument("--text-col", required=True)
    c.add_argument("--time-col")
    c.add_argument("-o", "--output", required=True)
    c.add_argument("--threshold", type=float, default=0.25, help="similarity cut (default 0.25)")
    c.add_argument("--window-days", type=float, help="only link reports at most this many days apart")
    c.add_argument("--show", type=int, default=10, help="print this many hotspots")
    c.set_defaults(func=cmd_cluster)

    e = sub.add_parser("evaluate", help="reproduce the measurements in docs/triage-experiments.md")
    e.add_argument("--data", default="../shared/data/complaints")
    e.add_argument("--hotspots", action="store_true", help="also run the hotspot evaluation")
    e.add_argument("--hotspots-only", action="store_true")
    e.add_argument(
        "--cv",
        type=int,
        metavar="FOLDS",
        help="instead: cross-validate the variants on the training part only",
    )
    e.add_argument("--seed", type=int, default=0, help="fold seed for --cv (default 0)")
    e.add_argument(
        "--outer",
        type=int,
        metavar="FOLDS",
        help="instead: hold out every raw message once (FOLDS folds) and pool the predictions",
    )
    e.add_argument(
        "--min-precision",
        type=float,
        metavar="P",
        help="instead: selective triage: the threshold reaching precision P out of fold on the training "
        "part, and its coverage and precision on the held-out messages",
    )
    e.add_argument("--folds", type=int, default=5, help="folds for --min-precision (default 5)")
    e.add_argument(
        "--round",
        type=int,
        choices=(2, 3, 4, 5, 6),
        default=4,
        help="which table of docs/triage-experiments.md --cv reproduces: 2, 3, 4 (the fourth round, default), 5 or 6",
    )
    e.set_defaults(func=cmd_evaluate)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="anju")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
