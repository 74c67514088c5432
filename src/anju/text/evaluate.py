"""Reproducible measurements on the 2020 Teddy Cup citizen-message data (``../shared/data/complaints``).

``anju triage evaluate --data ../shared/data/complaints`` runs everything reported in ``docs/triage-experiments.md``:

1. Split ``teddy2020_labeled_raw.csv`` into a stratified 80/20 train/test split (seed 20200425). The
   test part comes from the raw file only.
2. Leakage control: every training row (raw train rows and segmented rows) whose jieba tokens are ≥ 50 %
   contained in one raw test text is dropped (token-set containment, |row ∩ test| / |row|, on jieba
   tokens of the test text; the segmented file is jieba tokens without stopwords, so containment of
   its tokens in the test text's tokens is the right direction). This removes the test messages' copies
   in the segmented file and near-duplicate reposts in the raw training part.
3. Unlabelled messages of the same board (official 附件2 test set, 附件3 and 附件4; title + detail,
   exact duplicates dropped) go through the same leakage control against the test split and are then
   given to the classifier as ``unlabelled`` texts: they shape the feature vocabulary and IDF only,
   never the labels.
4. Learning curve: train on 100 / 300 / 1,000 / all raw training rows (stratified subsamples), then on
   all raw training rows plus the de-duplicated segmented file; report macro-F1 and accuracy on the test
   part, each computed once.
5. Throughput (texts/s, one process, one core: the featurizer and the model are single-threaded) on the
   test texts, and the size of the saved model file.
6. With ``--hotspots``: cluster ``teddy2020_hotspot_msgs.csv`` (rows shuffled, so id order cannot help),
   check the two hotspots named in the competition statement, and print the ten largest clusters.
"""

from __future__ import annotations

import csv
import random
import re
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np

SEED = 20200425
CONTAINMENT = 0.5


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _tokens(text: str) -> list[str]:
    from .segment import words

    return [w for w in words(text) if re.search(r"\w", w)]


def _max_containment(cands: list[list[str]], tests: list[list[str]]) -> np.ndarray:
    from sklearn.feature_extraction.text import CountVectorizer

    cv = CountVectorizer(analyzer=lambda d: d, binary=True).fit(tests)
    T = cv.transform(tests).T.tocsc()
    out = np.zeros(len(cands))
    for s in range(0, len(cands), 2000):
        part = cands[s : s + 2000]
        M = cv.transform(part)
        n = np.array([max(len(set(d)), 1) for d in part])
        out[s : s + len(part)] = (M @ T).toarray().max(axis=1) / n
    return out


def prepare(data_dir: Path) -> dict:
    """The split and the de-duplicated training data (see the module docstring)."""
    from sklearn.model_selection import train_test_split

    from .normalize import normalize

    raw = _read(data_dir / "teddy2020_labeled_raw.csv")
    seg = _read(data_dir / "teddy2020_labeled_segmented.csv")
    X = [normalize(r["text"]) for r in raw]
    y = [r["label_l1"] for r in raw]
    idx = np.arange(len(X))
    tr, te = train_test_split(idx, test_size=0.2, stratify=y, random_state=SEED)
    test_tok = [_tokens(X[i]) for i in te]
    tr_tok = [_tokens(X[i]) for i in tr]
    c_tr = _max_containment(tr_tok, test_tok)
    seg_tok = [r["tokens"].split() for r in seg]
    c_seg = _max_containment(seg_tok, test_tok)
    unlab = unlabelled_texts(data_dir)
    un_tok = [_tokens(t) for t in unlab]
    c_un = _max_containment(un_tok, test_tok)
    tr_keep = [i for i, c in zip(tr, c_tr, strict=True) if c < CONTAINMENT]
    seg_keep = [i for i, c in enumerate(c_seg) if c < CONTAINMENT]
    return {
        "train_texts": [X[i] for i in tr_keep],
        "train_labels": [y[i] for i in tr_keep],
        "test_texts": [X[i] for i in te],
        "test_labels": [y[i] for i in te],
        "seg_texts": ["".join(seg_tok[i]) for i in seg_keep],
        "seg_labels": [seg[i]["label_l1"] for i in seg_keep],
        "n_raw": len(raw),
        "n_train_split": len(tr),
        "n_train_dropped": len(tr) - len(tr_keep),
        "n_seg": len(seg),
        "n_seg_dropped": len(seg) - len(seg_keep),
        "unlabelled_texts": [t for t, c in zip(unlab, c_un, strict=True) if c < CONTAINMENT],
        # token lists of the kept rows, for the per-fold de-duplication of cross-validation
        "train_tokens": [tr_tok[i] for i, c in zip(range(len(tr)), c_tr, strict=True) if c < CONTAINMENT],
        "seg_tokens": [seg_tok[i] for i in seg_keep],
        "unlabelled_tokens": [t for t, c in zip(un_tok, c_un, strict=True) if c < CONTAINMENT],
        "n_unlabelled": len(unlab),
        "n_unlabelled_dropped": int((c_un >= CONTAINMENT).sum()),
    }


