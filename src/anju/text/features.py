"""Fast character n-gram features, vectorised with numpy.

scikit-learn's ``TfidfVectorizer(analyzer="char")`` builds every n-gram as a Python string, which costs
about 2 ms for a 400-character message — too slow for the 2,000 texts/s the classifier must reach on one
core. Here a batch of texts becomes one array of code points, n-gram hashes are computed with a few
array operations (64-bit polynomial hashing), and counting is one ``np.unique``. The result is the
same kind of sublinear TF-IDF matrix, over a fitted vocabulary of hashes (so unseen n-grams are
dropped, like a vocabulary-based vectorizer, and the model file stays small).

Two kinds of features are made:

* all character n-grams for ``char_ngrams`` (default 1–3);
* *dictionary words*: substrings of length ``word_lengths`` (default 2–6) that are words in jieba's
  dictionary (ships with jieba, nothing downloaded), in a separate hash space. This approximates word
  features without running a segmenter over the text, which would be four times slower than everything
  else together.

``word_bigrams=True`` (off by default; the fifth round of ``docs/triage-experiments.md``) adds, in a third hash
space, every pair of adjacent dictionary words found that way: a word that starts where the previous one
ends.
"""

from __future__ import annotations

import functools
import os

import numpy as np
import scipy.sparse as sp

__all__ = ["HashedNgramTfidf", "LeadAndBodyTfidf", "hash_strings"]

_MUL = np.uint64(0x9E3779B97F4A7C15)
_BASE = np.uint64(1_000_003)
_WORD_SALT = np.uint64(0x5851F42D4C957F2D)
_SEG_SALT = np.uint64(0x2545F4914F6CDD1D)
_BIGRAM_SALT = np.uint64(0x7A646E4D3B1C2E5F)
_BIGRAM_BASE = np.uint64(0xD6E8FEB86659FD93)
_SEP = 0  # code point used between texts
_BITS = 23
_SHIFT = np.uint64(64 - _BITS)


def _codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """All texts as one uint64 array of code points separated by 0, and each text's start offset."""
    joined = "\x00".join(t.replace("\x00", " ") for t in texts) + "\x00"
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(texts) else np.zeros(0, np.int64)
    return cp, starts


