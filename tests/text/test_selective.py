"""Selective triage: the routing threshold, its figures, calibration and the CLI's route column."""

import csv
import pickle
from pathlib import Path

import numpy as np
import pytest

from anju.text.cli import main
from anju.text.selective import (
    find_threshold,
    margins,
    measure_routing,
    reliability,
    route,
    wilson,
)

HERE = Path(__file__).parent
#: a hand-made out-of-fold table: top probability and whether the top label was right
CONF = [0.99, 0.95, 0.95, 0.90, 0.80, 0.70, 0.60]
RIGHT = [True, True, True, False, True, True, False]
SURE_125 = [True] * 125 + [False] * 75


def test_wilson_matches_hand_values():
    # 0 of 10: upper end z²/(n+z²) = 3.8415/13.8415
    lo, hi = wilson(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    # all of 99 right: lower end n/(n+z²) = 99/102.8415
    assert wilson(99, 99)[0] == pytest.approx(0.9626, abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)


def test_plain_precision_rule_takes_the_smallest_threshold_that_meets_the_target():
    # precision above each threshold: .99 1/1, .95 3/3, .90 3/4, .80 4/5, .70 5/6, .60 5/7
    found = find_threshold(CONF, RIGHT, 0.8, rule="precision")
    assert found.threshold == 0.70
    assert (found.n, found.n_auto, found.n_auto_correct) == (7, 6, 5)
    assert found.coverage == pytest.approx(6 / 7)
    assert found.precision == pytest.approx(5 / 6)


def test_ties_are_taken_together():
    # at .95 both tied texts count (3/3); .90 … .60 stay below 0.9
    found = find_threshold(CONF, RIGHT, 0.9, rule="precision")
    assert found.threshold == 0.95 and found.n_auto == 3


def test_wilson_rule_needs_enough_evidence():
    # the 125 most confident right, the other 75 wrong: all right, the lower bound n/(n+3.8415) reaches
    # 0.97 first at n = 125; with one wrong more (125 of 126) it is 0.956, and falls further below
    conf = [1 - i / 1000 for i in range(200)]
    found = find_threshold(conf, SURE_125, 0.97)
    assert found.threshold == pytest.approx(0.876)
    assert found.n_auto == 125 and found.coverage == pytest.approx(125 / 200)
    lo, hi = found.coverage_interval
    assert lo < 0.625 < hi
    # with only 124 right at the top, nothing can be routed
    assert find_threshold(conf, [True] * 124 + [False] * 76, 0.97).threshold is None
    # the same seven texts cannot show 0.8 with 95 % confidence: nothing is routed on its own
    small = find_threshold(CONF, RIGHT, 0.8)
    assert small.threshold is None and small.n_auto == 0 and small.precision is None


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        find_threshold(CONF, RIGHT, 1.2)
    with pytest.raises(ValueError):
        find_threshold(CONF, RIGHT[:3], 0.9)
    with pytest.raises(ValueError):
        find_threshold(CONF, RIGHT, 0.9, rule="median")


def test_measure_routing_on_held_out_texts():
    held = measure_routing([0.9, 0.8, 0.5, 0.75], [True, False, True, True], 0.75)
    assert (held.n_auto, held.n_auto_correct) == (3, 2)
    assert held.coverage == pytest.approx(0.75) and held.precision == pytest.approx(2 / 3)
    none = measure_routing([0.9], [True], None)
    assert none.n_auto == 0 and none.coverage == 0


def test_route_and_margins():
    assert route(0.9, 0.9) == "auto" and route(0.89, 0.9) == "review" and route(1.0, None) == "review"
    assert margins(np.array([[0.6, 0.3, 0.1], [0.2, 0.45, 0.35]])) == pytest.approx([0.3, 0.1])


def test_reliability_bins_and_ece():
    rel = reliability([0.95, 0.95, 0.55, 0.55], [True, True, True, False])
    # bin .9–1: confidence .95, accuracy 1; bin .5–.6: confidence .55, accuracy .5 → ECE .05
    assert rel["ece"] == pytest.approx(0.05)
    assert [b["n"] for b in rel["bins"]] == [2, 2]


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _args(*pairs):
    return [str(a) for a in pairs]


def test_predict_writes_a_route_column(tmp_path, capsys):
    fixture = HERE / "fixtures" / "triage_fixture.csv"
    model_path = tmp_path / "m.pkl"
    assert (
        main(
            _args(
                "triage",
                "train",
                "--input",
                fixture,
                "--text-col",
                "text",
                "--label-col",
                "label",
                "--model",
                model_path,
                "--cv-folds",
                "3",
            )
        )
        == 0
    )
    payload = pickle.loads(model_path.read_bytes())
    n_labelled = sum(1 for r in _rows(fixture) if r["label"])
    assert len(payload["model"].oof_["confidence"]) == n_labelled  # the check train stored
    # replace it by a hand-made check whose threshold is known: 0.876 (see the Wilson test above)
    payload["model"].oof_ = {"confidence": [1 - i / 1000 for i in range(200)], "correct": SURE_125}
    model_path.write_bytes(pickle.dumps(payload))
    out = tmp_path / "pred.csv"
    assert (
        main(
            _args(
                "triage",
                "predict",
                "--model",
                model_path,
                "--input",
                fixture,
                "--text-col",
                "text",
                "-o",
                out,
                "--min-precision",
                "0.97",
            )
        )
        == 0
    )
    assert "threshold 0.8760" in capsys.readouterr().out
    rows = _rows(out)
    assert {r["route"] for r in rows} <= {"auto", "review"}
    for r in rows:
        assert r["route"] == ("auto" if float(r["probability"]) >= 0.876 else "review"), r
    # without --min-precision there is no route column
    plain = tmp_path / "plain.csv"
    assert (
        main(
            _args(
                "triage",
                "predict",
                "--model",
                model_path,
                "--input",
                fixture,
                "--text-col",
                "text",
                "-o",
                plain,
            )
        )
        == 0
    )
    assert "route" not in _rows(plain)[0]


def test_predict_without_a_check_routes_everything_to_review(tmp_path, capsys):
    lexicon = tmp_path / "lex.json"
    lexicon.write_text('{"劳动": ["工资"], "环境": ["污水"]}', encoding="utf-8")
    src = tmp_path / "few.csv"
    src.write_text("text,label\n工资拖欠,劳动\n污水直排,环境\n", encoding="utf-8")
    model_path = tmp_path / "lex.pkl"
    assert (
        main(
            _args(
                "triage",
                "train",
                "--input",
                src,
                "--text-col",
                "text",
                "--label-col",
                "label",
                "--model",
                model_path,
                "--lexicon",
                lexicon,
            )
        )
        == 0
    )
    out = tmp_path / "pred.csv"
    assert (
        main(
            _args(
                "triage",
                "predict",
                "--model",
                model_path,
                "--input",
                src,
                "--text-col",
                "text",
                "-o",
                out,
                "--min-precision",
                "0.97",
            )
        )
        == 0
    )
    assert [r["route"] for r in _rows(out)] == ["review", "review"]
    assert (
        main(
            _args(
                "triage",
                "predict",
                "--model",
                model_path,
                "--input",
                src,
                "--text-col",
                "text",
                "-o",
                out,
                "--min-precision",
                "97",
            )
        )
        == 1
    )