def fold_training(d: dict, texts, labels, tokens, train: np.ndarray, held_out: np.ndarray) -> dict:
    """A fold's training data under the leakage rule: the rows ``train`` of ``texts``/``labels``, the
    segmented rows and the unlabelled messages of ``d``, less those whose tokens are ≥ 50 % contained in
    one held-out text (``tokens`` of the rows ``held_out``)."""
    held_tok = [tokens[i] for i in held_out]
    raw = train[_max_containment([tokens[i] for i in train], held_tok) < CONTAINMENT]
    seg = np.nonzero(_max_containment(d["seg_tokens"], held_tok) < CONTAINMENT)[0]
    unl = np.nonzero(_max_containment(d["unlabelled_tokens"], held_tok) < CONTAINMENT)[0]
    return {
        "texts": [texts[i] for i in raw] + [d["seg_texts"][i] for i in seg],
        "labels": [labels[i] for i in raw] + [d["seg_labels"][i] for i in seg],
        "unlabelled": [d["unlabelled_texts"][i] for i in unl],
        "n_raw": len(raw),
        "n_seg": len(seg),
        "n_unlabelled": len(unl),
    }


UNLABELLED_FILES = ("teddy2020_test_unlabeled.csv", "teddy2020_hotspot_msgs.csv", "teddy2020_replies.csv")


def unlabelled_texts(data_dir: Path) -> list[str]:
    """The board's unlabelled messages (title + detail, whitespace removed like the raw file's ``text``),
    exact duplicates dropped; the department replies of 附件4 are not used."""
    from .normalize import normalize

    seen: set[str] = set()
    out = []
    for name in UNLABELLED_FILES:
        for r in _read(data_dir / name):
            t = normalize(re.sub(r"\s+", "", (r["title"] or "") + (r["detail"] or "")))
            if t and t not in seen:
                seen.add(t)
                out.append(t)
    return out


def taxonomy_lexicon(data_dir: Path, labels: set[str]) -> dict[str, list[str]]:
    """A keyword lexicon like the one a county would configure: the official taxonomy's level-2 and
    level-3 names (附件1) under each level-1 label that occurs in the data ("其他" dropped)."""
    lex: dict[str, set[str]] = {}
    for r in _read(data_dir / "teddy2020_taxonomy.csv"):
        if r["level1"] in labels:
            for name in (r["level2"], r["level3"]):
                if name and name.strip() and "其他" not in name:
                    lex.setdefault(r["level1"], set()).add(name.strip())
    return {k: sorted(v) for k, v in lex.items()}


def _subsample(labels: list[str], n: int, seed: int) -> list[int]:
    from sklearn.model_selection import train_test_split

    if n >= len(labels):
        return list(range(len(labels)))
    idx, _ = train_test_split(np.arange(len(labels)), train_size=n, stratify=labels, random_state=seed)
    return sorted(idx.tolist())


def throughput(model, texts: list[str], repeat: int = 3) -> dict:
    """texts/s classifying ``texts`` in batches of 256, and one at a time."""
    best = 0.0
    for _ in range(repeat):
        t0 = time.perf_counter()
        for s in range(0, len(texts), 256):
            model.predict_proba(texts[s : s + 256])
        best = max(best, len(texts) / (time.perf_counter() - t0))
    one = texts[:300]
    t0 = time.perf_counter()
    for t in one:
        model.predict_proba([t])
    single = len(one) / (time.perf_counter() - t0)
    return {"batch_texts_per_s": round(best), "single_texts_per_s": round(single)}