def _unused_ngram_hashes(cp: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of all n-grams that do not cross a separator, and their start positions."""
    m = len(cp) - n + 1
    if m <= 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    h = np.full(m, np.uint64(n), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _BASE + cp[k : k + m]
        h = h * _MUL
    sep = (cp == _SEP).astype(np.int32)
    csum = np.concatenate([[0], np.cumsum(sep)])
    ok = (csum[n:] - csum[:-n]) == 0 if n > 0 else np.ones(m, bool)
    pos = np.nonzero(ok[:m])[0]
    return h[pos], pos


def hash_strings(words: list[str]) -> np.ndarray:
    """The hash the featurizer gives each of ``words`` (used for the dictionary-word set)."""
    out = np.zeros(len(words), dtype=np.uint64)
    by_len: dict[int, list[int]] = {}
    for i, w in enumerate(words):
        by_len.setdefault(len(w), []).append(i)
    with np.errstate(over="ignore"):
        for n, idx in by_len.items():
            if n == 0:
                continue
            joined = "".join(words[i] for i in idx)
            cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64).reshape(-1, n)
            h = cp[:, 0] * _BASE
            for k in range(1, n):
                h = h * _BASE + cp[:, k]
            out[idx] = (h + np.uint64(n)) * _MUL
    return out


@functools.cache
def _jieba_words(min_freq: int, lengths: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    lo, hi = lengths
    words = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            if len(parts) >= 2 and lo <= len(parts[0]) <= hi and int(parts[1]) >= min_freq:
                words.append(parts[0])
    vocab = np.unique(hash_strings(words))
    bitmap = np.zeros(1 << _BITS, dtype=bool)
    bitmap[vocab >> _SHIFT] = True
    return vocab, bitmap


class _HashTable:
    """Open-addressing table hash → index, looked up with vectorised linear probing (much faster than a
    binary search over the sorted vocabulary)."""

    def __init__(self, keys: np.ndarray) -> None:
        bits = max(10, int(np.ceil(np.log2(max(len(keys), 1) * 4))))
        self.shift = np.uint64(64 - bits)
        self.mask = (1 << bits) - 1
        size = 1 << bits
        self.keys = np.zeros(size, dtype=np.uint64)
        self.vals = np.full(size, -1, dtype=np.int32)
        slot = (keys >> self.shift).astype(np.int64)
        pending = np.arange(len(keys))
        while len(pending):
            s = slot[pending]
            free = self.vals[s] == -1
            # among pending keys that hit the same free slot, the first one wins
            s_free, first = np.unique(s[free], return_index=True)
            winners = pending[free][first]
            self.keys[s_free] = keys[winners]
            self.vals[s_free] = winners
            done = np.zeros(len(keys), dtype=bool)
            done[winners] = True
            pending = pending[~done[pending]]
            slot[pending] = (slot[pending] + 1) & self.mask

    def lookup(self, h: np.ndarray) -> np.ndarray:
        """Index of each hash, -1 when absent."""
        out = np.full(len(h), -1, dtype=np.int64)
        slot = (h >> self.shift).astype(np.int64)
        todo = np.arange(len(h))
        while len(todo):
            s = slot[todo]
            v = self.vals[s]
            hit = (v >= 0) & (self.keys[s] == h[todo])
            out[todo[hit]] = v[hit]
            go_on = (v >= 0) & ~hit
            todo = todo[go_on]
            slot[todo] = (slot[todo] + 1) & self.mask
        return out


class HashedNgramTfidf:
    """Sublinear TF-IDF over character n-grams and dictionary words (scikit-learn style fit/transform).

    ``texts`` should already be normalised (:func:`anju.text.normalize.normalize`).
    """

    def __init__(
        self,
        char_ngrams: tuple[int, int] = (1, 3),
        word_lengths: tuple[int, int] | None = (2, 6),
        word_min_freq: int = 3,
        min_df: int = 1,
        max_features: int | None = 800_000,
        segment_chars: int = 0,
        word_bigrams: bool = False,
    ) -> None:
        self.segment_chars = segment_chars
        self.word_bigrams = word_bigrams
        self.char_ngrams = tuple(char_ngrams)
        self.word_lengths = tuple(word_lengths) if word_lengths else None
        self.word_min_freq = word_min_freq
        self.min_df = min_df
        self.max_features = max_features

    # -- hashing
    def _doc_hashes(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Hashes of all features of all texts, in text order, and the text each belongs to."""
        cp, starts = _codes(texts)
        L = len(cp)
        lo, hi = self.char_ngrams
        kinds = list(range(lo, hi + 1))
        word_ns = []
        if self.word_lengths:
            wlo, whi = self.word_lengths
            word_ns = list(range(max(wlo, hi + 1), whi + 1))
        cols = kinds + word_ns
        H = np.zeros((L, len(cols)), dtype=np.uint64)
        ok = np.zeros((L, len(cols)), dtype=bool)
        sep = np.concatenate([[0], np.cumsum(cp == _SEP)])
        h = np.zeros(L, dtype=np.uint64)
        words_at: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # length → (start positions, hashes)
        with np.errstate(over="ignore"):
            for n in range(1, max(cols) + 1 if cols else 1):
                m = L - n + 1
                if m <= 0:
                    break
                # h[p] = hash of cp[p:p+n], built incrementally from the (n-1)-gram hash
                if n == 1:
                    h = cp * _BASE
                else:
                    h = h[:m] * _BASE + cp[n - 1 : n - 1 + m]
                if n not in cols:
                    continue
                j = cols.index(n)
                hn = (h + np.uint64(n)) * _MUL
                valid = (sep[n : n + m] - sep[:m]) == 0
                if n in word_ns:
                    vocab, bitmap = _jieba_words(self.word_min_freq, self.word_lengths)
                    # a bitmap on the top hash bits rules out ~95 % of positions before the binary search
                    cand = np.nonzero(valid & bitmap[hn >> _SHIFT])[0]
                    idx = np.searchsorted(vocab, hn[cand])
                    idx[idx >= len(vocab)] = 0
                    valid[:] = False
                    found = cand[vocab[idx] == hn[cand]]
                    valid[found] = True
                    words_at[n] = (found, hn[found])
                    hn = hn ^ _WORD_SALT
                H[:m, j] = hn
                ok[:m, j] = valid
        doc_of = np.repeat(np.arange(len(texts)), np.diff(np.append(starts, L)))
        flat = ok.ravel()
        h_all, d_all = H.ravel()[flat], np.repeat(doc_of, len(cols))[flat]
        if getattr(self, "word_bigrams", False) and words_at:
            h_all, d_all = self._add_word_bigrams(h_all, d_all, words_at, doc_of, L)
        if self.segment_chars:
            # jieba words of the first segment_chars characters (title and opening), in their own space
            from .segment import words

            toks = [words(t[: self.segment_chars]) for t in texts]
            flat_toks = [w for ws in toks for w in ws]
            if flat_toks:
                with np.errstate(over="ignore"):
                    hs = hash_strings(flat_toks) ^ _SEG_SALT
                ds = np.repeat(np.arange(len(texts)), [len(ws) for ws in toks])
                h_all = np.concatenate([h_all, hs])
                d_all = np.concatenate([d_all, ds])
                order = np.argsort(d_all, kind="stable")
                h_all, d_all = h_all[order], d_all[order]
        return h_all, d_all

    @staticmethod
    def _add_word_bigrams(h_all, d_all, words_at, doc_of, L):
        """Pairs of adjacent dictionary words (one ends where the next starts), in their own hash space,
        inserted after the features of their text (``d_all`` stays sorted)."""
        hash_at = {}
        for n, (pos, hw) in words_at.items():
            arr = np.zeros(L + 1, dtype=np.uint64)
            arr[pos] = hw
            hash_at[n] = arr
        hb, db = [], []
        with np.errstate(over="ignore"):
            for n1, (pos, hw) in words_at.items():
                nxt = pos + n1  # never crosses a separator: the word would contain it otherwise
                for n2 in words_at:
                    arr = hash_at[n2]
                    ok = arr[np.minimum(nxt, L)] != 0
                    if ok.any():
                        # a word hash of exactly 0 is as good as impossible; such a pair is just dropped
                        hb.append(((hw[ok] * _BIGRAM_BASE + arr[nxt[ok]]) * _MUL) ^ _BIGRAM_SALT)
                        db.append(doc_of[pos[ok]])
        if not hb:
            return h_all, d_all
        hb, db = np.concatenate(hb), np.concatenate(db)
        at = np.searchsorted(d_all, db, side="right")
        return np.insert(h_all, at, hb), np.insert(d_all, at, db)

    def _counts(self, texts: list[str], vocab: np.ndarray | None, hashes=None):
        h, d = self._doc_hashes(texts) if hashes is None else hashes
        if vocab is not None:
            table = self.__dict__.get("_table")
            if table is None:
                table = self._table = _HashTable(vocab)
            idx = table.lookup(h)
            keep = idx >= 0
            cols, d = idx[keep], d[keep]
            n_cols = len(vocab)
        else:
            self._fit_vocab, cols = np.unique(h, return_inverse=True)
            n_cols = len(self._fit_vocab)
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(d, minlength=len(texts)), out=indptr[1:])
        m = sp.csr_matrix(
            (np.ones(len(cols), dtype=np.float32), cols.astype(np.int32), indptr), shape=(len(texts), n_cols)
        )
        m.sum_duplicates()
        return m

    def fit_transform(self, texts: list[str], y=None):
        texts = list(texts)
        m = self._counts(texts, None)
        df = np.bincount(m.indices, minlength=m.shape[1])
        keep = np.nonzero(df >= self.min_df)[0]
        if self.max_features and len(keep) > self.max_features:
            keep = keep[np.argsort(-df[keep], kind="stable")[: self.max_features]]
            keep.sort()
        self.vocabulary_ = self._fit_vocab[keep]
        self.__dict__.pop("_table", None)
        del self._fit_vocab
        n = m.shape[0]
        self.idf_ = (np.log((1 + n) / (1 + df[keep])) + 1).astype(np.float32)
        return self._weight(m[:, keep])

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_table"}

    def fit(self, texts, y=None):
        self.fit_transform(texts)
        return self

    def transform(self, texts, hashes=None):
        """``hashes``: this featurizer's ``_doc_hashes(texts)``, when already computed."""
        return self._weight(self._counts(list(texts), self.vocabulary_, hashes))

    def hashes_like(self, other: HashedNgramTfidf) -> bool:
        """Whether ``other`` hashes texts exactly as this featurizer does (same n-grams, same words)."""
        keys = ("char_ngrams", "word_lengths", "word_min_freq", "segment_chars", "word_bigrams")
        return all(getattr(self, k, 0) == getattr(other, k, 0) for k in keys)

    def _weight(self, m):
        m = m.tocsr()
        m.sort_indices()
        data = (1 + np.log(m.data)) * self.idf_[m.indices]
        sq = data * data
        counts = np.diff(m.indptr)
        norms = np.zeros(m.shape[0], dtype=np.float64)
        nz = counts > 0
        if data.size:
            norms[nz] = np.add.reduceat(sq, m.indptr[:-1][nz])
        norms = np.sqrt(norms)
        norms[norms == 0] = 1
        data = data / np.repeat(norms, counts)
        return sp.csr_matrix((data.astype(np.float32), m.indices, m.indptr), shape=m.shape)


