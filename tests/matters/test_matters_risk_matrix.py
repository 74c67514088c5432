"""The risk matrix loader: the packaged file is valid, broken files are refused with a reason."""

from __future__ import annotations

import copy
import json

import pytest

from anju.matters import risk

PACKAGED = json.loads(risk.PACKAGED.read_text(encoding="utf-8"))


def test_packaged_matrix_loads_with_four_levels_and_five_steps():
    matrix = risk.parse(PACKAGED)
    assert matrix.key == "default-5x5@1"
    assert [lv.code for lv in matrix.ordered_levels()] == ["low", "medium", "high", "critical"]
    assert len(matrix.likelihood) == len(matrix.consequence) == 5
    assert matrix.level(1, 1).code == "low" and matrix.level(5, 5).code == "critical"
    with pytest.raises(ValueError):
        matrix.level(0, 3)


def _broken(change):
    data = copy.deepcopy(PACKAGED)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["likelihood"].pop(), "grid"),
        (lambda d: d["consequence"][1].update(value=7), "consequence values"),
        (lambda d: d["likelihood"][0].update(value=0), "likelihood values"),
        (lambda d: d["grid"][2].append("low"), "grid"),
        (lambda d: d["grid"][0].__setitem__(0, "purple"), "undefined levels"),
    ],
)
def test_inconsistent_matrices_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        risk.parse(_broken(change))


def test_a_matrix_missing_a_required_key_is_refused():
    with pytest.raises(KeyError):
        risk.parse(_broken(lambda d: d.pop("levels")))


def test_a_deployment_matrix_file_replaces_the_packaged_one(db, settings, tmp_path):
    custom = _broken(
        lambda d: d.update(id="county-x", version=3, grey_rhino={"min_likelihood": 3, "min_consequence": 3})
    )
    path = tmp_path / "matrix.json"
    path.write_text(json.dumps(custom), encoding="utf-8")
    settings.ANJU_RISK_MATRIX = str(path)
    matrix = risk.current_matrix()
    assert matrix.key == "county-x@3" and matrix.is_grey_rhino(3, 3)
    settings.ANJU_RISK_MATRIX = ""
    assert risk.current_matrix().key == "default-5x5@1"


def test_a_broken_deployment_file_fails_loudly(db, settings, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    settings.ANJU_RISK_MATRIX = str(path)
    with pytest.raises(json.JSONDecodeError):
        risk.current_matrix()
