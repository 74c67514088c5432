"""The risk matrix as data: a versioned definition file, loaded and validated once.

A deployment replaces the packaged file by pointing ``ANJU_RISK_MATRIX`` at its own. Matters store the
matrix version with every level so an old assessment stays explainable after the matrix changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.utils import OperationalError, ProgrammingError
from django.utils.translation import get_language, pgettext_lazy

PACKAGED = Path(__file__).with_name("data") / "risk_matrix_v1.json"


def english() -> bool:
    """Whether the reader chose English (labels held as data carry both languages)."""
    return (get_language() or "").startswith("en")


@dataclass(frozen=True)
class Level:
    code: str
    label_zh: str
    colour: str
    hex: str
    rank: int
    action_zh: str
    label_en: str = ""
    action_en: str = ""

    @property
    def label(self) -> str:
        return self.label_en if self.label_en and english() else self.label_zh

    @property
    def action(self) -> str:
        return self.action_en if self.action_en and english() else self.action_zh


@dataclass(frozen=True)
class ScaleStep:
    value: int
    label_zh: str
    hint_zh: str
    label_en: str = ""
    hint_en: str = ""

    @property
    def label(self) -> str:
        return self.label_en if self.label_en and english() else self.label_zh

    @property
    def hint(self) -> str:
        return self.hint_en if self.hint_en and english() else self.hint_zh


@dataclass(frozen=True)
class RiskMatrix:
    id: str
    version: int
    title_zh: str
    likelihood: tuple[ScaleStep, ...]
    consequence: tuple[ScaleStep, ...]
    levels: dict[str, Level]
    grid: tuple[tuple[str, ...], ...]
    grey_rhino_min: tuple[int, int]
    title_en: str = ""

    @property
    def title(self) -> str:
        return self.title_en if self.title_en and english() else self.title_zh

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def level(self, likelihood: int, consequence: int) -> Level:
        if not (1 <= likelihood <= len(self.likelihood)) or not (1 <= consequence <= len(self.consequence)):
            raise ValueError(f"likelihood/consequence out of range: {likelihood}, {consequence}")
        return self.levels[self.grid[likelihood - 1][consequence - 1]]

    def is_grey_rhino(self, likelihood: int, consequence: int) -> bool:
        return likelihood >= self.grey_rhino_min[0] and consequence >= self.grey_rhino_min[1]

    def ordered_levels(self) -> list[Level]:
        return sorted(self.levels.values(), key=lambda lv: lv.rank)


def _step(s: dict) -> ScaleStep:
    return ScaleStep(
        int(s["value"]), s["label"], s.get("hint", ""), s.get("label_en", ""), s.get("hint_en", "")
    )


def parse(data: dict) -> RiskMatrix:
    likelihood = tuple(_step(s) for s in data["likelihood"])
    consequence = tuple(_step(s) for s in data["consequence"])
    levels = {
        lv["code"]: Level(
            lv["code"],
            lv["label"],
            lv["colour"],
            lv["hex"],
            int(lv["rank"]),
            lv["action"],
            lv.get("label_en", ""),
            lv.get("action_en", ""),
        )
        for lv in data["levels"]
    }
    grid = tuple(tuple(row) for row in data["grid"])
    if [s.value for s in likelihood] != list(range(1, len(likelihood) + 1)):
        raise ValueError("likelihood values must be 1..n")
    if [s.value for s in consequence] != list(range(1, len(consequence) + 1)):
        raise ValueError("consequence values must be 1..n")
    if len(grid) != len(likelihood) or any(len(row) != len(consequence) for row in grid):
        raise ValueError("grid must be likelihood × consequence")
    unknown = {cell for row in grid for cell in row} - set(levels)
    if unknown:
        raise ValueError(f"grid uses undefined levels: {sorted(unknown)}")
    rhino = data.get("grey_rhino", {})
    return RiskMatrix(
        id=data["id"],
        version=int(data["version"]),
        title_zh=data.get("title", ""),
        likelihood=likelihood,
        consequence=consequence,
        levels=levels,
        grid=grid,
        grey_rhino_min=(int(rhino.get("min_likelihood", 4)), int(rhino.get("min_consequence", 4))),
        title_en=data.get("title_en", ""),
    )


@lru_cache(maxsize=8)
def _load(path: str) -> RiskMatrix:
    return parse(json.loads(Path(path).read_text(encoding="utf-8")))


def file_matrix() -> RiskMatrix:
    """The matrix of the file: ``ANJU_RISK_MATRIX`` when set, else the packaged one."""
    return _load(str(settings.ANJU_RISK_MATRIX or PACKAGED))


# Parsed uploaded versions by key, never "the current one": a stored version is never edited, so its parse
# never changes. Only hits are kept (a key missing now may be uploaded later).
_STORED: dict[str, RiskMatrix] = {}


def _stored(key: str) -> RiskMatrix | None:
    from anju.matters.models_matrix import RiskMatrixVersion

    if key not in _STORED:
        document = RiskMatrixVersion.objects.filter(key=key).values_list("document", flat=True).first()
        if document is None:
            return None
        _STORED[key] = parse(document)
    return _STORED[key]


def current_matrix() -> RiskMatrix:
    """The newest active uploaded version (管理 › 风险矩阵), else the file's."""
    from anju.matters.models_matrix import RiskMatrixVersion

    try:
        key = (
            RiskMatrixVersion.objects.filter(active=True)
            .order_by("-id")
            .values_list("key", flat=True)
            .first()
        )
    except (
        OperationalError,
        ProgrammingError,
    ):  # before ``migrate`` (checks, makemigrations) the table is absent
        key = None
    matrix = _stored(key) if key else None
    return matrix or file_matrix()


def matrix_for(key: str | None) -> RiskMatrix:
    """The matrix a matter was graded with (its ``matrix_version``), so an old matter keeps its levels;
    the current one for an ungraded matter or a key no longer known."""
    if key:
        packaged = file_matrix()
        if packaged.key == key:
            return packaged
        stored = _stored(key)
        if stored is not None:
            return stored
    return current_matrix()


# Lazy, so a model's get_FOO_display() follows the reader's language; the English is in the catalogue.
LEVEL_CHOICES = [
    ("low", pgettext_lazy("risk level", "低")),
    ("medium", pgettext_lazy("risk level", "中")),
    ("high", pgettext_lazy("risk level", "较高")),
    ("critical", pgettext_lazy("risk level", "最高")),
]
LEVEL_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}
