"""Throughput and model size of the anju.text classifier, on one core.

    python bench/bench_text.py                 # uses ../shared/data/complaints when present
    python bench/bench_text.py --fixture       # only the small fixture of tests/text (no shared data)
    python bench/bench_text.py --word-bigrams  # the same with the fifth round's dictionary-word bigrams

Trains the classifier as ``anju triage evaluate`` trains its final model (all raw labelled messages plus
the segmented file, with the board's unlabelled messages shaping the features; or the fixture), saves it,
and reports the model file size and classification speed (texts/s) in batches of 256 and one text at a time, pinned to one CPU
core with single-threaded BLAS. Also times extraction, masking and duplicate look-ups per text.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "complaints"


def load(fixture: bool) -> tuple[list[str], list[str], list[str], list[str], list[str], str]:
    """(texts to classify, training texts, their labels, unlabelled texts, a description)."""
    if not fixture and (DATA / "teddy2020_labeled_raw.csv").exists():
        from anju.text.evaluate import unlabelled_texts

        csv.field_size_limit(2**31 - 1)
        with open(DATA / "teddy2020_labeled_raw.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        with open(DATA / "teddy2020_labeled_segmented.csv", encoding="utf-8", newline="") as fh:
            seg = list(csv.DictReader(fh))
        raw = [r["text"] for r in rows]
        train = raw + ["".join(r["tokens"].split()) for r in seg]
        labels = [r["label_l1"] for r in rows] + [r["label_l1"] for r in seg]
        unlab = unlabelled_texts(DATA)
        return raw, train, labels, unlab, "raw + segmented + unlabelled (classifying the raw messages)"
    with open(
        ROOT / "tests" / "text" / "fixtures" / "triage_fixture.csv", encoding="utf-8", newline=""
    ) as fh:
        rows = list(csv.DictReader(fh))
    texts = [r["text"] for r in rows] * 20
    return texts, texts, [r["label"] for r in rows] * 20, [], "fixture ×20"


def rate(fn, items, repeat=3) -> float:
    best = 0.0
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(items)
        best = max(best, len(items) / (time.perf_counter() - t0))
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixture", action="store_true")
    ap.add_argument("--word-bigrams", action="store_true", help="with dictionary-word bigrams (fifth round)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from anju.text import TextClassifier, extract, load_model, mask
    from anju.text.dedup import DuplicateIndex

    texts, train, labels, unlabelled, source = load(args.fixture)
    n_chars = sum(len(t) for t in texts) / len(texts)
    t0 = time.perf_counter()
    model = TextClassifier(word_bigrams=args.word_bigrams).fit(train, labels, unlabelled=unlabelled)
    fit_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pkl"
        model.save(path)
        size = path.stat().st_size
        t0 = time.perf_counter()
        model = load_model(path)
        load_s = time.perf_counter() - t0
    model.predict_proba(texts[:10])  # warm caches (jieba dictionary, hash table)

    def batched(items):
        for s in range(0, len(items), 256):
            model.predict_proba(items[s : s + 256])

    def single(items):
        for t in items:
            model.predict_proba([t])

    sample = texts[:2000]
    print(f"data: {source}; {len(train)} training texts, {len(unlabelled)} unlabelled")
    print(f"classified: {len(texts)} texts, mean {n_chars:.0f} characters")
    print(f"train: {fit_s:.1f} s; model file {size / 1e6:.1f} MB; load {load_s:.2f} s")
    print(f"classify, batches of 256: {rate(batched, sample):,.0f} texts/s (one core)")
    print(f"classify, one at a time:  {rate(single, sample[:500]):,.0f} texts/s")
    print(f"classify a 100,000-character text: {1000 * (rate(single, ['投诉' * 50_000], 1) ** -1):.1f} ms")
    print(f"extract: {rate(lambda xs: [extract(x) for x in xs], sample[:300], 1):,.0f} texts/s")
    print(f"mask:    {rate(lambda xs: [mask(x) for x in xs], sample[:300], 1):,.0f} texts/s")
    idx = DuplicateIndex()
    t0 = time.perf_counter()
    for i, t in enumerate(sample):
        idx.add(i, t)
    add_rate = len(sample) / (time.perf_counter() - t0)
    print(
        f"duplicates: add {add_rate:,.0f} texts/s, query {rate(lambda xs: [idx.query(x) for x in xs], sample[:300], 1):,.0f} texts/s"
    )


if __name__ == "__main__":
    main()
