import csv
from pathlib import Path

from anju.text.cli import main

HERE = Path(__file__).parent


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_train_predict_cluster(tmp_path, capsys):
    fixture = HERE / "fixtures" / "triage_fixture.csv"
    model = tmp_path / "m.pkl"
    assert (
        main(
            [
                "triage",
                "train",
                "--input",
                str(fixture),
                "--text-col",
                "text",
                "--label-col",
                "label",
                "--model",
                str(model),
            ]
        )
        == 0
    )
    out = tmp_path / "pred.csv"
    assert (
        main(
            [
                "triage",
                "predict",
                "--model",
                str(model),
                "--input",
                str(fixture),
                "--text-col",
                "text",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    pred = _rows(out)
    gold = _rows(fixture)
    assert len(pred) == len(gold)
    assert [p["row"] for p in pred[:3]] == ["0", "1", "2"]
    assert sum(p["label"] == g["label"] for p, g in zip(pred, gold, strict=True)) / len(gold) > 0.95
    assert len(pred[0]["top3"].split("|")) == 3 and 0 < float(pred[0]["probability"]) <= 1
    clusters = tmp_path / "clusters.csv"
    assert (
        main(["triage", "cluster", "--input", str(fixture), "--text-col", "text", "-o", str(clusters)]) == 0
    )
    rows = _rows(clusters)
    assert len(rows) == len(gold) and all(r["cluster"].isdigit() for r in rows)


def test_train_too_few_labels(tmp_path, capsys):
    src = tmp_path / "few.csv"
    src.write_text("text,label\n工资拖欠,劳动\n污水直排,环境\n", encoding="utf-8")
    assert (
        main(
            [
                "triage",
                "train",
                "--input",
                str(src),
                "--text-col",
                "text",
                "--label-col",
                "label",
                "--model",
                str(tmp_path / "m.pkl"),
            ]
        )
        == 1
    )
    assert "lexicon" in capsys.readouterr().err
    lex = tmp_path / "lex.json"
    lex.write_text('{"劳动": ["工资"], "环境": ["污水"]}', encoding="utf-8")
    args = ["triage", "train", "--input", str(src), "--text-col", "text", "--label-col", "label"]
    assert main(args + ["--model", str(tmp_path / "m.pkl"), "--lexicon", str(lex)]) == 0
    assert "keyword-lexicon" in capsys.readouterr().out


def test_missing_column(tmp_path):
    src = tmp_path / "x.csv"
    src.write_text("a,b\n1,2\n", encoding="utf-8")
    try:
        main(["triage", "cluster", "--input", str(src), "--text-col", "text", "-o", str(tmp_path / "o.csv")])
    except SystemExit as exc:
        assert "no column text" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected SystemExit")
