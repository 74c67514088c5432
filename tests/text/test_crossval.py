"""The evaluation protocol on a small synthetic copy of the Teddy Cup layout (no ../shared needed)."""

import csv

import pytest

from anju.text.crossval import cross_validate
from anju.text.evaluate import prepare


def _write(path, fields, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


@pytest.fixture
def data_dir(tmp_path, fixture_rows):
    raw = [{"text": r["text"], "label_l1": r["label"]} for r in fixture_rows]
    # a repost of every raw message, and one unrelated message: only the reposts may be dropped
    seg = [{"tokens": " ".join(r["text"]), "label_l1": r["label"]} for r in fixture_rows[:40]]
    _write(tmp_path / "teddy2020_labeled_raw.csv", ["text", "label_l1"], raw)
    _write(tmp_path / "teddy2020_labeled_segmented.csv", ["tokens", "label_l1"], seg)
    unlab = [{"title": "", "detail": r["text"] + "请尽快处理"} for r in fixture_rows] + [
        {"title": "鑫淼小区", "detail": "电梯年久失修"}
    ]
    for name in ("teddy2020_test_unlabeled.csv", "teddy2020_hotspot_msgs.csv", "teddy2020_replies.csv"):
        _write(tmp_path / name, ["title", "detail"], unlab)
    return tmp_path


def test_unlabelled_copies_of_test_messages_are_dropped(data_dir):
    d = prepare(data_dir)
    test = set(d["test_texts"])
    assert len(test) == 24 and not test & set(d["train_texts"])
    # exact duplicates across the three files count once; copies of test messages are removed
    assert d["n_unlabelled"] == 121
    assert d["n_unlabelled_dropped"] >= 24
    assert not any(t.startswith(x) for t in d["unlabelled_texts"] for x in test)
    assert "鑫淼小区电梯年久失修" in d["unlabelled_texts"]
    assert len(d["unlabelled_tokens"]) == len(d["unlabelled_texts"])
    assert len(d["seg_tokens"]) == len(d["seg_texts"])


def test_cross_validation_reports_every_variant(data_dir):
    lines = []
    res = cross_validate(data_dir, folds=2, seed=0, out=lines.append)
    assert len(res) == 2
    for r in res.values():
        assert len(r["folds"]) == 2 and 0.5 < r["mean"] <= 1.0
    assert lines[0].startswith("fold 1/2") and len(lines) == 2 + 2