class LeadAndBodyTfidf:
    """Two TF-IDF blocks side by side: the whole text (``body``) and its first ``lead_chars`` characters
    (the title, when the text starts with one), each normalised to unit length; the lead block is
    multiplied by ``lead_weight``. An n-gram of the opening thus counts twice, once in each block, and
    the classifier learns separate weights for it. Same fit/transform API as :class:`HashedNgramTfidf`.
    """

    def __init__(
        self, body: HashedNgramTfidf, lead: HashedNgramTfidf, lead_chars: int = 40, lead_weight: float = 0.5
    ) -> None:
        self.body = body
        self.lead = lead
        self.lead_chars = lead_chars
        self.lead_weight = lead_weight

    @property
    def vocabulary_(self) -> np.ndarray:
        """The hashes of both blocks, in column order (the lead block's come second)."""
        return np.concatenate([self.body.vocabulary_, self.lead.vocabulary_])

    def _join(self, body, lead):
        return sp.hstack([body, lead * np.float32(self.lead_weight)], format="csr", dtype=np.float32)

    def fit_transform(self, texts: list[str], y=None):
        texts = list(texts)
        return self._join(
            self.body.fit_transform(texts), self.lead.fit_transform([t[: self.lead_chars] for t in texts])
        )

    def fit(self, texts, y=None):
        self.fit_transform(texts)
        return self

    def transform(self, texts):
        texts = list(texts)
        leads = [t[: self.lead_chars] for t in texts]
        if not self.body.hashes_like(self.lead):
            return self._join(self.body.transform(texts), self.lead.transform(leads))
        # one hashing pass over the texts and their leads together: the fixed cost of a pass dominates
        # when one text is classified at a time
        h, d = self.body._doc_hashes(texts + leads)
        n = len(texts)
        cut = int(np.searchsorted(d, n))
        return self._join(
            self.body.transform(texts, (h[:cut], d[:cut])),
            self.lead.transform(leads, (h[cut:], d[cut:] - n)),
        )
