"""``anju signals detect`` end to end, without Django (the sub-parser is registered standalone)."""

from __future__ import annotations

import argparse
import csv
import sys

import numpy as np
import pytest

from anju.signals.cli import register

from ._oracles import SHARED, load_expected, read_rows


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="anju")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["signals", "detect", *argv])
    return args.func(args)


def write_long(path, series: dict[str, list], dates: dict[str, list] | None = None) -> None:
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["series_id", "t_index", "observed"] + (["date"] if dates else []))
        for sid, values in series.items():
            for t, v in enumerate(values, start=1):
                w.writerow([sid, t, v] + ([dates[sid][t - 1]] if dates else []))


def test_cli_reproduces_r_on_date_based_series(tmp_path):
    rows = read_rows(SHARED / "inputs" / "momo_0_1.csv")
    write_long(
        tmp_path / "in.csv", {"momo": [r["observed"] for r in rows]}, {"momo": [r["date"] for r in rows]}
    )
    out = tmp_path / "out.csv"
    code = run_cli(
        str(tmp_path / "in.csv"), "--method", "farrington-flexible", "--last", "104", "--b", "5", "--w", "3",
        "--noPeriods", "10", "--pastWeeksNotIncluded", "26", "--thresholdMethod", "nbPlugin", "--alpha", "0.05",
        "--pThresholdTrend", "1", "--weightsThreshold", "2.58", "-o", str(out), "--quiet",
    )  # fmt: skip
    assert code == 0
    got = read_rows(out)
    assert list(got[0]) == ["series_id", "t_index", "observed", "expected", "upperbound", "alarm"]
    t, ub, alarm = load_expected(SHARED / "expected" / "momo_0_1__farringtonFlexible_noufaily.csv")
    assert [int(r["t_index"]) for r in got] == list(t)
    mine = np.array([np.nan if r["upperbound"] == "NA" else float(r["upperbound"]) for r in got])
    np.testing.assert_allclose(mine, ub, rtol=1e-9)
    assert [int(r["alarm"]) for r in got] == list(alarm)


@pytest.mark.parametrize("method", ["farrington", "farrington-flexible", "ears-c1", "ears-c2", "ears-c3"])
def test_cli_all_methods_on_index_based_series(tmp_path, method):
    rows = read_rows(SHARED / "inputs" / "fluBYBW_9162.csv")
    write_long(tmp_path / "in.csv", {"a": [r["observed"] for r in rows], "b": [r["observed"] for r in rows]})
    out = tmp_path / "out.csv"
    assert (
        run_cli(str(tmp_path / "in.csv"), "--method", method, "--last", "10", "-o", str(out), "--quiet") == 0
    )
    got = read_rows(out)
    assert len(got) == 20 and {r["series_id"] for r in got} == {"a", "b"}


def test_cli_preset_and_details(tmp_path):
    rows = read_rows(SHARED / "inputs" / "salmonella_agona.csv")
    write_long(tmp_path / "in.csv", {"agona": [r["observed"] for r in rows]})
    out = tmp_path / "out.csv"
    argv = [
        str(tmp_path / "in.csv"),
        "--method",
        "farrington-flexible",
        "--preset",
        "noufaily",
        "--last",
        "49",
    ]
    assert run_cli(*argv, "--details", "-o", str(out), "--quiet") == 0
    got = read_rows(out)
    assert {"score", "pvalue", "status", "reason"} <= set(got[0])
    t, ub, alarm = load_expected(SHARED / "expected" / "salmonella_agona__farringtonFlexible_noufaily.csv")
    assert [int(r["alarm"]) for r in got] == list(alarm)
    assert {r["status"] for r in got} <= {"ok", "few_cases"}


BAD_INPUTS = {
    "negative": ({"s1": [1, 2, -1, 3]}, "negative"),
    "nan": ({"s1": [1, 2, "NaN", 3]}, "missing"),
    "inf": ({"s1": [1, 2, "inf", 3]}, "not finite"),
    "missing": ({"s1": [1, 2, "", 3]}, "missing"),
    "non_integer": ({"s1": [1, 2.5, 3, 4]}, "not an integer"),
    "text": ({"s1": [1, "x", 3, 4]}, "not a number"),
}


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_cli_bad_counts_name_series_and_line(tmp_path, capsys, name):
    series, message = BAD_INPUTS[name]
    write_long(tmp_path / "in.csv", series)
    assert run_cli(str(tmp_path / "in.csv"), "--method", "ears-c1", "-o", str(tmp_path / "o.csv")) == 2
    err = capsys.readouterr().err
    assert message in err and "'s1'" in err and "line" in err