def evaluate_classifier(data_dir: Path, *, sizes=(100, 300, 1000), out=print, **params) -> dict:
    from sklearn.metrics import accuracy_score, classification_report, f1_score

    from .classify import TextClassifier

    t0 = time.time()
    d = prepare(data_dir)
    out(
        f"raw: {d['n_raw']} rows; train split {d['n_train_split']} (dropped {d['n_train_dropped']} near-duplicates "
        f"of test rows), test {len(d['test_texts'])}; segmented: {d['n_seg']} rows, dropped {d['n_seg_dropped']} "
        f"overlapping the test split (token containment ≥ {CONTAINMENT}); unlabelled: {d['n_unlabelled']} "
        f"messages, dropped {d['n_unlabelled_dropped']} overlapping the test split  [{time.time() - t0:.0f}s]"
    )
    unlab = d["unlabelled_texts"]
    yte = d["test_labels"]
    results = []
    runs = [(n, False) for n in sizes if n < len(d["train_labels"])] + [
        (len(d["train_labels"]), False),
        (None, True),
    ]
    model = None
    for n, with_seg in runs:
        if with_seg:
            texts = d["train_texts"] + d["seg_texts"]
            labels = d["train_labels"] + d["seg_labels"]
            name = f"all raw ({len(d['train_texts'])}) + segmented ({len(d['seg_texts'])})"
        else:
            idx = _subsample(d["train_labels"], n, SEED)
            texts = [d["train_texts"][i] for i in idx]
            labels = [d["train_labels"][i] for i in idx]
            name = f"{len(idx)} raw"
        t1 = time.time()
        model = TextClassifier(**params).fit(texts, labels, unlabelled=unlab)
        pred = model.predict(d["test_texts"])
        f1 = f1_score(yte, pred, average="macro")
        acc = accuracy_score(yte, pred)
        results.append({"train": name, "n": len(texts), "macro_f1": round(f1, 4), "accuracy": round(acc, 4)})
        out(f"{name:45s} macro-F1 {f1:.4f}  accuracy {acc:.4f}  [{time.time() - t1:.0f}s]")
    assert model is not None  # the loop above always trains one; type narrowing  # nosec B101
    final = model
    # the small-data end with the county's keyword lexicon (here: the official taxonomy's names)
    from .classify import LexiconClassifier

    lex = taxonomy_lexicon(data_dir, set(yte))
    lex_model = LexiconClassifier(lex)
    pred = lex_model.predict(d["test_texts"])
    f1, acc = f1_score(yte, pred, average="macro"), accuracy_score(yte, pred)
    results.append(
        {"train": "0 (taxonomy lexicon only)", "n": 0, "macro_f1": round(f1, 4), "accuracy": round(acc, 4)}
    )
    out(f"{'0, taxonomy keyword lexicon only':45s} macro-F1 {f1:.4f}  accuracy {acc:.4f}")
    for n in sizes:
        idx = _subsample(d["train_labels"], n, SEED)
        m = TextClassifier(**params).fit(
            [d["train_texts"][i] for i in idx],
            [d["train_labels"][i] for i in idx],
            lexicon=lex,
            unlabelled=unlab,
        )
        pred = m.predict(d["test_texts"])
        f1, acc = f1_score(yte, pred, average="macro"), accuracy_score(yte, pred)
        results.append(
            {"train": f"{n} raw + lexicon", "n": n, "macro_f1": round(f1, 4), "accuracy": round(acc, 4)}
        )
        out(f"{f'{n} raw + taxonomy lexicon':45s} macro-F1 {f1:.4f}  accuracy {acc:.4f}")
    model = final
    out(classification_report(yte, model.predict(d["test_texts"]), digits=3))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pkl"
        model.save(path)
        size = path.stat().st_size
    speed = throughput(model, d["test_texts"])
    out(f"model file: {size / 1e6:.1f} MB; throughput: {speed}")
    return {"curve": results, "model_bytes": size, **speed}


def evaluate_hotspots(data_dir: Path, *, out=print, top: int = 10, **params) -> dict:
    from .cluster import cluster_texts

    rows = _read(data_dir / "teddy2020_hotspot_msgs.csv")
    random.Random(SEED).shuffle(rows)  # no method may use msg_id order; a split, not a secret  # nosec B311
    texts = [r["title"].strip() + "。" + r["detail"].strip() for r in rows]
    times = [datetime.fromisoformat(r["posted_at_iso"]) if r["posted_at_iso"] else None for r in rows]
    ids = [int(r["msg_id"]) for r in rows]
    t0 = time.time()
    res = cluster_texts(texts, times=times, **params)
    out(
        f"{len(texts)} messages → {len(set(res.labels))} clusters, {len(res.hotspots)} of size ≥ 2 [{time.time() - t0:.0f}s]"
    )
    checks = {}
    for lo, hi, name in (
        (360100, 360109, "魅力之城小区 油烟/噪音"),
        (360110, 360114, "A市经济学院 强制实习"),
    ):
        labs = Counter(res.labels[i] for i in range(len(ids)) if lo <= ids[i] <= hi)
        ok = len(labs) == 1
        cid = labs.most_common(1)[0][0]
        size = res.labels.count(cid)
        checks[name] = {"one_cluster": ok, "clusters": dict(labs), "cluster_size": size}
        out(
            f"hotspot {lo}–{hi} ({name}): {'ONE cluster' if ok else 'SPLIT'} {dict(labs)}, cluster size {size}"
        )
    for h in res.hotspots[:top]:
        out(f"\n#{h.id} size {h.size} cohesion {h.cohesion:.2f} terms {' '.join(h.terms)}")
        for m in h.members:
            out(f"    {ids[m]}  {texts[m][:70]}")
    return {"checks": checks, "n_clusters": len(set(res.labels))}
