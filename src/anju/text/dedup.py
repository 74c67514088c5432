"""Near-duplicate detection over character shingles: MinHash + LSH for candidates, exact Jaccard to decide.

::

    index = DuplicateIndex()
    index.add(123, "魅力之城小区临街门面油烟直排扰民……")
    index.query("魅力之城小区门面油烟直排，严重扰民……", threshold=0.5)
    # → [(123, 0.87)]
    duplicate_hint(123, 0.87)   # '可能与事项 #123 为同一事项（相似度 0.87）'

Texts are normalised (simplified, half-width) and stripped of whitespace and punctuation before
shingling, so reposts that differ in spacing, punctuation or traditional characters still match.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable

import numpy as np

from .normalize import normalize

__all__ = ["shingles", "jaccard", "similarity", "DuplicateIndex", "duplicate_hint"]

_STRIP_RE = re.compile(r"[\W_]+")
_MASK61 = np.uint64((1 << 61) - 1)
MAX_DEDUP_CHARS = 5000


def shingles(text: str, k: int = 3) -> np.ndarray:
    """Sorted unique 64-bit hashes of the character ``k``-grams of the cleaned text."""
    t = _STRIP_RE.sub("", normalize(text, max_chars=MAX_DEDUP_CHARS))
    if not t:
        return np.zeros(0, dtype=np.uint64)
    if len(t) < k:
        k = len(t)
    cp = np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    m = len(cp) - k + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * np.uint64(1_000_003) + cp[j : j + m]
        h = h * np.uint64(0x9E3779B97F4A7C15)
    return np.unique(h)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) == 0 and len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def similarity(a: str, b: str, k: int = 3) -> float:
    """Jaccard similarity of the two texts' character shingles (0–1)."""
    return jaccard(shingles(a, k), shingles(b, k))


def duplicate_hint(matter_id: object, sim: float) -> str:
    return f"可能与事项 #{matter_id} 为同一事项（相似度 {sim:.2f}）"


class DuplicateIndex:
    """In-memory MinHash/LSH index of texts by id.

    ``num_perm`` hash functions in ``bands`` bands: with the defaults (128, 32 bands of 4 rows) a pair
    with Jaccard 0.5 becomes a candidate with probability 0.87, 0.3 with 0.23; candidates are then
    checked with the exact Jaccard similarity, so there are no false positives above the threshold.
    """

    def __init__(self, *, k: int = 3, num_perm: int = 128, bands: int = 32, seed: int = 1) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.k = k
        self.num_perm = num_perm
        self.bands = bands
        self.rows = num_perm // bands
        rng = np.random.default_rng(seed)
        self._a = rng.integers(1, 2**61 - 1, size=num_perm, dtype=np.uint64) | np.uint64(1)
        self._b = rng.integers(0, 2**61 - 1, size=num_perm, dtype=np.uint64)
        self._shingles: dict[Hashable, np.ndarray] = {}
        self._keys: dict[Hashable, list[tuple[int, bytes]]] = {}
        self._buckets: list[dict[bytes, set]] = [defaultdict(set) for _ in range(bands)]

    def __len__(self) -> int:
        return len(self._shingles)

    def __contains__(self, item: Hashable) -> bool:
        return item in self._shingles

    def signature(self, sh: np.ndarray) -> np.ndarray:
        if len(sh) == 0:
            return np.full(self.num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
        with np.errstate(over="ignore"):
            v = (sh[:, None] * self._a[None, :] + self._b[None, :]) >> np.uint64(3)
        return v.min(axis=0)

    def _band_keys(self, sig: np.ndarray) -> list[tuple[int, bytes]]:
        return [(i, sig[i * self.rows : (i + 1) * self.rows].tobytes()) for i in range(self.bands)]

    def add(self, key: Hashable, text: str) -> None:
        """Index ``text`` under ``key`` (re-adding a key replaces its text)."""
        if key in self._shingles:
            self.remove(key)
        sh = shingles(text, self.k)
        self._shingles[key] = sh
        if len(sh) == 0:
            self._keys[key] = []
            return
        keys = self._band_keys(self.signature(sh))
        self._keys[key] = keys
        for band, bk in keys:
            self._buckets[band][bk].add(key)

    def add_many(self, items: Iterable[tuple[Hashable, str]]) -> None:
        for key, text in items:
            self.add(key, text)

    def remove(self, key: Hashable) -> None:
        for band, bk in self._keys.pop(key, []):
            bucket = self._buckets[band].get(bk)
            if bucket is not None:
                bucket.discard(key)
                if not bucket:
                    del self._buckets[band][bk]
        self._shingles.pop(key, None)

    def query(
        self, text: str, threshold: float = 0.5, *, limit: int = 10, exclude: Hashable | None = None
    ) -> list[tuple[Hashable, float]]:
        """Indexed texts with Jaccard similarity ≥ ``threshold`` to ``text``: ``[(key, similarity)]``,
        most similar first."""
        sh = shingles(text, self.k)
        if len(sh) == 0:
            return []
        cands: set = set()
        for band, bk in self._band_keys(self.signature(sh)):
            cands |= self._buckets[band].get(bk, set())
        cands.discard(exclude)
        out = []
        for c in cands:
            s = jaccard(sh, self._shingles[c])
            if s >= threshold:
                out.append((c, round(s, 4)))
        out.sort(key=lambda x: (-x[1], str(x[0])))
        return out[:limit]