def test_cli_non_consecutive_t_index(tmp_path, capsys):
    (tmp_path / "in.csv").write_text("series_id,t_index,observed\na,1,3\na,2,4\na,4,5\n")
    assert run_cli(str(tmp_path / "in.csv"), "--method", "ears-c1", "-o", str(tmp_path / "o.csv")) == 2
    err = capsys.readouterr().err
    assert "line 4" in err and "'a'" in err and "t_index 4" in err


def test_cli_duplicate_t_index(tmp_path, capsys):
    (tmp_path / "in.csv").write_text("series_id,t_index,observed\na,1,3\na,1,4\n")
    assert run_cli(str(tmp_path / "in.csv"), "--method", "ears-c1", "-o", str(tmp_path / "o.csv")) == 2
    assert "line 3" in capsys.readouterr().err


def test_cli_missing_column(tmp_path, capsys):
    (tmp_path / "in.csv").write_text("series_id,t,observed\na,1,3\n")
    assert run_cli(str(tmp_path / "in.csv"), "--method", "ears-c1", "-o", str(tmp_path / "o.csv")) == 2
    assert "t_index" in capsys.readouterr().err


def test_cli_reads_an_r_oracle_input_file_as_one_series(tmp_path):
    """inputs/<id>.csv of the oracles (no series_id column, date NA for index-based) work as is."""
    out = tmp_path / "out.csv"
    inp = str(SHARED / "inputs" / "meningo_age_lt1.csv")
    assert (
        run_cli(inp, "--method", "farrington", "--freq", "12", "--last", "24", "-o", str(out), "--quiet") == 0
    )
    got = read_rows(out)
    t, ub, alarm = load_expected(SHARED / "expected" / "meningo_age_lt1__farrington_original.csv")
    assert {r["series_id"] for r in got} == {"meningo_age_lt1"}
    np.testing.assert_allclose([float(r["upperbound"]) for r in got], ub, rtol=1e-9)
    assert [int(r["alarm"]) for r in got] == list(alarm)


def test_cli_ragged_series_short_and_all_zero(tmp_path):
    """Different lengths are separate panels; too-short series and all-zero series never crash."""
    rng = np.random.default_rng(1)
    write_long(
        tmp_path / "in.csv",
        {"long": list(rng.poisson(8, 320)), "short": list(rng.poisson(8, 40)), "zeros": [0] * 320},
    )
    out = tmp_path / "out.csv"
    code = run_cli(str(tmp_path / "in.csv"), "--method", "farrington-flexible", "--preset", "noufaily",
                   "--last", "5", "--details", "-o", str(out), "--quiet")  # fmt: skip
    assert code == 0
    got = {(r["series_id"], r["t_index"]): r for r in read_rows(out)}
    assert all(got[("short", str(t))]["status"] == "insufficient_history" for t in range(36, 41))
    assert all(got[("short", str(t))]["alarm"] == "NA" for t in range(36, 41))
    assert got[("short", "40")]["reason"].startswith("not evaluated: ")
    zero_status = {got[("zeros", str(t))]["status"] for t in range(316, 321)}
    assert zero_status <= {"not_converged", "few_cases"}
    assert all(got[("zeros", str(t))]["upperbound"] == "NA" for t in range(316, 321))
    assert all(got[("long", str(t))]["status"] in ("ok", "few_cases") for t in range(316, 321))


def test_cli_option_not_for_method(tmp_path, capsys):
    write_long(tmp_path / "in.csv", {"a": [1] * 20})
    assert (
        run_cli(
            str(tmp_path / "in.csv"), "--method", "ears-c1", "--noPeriods", "3", "-o", str(tmp_path / "o")
        )
        == 2
    )
    assert "does not apply" in capsys.readouterr().err


def test_cli_module_imports_no_django():
    code = (
        "import sys; import anju.signals.cli; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "sys.exit(1 if bad else 0)"
    )
    import subprocess

    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
