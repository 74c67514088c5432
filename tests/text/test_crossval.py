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


def test_outer_evaluation_holds_out_every_message_once(data_dir, fixture_rows):
    from anju.text.evaluate import _tokens
    from anju.text.outer import outer_evaluation

    # segmented copies of the first 40 messages, in words like the real file, and one unrelated row
    seg = [{"tokens": " ".join(_tokens(r["text"])), "label_l1": r["label"]} for r in fixture_rows[:40]]
    seg.append({"tokens": "鑫淼 小区 电梯 年久失修", "label_l1": fixture_rows[0]["label"]})
    _write(data_dir / "teddy2020_labeled_segmented.csv", ["tokens", "label_l1"], seg)
    lines = []
    res = outer_evaluation(data_dir, folds=3, out=lines.append)
    folds = [ln for ln in lines if ln.startswith("fold ")]
    assert len(folds) == 3 and len(res["folds"]) == 3
    held = [int(ln.split("held out ")[1].split(";")[0]) for ln in folds]
    assert sum(held) == 120
    # each copy is dropped at least in the fold holding its message out (the synthetic sentences are
    # alike, so some copies are dropped in other folds too); the unrelated row never is
    kept = [int(ln.split(" raw, ")[1].split(" segmented")[0]) for ln in folds]
    assert sum(41 - k for k in kept) >= 40 and min(kept) >= 1
    lo, hi = res["interval"]
    assert 0.0 <= lo <= res["macro_f1"] <= hi <= 1.0
    assert "pooled over 120 held-out messages" in lines[-2]


def test_bootstrap_interval_is_degenerate_for_perfect_predictions():
    from anju.text.outer import bootstrap_interval

    y = ["a", "b", "c"] * 20
    assert bootstrap_interval(y, y, reps=50) == (1.0, 1.0)
    wrong = y[:-6] + ["a"] * 6
    lo, hi = bootstrap_interval(y, wrong, reps=200)
    assert lo < hi < 1.0


def test_taxonomy_names_can_join_a_cross_validated_variant(data_dir, fixture_rows, monkeypatch):
    from anju.text.classify import TextClassifier

    seen = []
    real_fit = TextClassifier.fit

    def recording_fit(self, texts, labels, **kwargs):  # the real fit, with its lexicon noted
        seen.append(kwargs.get("lexicon"))
        return real_fit(self, texts, labels, **kwargs)

    monkeypatch.setattr(TextClassifier, "fit", recording_fit)
    labels = sorted({r["label"] for r in fixture_rows})
    _write(
        data_dir / "teddy2020_taxonomy.csv",
        ["level1", "level2", "level3"],
        [{"level1": lab, "level2": f"{lab}事务", "level3": "其他"} for lab in labels],
    )
    variants = {"plain": ({}, True), "taxonomy": ({}, True, {"lexicon": "taxonomy"})}
    res = cross_validate(data_dir, folds=2, seed=0, out=lambda s: None, variants=variants)
    assert set(res) == {"plain", "taxonomy"}
    assert all(len(r["folds"]) == 2 for r in res.values())
    # per fold: the plain variant without a lexicon, then the taxonomy's level-2 names ("其他" left out)
    assert seen == [None, {lab: [f"{lab}事务"] for lab in labels}] * 2


def test_evaluate_command_runs_the_pooled_evaluation(data_dir, tmp_path_factory, capsys):
    from anju.text.cli import main

    assert main(["triage", "evaluate", "--data", str(data_dir), "--outer", "2"]) == 0
    out = capsys.readouterr().out
    folds = [ln for ln in out.splitlines() if ln.startswith("fold ")]
    assert len(folds) == 2 and "pooled over 120 held-out messages" in out
    empty = tmp_path_factory.mktemp("empty")
    assert main(["triage", "evaluate", "--data", str(empty), "--outer", "2"]) == 1
    assert "has no teddy2020_labeled_raw.csv" in capsys.readouterr().err
