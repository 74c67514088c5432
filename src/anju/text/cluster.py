"""Hotspots (热点): clustering of recent reports into groups about the same problem.

Method: each text (title + body, normalised, first ``max_chars`` characters) becomes three TF-IDF
blocks fitted on the batch itself — the lead (first ``lead_chars`` characters: the title in most
reports; character 2–4-grams), the body (character 2–3-grams and dictionary words) and the names of
organisations and estates it mentions (…小区/公司/学校, character 2–4-grams of the names) — weighted by
``weights`` (default lead 1, body 0.5, names 1.5) and L2-normalised, so the names that make a problem
specific weigh most. Pairs with cosine similarity ≥ ``threshold`` form a graph; within each connected
component, average-linkage agglomeration cut at ``threshold`` gives the clusters (every cluster's
members are on average at least that similar, which stops the chaining of single-link components);
clusters whose centroids have cosine ≥ ``merge_threshold`` are then merged. An optional
``window_days`` forbids links between texts further apart in time. Singletons are clusters of size 1.

The defaults were chosen by reading the clusters of the Teddy Cup 附件3 messages (see
``docs/triage-experiments.md``); they are not tuned on any held-out labels, because none exist for clusters.

Hotspots are the clusters of size ≥ ``min_size``, ranked by size then by their latest report; each has
representative terms (words frequent in the cluster and rare in the batch) and a title (the member
text nearest the cluster centre).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import scipy.sparse as sp

from .normalize import normalize

__all__ = ["Hotspot", "ClusterResult", "cluster_texts", "representative_terms"]

_STOP = set(
    "我们 你们 他们 这个 那个 什么 没有 可以 一个 问题 情况 反映 希望 请求 领导 政府 部门 有关 相关 进行 已经 现在 目前 "
    "但是 而且 因为 所以 如果 就是 还是 不是 这样 时候 自己 要求 处理 解决 尽快 谢谢 您好 你好 尊敬 关于 存在 严重 影响 "
    "市民 群众 居民 百姓 投诉 举报 咨询 建议 一下 一直 多次 至今 今年 去年 工作 管理 相关 非常 能否 是否 为什么 怎么 "
    # function and quantity words that a cluster's members share without saying what the problem is
    "部分 一些 这些 那些 其中 以及 或者 还有 等等 所有 各种 其他 其它 之前 之后 以后 以来 当时 当地 本人 大家 "
    "通过 根据 对于 由于 导致 出现 发现 表示 认为 造成 此事 此类 一起 一次 一名 一位 一家 多名 多人 个别 "
    "附近 周边 地方 地区 位于 所在 现场".split()
)
# Administrative suffixes stripped from area names, so 石门村 also hides the bare 石门.
_AREA_SUFFIXES = (
    "社区居委会",
    "居委会",
    "村委会",
    "街道",
    "社区",
    "网格",
    "乡",
    "镇",
    "村",
    "县",
    "区",
    "市",
)


def _place_matcher(place_names: Iterable[str]):
    """A test for terms that are (part of) a place name: the names and their stems without the
    administrative suffix. A term is a place if it is a name or stem, begins one (石门 of 石门村), or
    contains a stem of two or more characters (石门村口)."""
    stems: set[str] = set()
    for name in place_names:
        name = (name or "").strip()
        if len(name) < 2:
            continue
        stems.add(name)
        for suffix in _AREA_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                stems.add(name[: -len(suffix)])
                break
    prefixes = {stem[:n] for stem in stems for n in range(2, len(stem) + 1)}

    def is_place(term: str) -> bool:
        if term in prefixes:
            return True
        return any(term[i:j] in stems for i in range(len(term)) for j in range(i + 2, len(term) + 1))

    return is_place


def representative_terms(
    member_docs: list[str], all_docs: list[str], k: int = 6, place_names: Iterable[str] = ()
) -> list[str]:
    """The public name of ``_terms``: ``k`` words of the members, neither function words nor places."""
    return _terms(member_docs, all_docs, k=k, is_place=_place_matcher(place_names))


@dataclass
class Hotspot:
    id: int
    members: list[int]
    size: int
    title: str
    terms: list[str]
    first: datetime | None = None
    last: datetime | None = None
    cohesion: float = 0.0

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "size": self.size,
            "title": self.title,
            "terms": self.terms,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "cohesion": round(self.cohesion, 3),
            "members": self.members,
        }


@dataclass
class ClusterResult:
    labels: list[int]  # cluster id of each input text; ids are 0..n_clusters-1, largest clusters first
    hotspots: list[Hotspot] = field(default_factory=list)


def _l2(X):
    X = X.tocsr().astype(np.float32)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sp.diags(1 / norms).astype(np.float32) @ X


def _vectors(texts: Sequence[str], max_chars: int, lead_chars: int, weights: tuple[float, float, float]):
    """Three blocks, each L2-normalised: the lead (first ``lead_chars``: the title, in most reports),
    the body, and the names of organisations and estates (…小区/公司/学校) mentioned."""
    from .extract import find_orgs
    from .features import HashedNgramTfidf

    docs = [normalize(t, max_chars=max_chars) for t in texts]
    blocks = []
    w_lead, w_body, w_org = weights
    if w_lead:
        lead = HashedNgramTfidf(char_ngrams=(2, 4), word_lengths=(5, 8), word_min_freq=1, max_features=None)
        blocks.append(w_lead * lead.fit_transform([d[:lead_chars] for d in docs]))
    if w_body:
        body = HashedNgramTfidf(char_ngrams=(2, 3), word_lengths=(2, 8), word_min_freq=1, max_features=None)
        blocks.append(w_body * body.fit_transform(docs))
    if w_org:
        orgs = [" ".join(sorted({e.value for e in find_orgs(d)})) for d in docs]
        org = HashedNgramTfidf(char_ngrams=(2, 4), word_lengths=None, max_features=None)
        blocks.append(w_org * org.fit_transform(orgs))
    X = _l2(sp.hstack(blocks))
    return X, docs


def _similar_pairs(
    X, threshold: float, times: np.ndarray | None, window_days: float | None, chunk: int = 2000
):
    n = X.shape[0]
    rows, cols, vals = [], [], []
    XT = X.T.tocsr()
    for s in range(0, n, chunk):
        S = (X[s : s + chunk] @ XT).tocoo()
        keep = (S.data >= threshold) & (S.row + s < S.col)
        r, c, v = S.row[keep] + s, S.col[keep], S.data[keep]
        if times is not None and window_days is not None:
            ok = np.abs(times[r] - times[c]) <= window_days * 86400
            r, c, v = r[ok], c[ok], v[ok]
        rows.append(r)
        cols.append(c)
        vals.append(v)
    r = np.concatenate(rows) if rows else np.zeros(0, int)
    c = np.concatenate(cols) if cols else np.zeros(0, int)
    v = np.concatenate(vals) if vals else np.zeros(0)
    return sp.coo_matrix((v, (r, c)), shape=(n, n))


def _terms(
    member_docs: list[str],
    all_docs: list[str],
    k: int = 6,
    is_place: Callable[[str], bool] | None = None,
) -> list[str]:
    """Words shared by the members and rare in the batch (df estimated by substring search); function
    words and, with ``is_place``, place names are left out (they say where, not what)."""
    from .segment import words

    size = len(member_docs)
    tf = Counter(w for d in member_docs for w in set(words(d)))
    need = max(2, int(np.ceil(0.3 * size))) if size > 1 else 1
    cands = [
        w
        for w, c in tf.items()
        if c >= need and len(w) >= 2 and w not in _STOP and not w.isdigit() and not (is_place and is_place(w))
    ]
    cands = sorted(cands, key=lambda w: -tf[w])[:40]
    n_all = len(all_docs)
    scored = []
    for w in cands:
        df = sum(1 for d in all_docs if w in d)
        scored.append(((tf[w] / size) * np.log((1 + n_all) / (1 + df)), w))
    scored.sort(reverse=True)
    out: list[str] = []
    for _, w in scored:
        if any(w in o or o in w for o in out):
            continue
        out.append(w)
        if len(out) == k:
            break
    return out


def _merge_centroids(X, lab: np.ndarray, t: float) -> np.ndarray:
    """Merge clusters whose normalised centroids have cosine ≥ ``t`` (a tight group of reposts can sit
    just below the average-linkage cut from the larger group about the same problem)."""
    ids = np.unique(lab)
    cent = np.vstack([np.asarray(X[lab == v].mean(axis=0)).ravel() for v in ids])
    norms = np.linalg.norm(cent, axis=1)
    norms[norms == 0] = 1
    cent = cent / norms[:, None]
    C = cent @ cent.T
    parent = list(range(len(ids)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in zip(*np.nonzero(np.triu(C, 1) >= t), strict=True):
        parent[find(a)] = find(b)
    remap = {v: find(i) + 1 for i, v in enumerate(ids)}
    return np.array([remap[v] for v in lab])


def cluster_texts(
    texts: Sequence[str],
    *,
    times: Sequence[datetime | None] | None = None,
    threshold: float = 0.25,
    window_days: float | None = None,
    min_size: int = 2,
    max_chars: int = 600,
    lead_chars: int = 40,
    weights: tuple[float, float, float] = (1.0, 0.5, 1.5),
    terms_for: int = 50,
    merge_threshold: float | None = 0.4,
    place_names: Iterable[str] = (),
) -> ClusterResult:
    """Cluster ``texts``; see the module docstring. ``times`` (optional, same length) are used for the
    time window and the recency ranking. Representative terms are computed for the first
    ``terms_for`` hotspots only (they cost a segmentation of the members); ``place_names`` (the
    caller's area names) are kept out of those terms."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial.distance import squareform

    n = len(texts)
    if n == 0:
        return ClusterResult(labels=[])
    is_place = _place_matcher(place_names)
    ts = None
    if times is not None:
        if len(times) != n:
            raise ValueError("times must have one entry per text")
        ts = np.array([t.timestamp() if t else np.nan for t in times], dtype=float)
    X, docs = _vectors(["" if t is None else str(t) for t in texts], max_chars, lead_chars, weights)
    G = _similar_pairs(X, threshold, ts, window_days)
    _, comp = connected_components(G, directed=False)
    raw = np.full(n, -1)
    next_id = 0
    for c in np.unique(comp):
        idx = np.nonzero(comp == c)[0]
        if len(idx) <= 2:
            raw[idx] = next_id
            next_id += 1
            continue
        sub = X[idx]
        S = (sub @ sub.T).toarray()
        if ts is not None and window_days is not None:
            far = np.abs(ts[idx][:, None] - ts[idx][None, :]) > window_days * 86400
            S[far] = 0.0
        D = np.clip(1.0 - S, 0.0, None)
        np.fill_diagonal(D, 0.0)
        Z = linkage(squareform(D, checks=False), method="average")
        lab = fcluster(Z, t=1.0 - threshold, criterion="distance")
        if merge_threshold is not None and lab.max() > 1:
            lab = _merge_centroids(sub, lab, merge_threshold)
        for v in np.unique(lab):
            raw[idx[lab == v]] = next_id
            next_id += 1
    # relabel: largest first, then most recent, then first appearance
    groups: dict[int, list[int]] = {}
    for i, g in enumerate(raw):
        groups.setdefault(int(g), []).append(i)

    def last_time(m: list[int]) -> float:
        if ts is None:
            return 0.0
        vals = ts[m]
        vals = vals[~np.isnan(vals)]
        return float(vals.max()) if len(vals) else 0.0

    order = sorted(groups.values(), key=lambda m: (-len(m), -last_time(m), m[0]))
    labels = [0] * n
    for new, members in enumerate(order):
        for i in members:
            labels[i] = new
    hotspots: list[Hotspot] = []
    big = [m for m in order if len(m) >= min_size]
    if big:
        for cid, members in enumerate(big):
            sub = X[members]
            centre = np.asarray(sub.mean(axis=0)).ravel()
            sims = sub @ centre
            rep = members[int(np.argmax(sims))]
            pair = (sub @ sub.T).toarray()
            cohesion = float((pair.sum() - len(members)) / max(len(members) * (len(members) - 1), 1))
            first = last = None
            if times is not None:
                tt = [times[i] for i in members if times[i] is not None]
                if tt:
                    first, last = min(tt), max(tt)
            hotspots.append(
                Hotspot(
                    id=labels[members[0]],
                    members=list(members),
                    size=len(members),
                    title=docs[rep][:40],
                    terms=_terms([docs[i] for i in members], docs, is_place=is_place)
                    if cid < terms_for
                    else [],
                    first=first,
                    last=last,
                    cohesion=cohesion,
                )
            )
    return ClusterResult(labels=labels, hotspots=hotspots)
