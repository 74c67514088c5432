import csv
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SHARED = Path(__file__).parents[2].parent / "shared"
COMPLAINTS = SHARED / "data" / "complaints"


@pytest.fixture(scope="session")
def fixture_rows():
    with open(HERE / "fixtures" / "triage_fixture.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def trained(fixture_rows):
    from anju.text import TextClassifier

    rows = fixture_rows[:96]
    return TextClassifier().fit([r["text"] for r in rows], [r["label"] for r in rows])
