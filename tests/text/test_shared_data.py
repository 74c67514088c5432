"""Checks on the real Teddy Cup messages in ../shared (skipped only when that folder is absent).

The full measurement is ``anju triage evaluate --data ../shared/data/complaints --hotspots``; these tests
run a smaller, faster version of it in CI.
"""

import csv
import random
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

SHARED = Path(__file__).parents[2].parent / "shared"
COMPLAINTS = SHARED / "data" / "complaints"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not SHARED.exists(), reason="../shared is absent"),
]


def _read(name):
    with open(COMPLAINTS / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_classifier_on_raw_messages():
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split

    from anju.text import TextClassifier

    rows = _read("teddy2020_labeled_raw.csv")
    texts = [r["text"] for r in rows]
    labels = [r["label_l1"] for r in rows]
    tr, te = train_test_split(np.arange(len(rows)), test_size=0.2, stratify=labels, random_state=20200425)
    model = TextClassifier().fit([texts[i] for i in tr], [labels[i] for i in tr])
    pred = model.predict([texts[i] for i in te])
    f1 = f1_score([labels[i] for i in te], pred, average="macro")
    assert f1 >= 0.87, f1  # raw file only; with the segmented file added, `anju triage evaluate` gets ~0.92


def test_named_hotspots_are_single_clusters():
    from anju.text.cluster import cluster_texts

    rows = _read("teddy2020_hotspot_msgs.csv")
    # a faster subset: the second half of 2019 plus the named hotspots (which reach back to 2017)
    rows = [r for r in rows if r["posted_at_iso"] >= "2019-07" or 360100 <= int(r["msg_id"]) <= 360114]
    random.Random(1).shuffle(rows)  # no method may use msg_id order
    texts = [r["title"].strip() + "。" + r["detail"].strip() for r in rows]
    times = [datetime.fromisoformat(r["posted_at_iso"]) for r in rows]
    res = cluster_texts(texts, times=times, terms_for=0)
    ids = [int(r["msg_id"]) for r in rows]
    for lo, hi in ((360100, 360109), (360110, 360114)):
        labs = {res.labels[i] for i in range(len(ids)) if lo <= ids[i] <= hi}
        assert len(labs) == 1, (lo, hi, labs)
