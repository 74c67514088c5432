"""Domain classifier: text → probability per domain (label).

Each county configures its own taxonomy, so the model is trained on the deployment's own labelled
matters (``anju triage train``, or a scheduled job calling :func:`train_triage`). Until there are enough
labelled matters, each domain's keyword lexicon decides (:class:`LexiconClassifier`).

Method (chosen by measurement, see ``docs/triage-experiments.md``): sublinear TF-IDF over character 1–3-grams plus
dictionary words (:class:`~anju.text.features.HashedNgramTfidf`) of the whole text, and a second such
block, weighted 0.5, of its first 40 characters (the title, when there is one;
:class:`~anju.text.features.LeadAndBodyTfidf`); a linear SVM (``LinearSVC``, C=2), a complement naive
Bayes and an NBSVM (per-label SVMs on naive-Bayes-scaled features), and a multinomial logistic
regression over the cross-validated scores of the three for all labels (stacking), so the probabilities are calibrated and systematic confusions between labels are corrected.
The stack is linear up to its softmax, so it is folded into one (features × labels) matrix. With fewer than 50 examples of some label, per-label Platt scaling of the SVM is used
instead (stacking would overfit). Unlabelled texts, when given, shape the vocabulary and IDF only. The
lexicon's keywords, when given, are added as short training examples, which helps labels that have
few examples yet.

All classifiers share one small API::

    clf.labels_                      # the label set, in column order
    clf.predict_proba(texts)         # (n, n_labels) array, rows sum to 1
    clf.predict(texts)               # best label per text
    clf.top_k(text, k=3)             # [(label, probability), ...] best first
    clf.save(path); load_model(path) # one file

Model files are pickles (joblib): **load them only from trusted paths** — unpickling runs code. A model
file records a format version and its label set; :func:`load_model` refuses other formats.
"""

from __future__ import annotations

import hashlib
import pickle  # models are our own files, see load_model  # nosec B403
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from .normalize import MAX_CLASSIFY_CHARS, normalize

__all__ = [
    "TextClassifier",
    "LexiconClassifier",
    "train_triage",
    "classify",
    "load_model",
    "MIN_LABELLED",
    "MIN_PER_LABEL",
    "FORMAT_VERSION",
]

FORMAT_VERSION = 1
#: below this many labelled matters (or fewer than two labels with MIN_PER_LABEL each) the lexicon decides
MIN_LABELLED = 30
MIN_PER_LABEL = 3
#: ``calibration="auto"`` stacks (multinomial over all labels' scores) when every label has this many
#: examples, else it uses per-label Platt scaling (two parameters per label)
STACK_MIN_PER_LABEL = 50
_MARKS_RE = re.compile(r"[\W_]+")


def _as_list(texts: str | Iterable[str]) -> list[str]:
    if isinstance(texts, str):
        return [texts]
    return ["" if t is None else str(t) for t in texts]


class _Base:
    labels_: list[str]
    kind = "base"

    def predict_proba(self, texts: str | Iterable[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def predict(self, texts: str | Iterable[str]) -> list[str]:
        p = self.predict_proba(texts)
        return [self.labels_[i] for i in p.argmax(axis=1)] if len(p) else []

    def top_k(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` most likely labels of one text, with their probabilities, best first."""
        p = self.predict_proba([text])[0]
        order = np.argsort(-p, kind="stable")[:k]
        return [(self.labels_[i], float(p[i])) for i in order]

    def top_k_many(self, texts: Iterable[str], k: int = 3) -> list[list[tuple[str, float]]]:
        p = self.predict_proba(texts)
        order = np.argsort(-p, axis=1, kind="stable")[:, :k]
        return [[(self.labels_[i], float(row[i])) for i in o] for row, o in zip(p, order, strict=True)]

    def save(self, path: str | Path) -> None:
        """Write the model to one file (pickle with a format header)."""
        payload = {
            "format": "anju.text.classifier",
            "version": FORMAT_VERSION,
            "labels": self.labels_,
            "model": self,
        }
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a model file, recorded when it is written and checked before it is loaded."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_model(path: str | Path, *, sha256: str | None = None) -> TextClassifier | LexiconClassifier:
    """Load a model written by ``save``. Unpickling runs code: load only files you trust (your own
    model directory), never an uploaded file. With ``sha256`` (recorded when the file was written) a file
    changed since is refused before anything in it runs."""
    data = Path(path).read_bytes()
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"{path}: the file changed since it was trained (SHA-256 differs); not loaded")
    payload = pickle.loads(data)  # own model folder only, hash-checked by the platform  # nosec B301
    if not isinstance(payload, dict) or payload.get("format") != "anju.text.classifier":
        raise ValueError(f"{path}: not an anju.text classifier model")
    if payload.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"{path}: model format {payload.get('version')}, this version reads {FORMAT_VERSION}; retrain"
        )
    model = payload["model"]
    model.labels_ = list(payload["labels"])
    return model


class LexiconClassifier(_Base):
    """Keyword-lexicon classifier: ``{label: [keywords]}``. A label's score is the number of keyword
    occurrences, longer keywords counting more; probabilities are the smoothed shares of the scores
    (uniform when nothing matches)."""

    kind = "lexicon"

    def __init__(self, lexicon: Mapping[str, Iterable[str]], smoothing: float = 0.2) -> None:
        self.lexicon = {str(k): [normalize(w) for w in v if normalize(w)] for k, v in lexicon.items()}
        if not self.lexicon:
            raise ValueError("the lexicon has no labels")
        self.labels_ = list(self.lexicon)
        self.smoothing = smoothing
        self._compile()

    def _compile(self) -> None:
        words = sorted({w for ws in self.lexicon.values() for w in ws}, key=len, reverse=True)
        self._rx = re.compile("|".join(map(re.escape, words))) if words else None
        self._owners: dict[str, list[int]] = {}
        for i, label in enumerate(self.labels_):
            for w in self.lexicon[label]:
                self._owners.setdefault(w, []).append(i)

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._compile()

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("_rx", "_owners")}

    def scores(self, text: str) -> np.ndarray:
        s = np.zeros(len(self.labels_))
        if self._rx is None:
            return s
        for m in self._rx.finditer(normalize(text, max_chars=MAX_CLASSIFY_CHARS)):
            w = m.group(0)
            for i in self._owners.get(w, ()):
                s[i] += min(len(w), 4) / 2
        return s

    def matches(self, text: str) -> dict[str, list[str]]:
        """The keywords found per label (to explain a suggestion)."""
        out: dict[str, list[str]] = {}
        if self._rx is None:
            return out
        for m in self._rx.finditer(normalize(text, max_chars=MAX_CLASSIFY_CHARS)):
            for i in self._owners.get(m.group(0), ()):
                out.setdefault(self.labels_[i], []).append(m.group(0))
        return out

    def predict_proba(self, texts: str | Iterable[str]) -> np.ndarray:
        rows = []
        for t in _as_list(texts):
            s = self.scores(t) + self.smoothing
            rows.append(s / s.sum())
        return np.array(rows).reshape(-1, len(self.labels_))


class TextClassifier(_Base):
    """Character n-gram + dictionary-word TF-IDF with a linear SVM and calibrated probabilities."""

    kind = "model"

    def __init__(
        self,
        *,
        C: float = 2.0,
        char_ngrams: tuple[int, int] = (1, 3),
        word_lengths: tuple[int, int] | None = (2, 6),
        max_features: int | None = 500_000,
        max_chars: int = MAX_CLASSIFY_CHARS,
        calibrate: bool = True,
        class_weight: str | None = None,
        segment_chars: int = 0,
        calibration: str = "auto",
        nb_alpha: float | None = 0.3,
        lead_chars: int = 40,
        lead_weight: float = 0.5,
        lead_max_features: int | None = 200_000,
        nbsvm_alpha: float | None = 1.0,
        word_bigrams: bool = False,
        drop_marks: bool = False,
    ) -> None:
        self.word_bigrams = word_bigrams
        self.drop_marks = drop_marks
        if calibration not in ("auto", "platt", "stack"):
            raise ValueError("calibration must be 'auto', 'platt' or 'stack'")
        self.calibration = calibration
        self.nb_alpha = nb_alpha
        self.nbsvm_alpha = nbsvm_alpha
        self.lead_chars = lead_chars
        self.lead_weight = lead_weight
        self.lead_max_features = lead_max_features
        self.segment_chars = segment_chars
        self.C = C
        self.char_ngrams = char_ngrams
        self.word_lengths = word_lengths
        self.max_features = max_features
        self.max_chars = max_chars
        self.calibrate = calibrate
        self.class_weight = class_weight

    def _prep(self, texts: str | Iterable[str]) -> list[str]:
        docs = [normalize(t, max_chars=self.max_chars) for t in _as_list(texts)]
        if getattr(self, "drop_marks", False):
            # punctuation, symbols and spaces out, as in a segmented corpus (jieba tokens joined)
            docs = [_MARKS_RE.sub("", d) for d in docs]
        return docs

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        lexicon: Mapping[str, Iterable[str]] | None = None,
        sample_weight: Sequence[float] | None = None,
        unlabelled: Iterable[str] | None = None,
    ) -> TextClassifier:
        """Train on ``texts``/``labels``. ``unlabelled`` texts (reports nobody has labelled yet) only shape
        the feature vocabulary and its IDF weights: n-grams that occur in the texts to come get a
        vocabulary slot and a realistic rarity, which measurably helps (``docs/triage-experiments.md``)."""
        from .features import HashedNgramTfidf, LeadAndBodyTfidf

        docs = self._prep(texts)
        y = [str(label) for label in labels]
        w = list(sample_weight) if sample_weight is not None else [1.0] * len(docs)
        if len(docs) != len(y) or len(w) != len(y):
            raise ValueError("texts, labels and sample_weight must have the same length")
        if lexicon:
            for label, words in lexicon.items():
                for kw in words:
                    kw = normalize(kw)
                    if kw:
                        docs.append(kw)
                        y.append(str(label))
                        w.append(1.0)
        self.labels_ = sorted(set(y))
        if len(self.labels_) < 2:
            raise ValueError("need at least two labels to train a classifier")
        self.features_ = HashedNgramTfidf(
            char_ngrams=self.char_ngrams,
            word_lengths=self.word_lengths,
            max_features=self.max_features,
            segment_chars=getattr(self, "segment_chars", 0),
            word_bigrams=getattr(self, "word_bigrams", False),
        )
        if self.lead_chars:
            lead = HashedNgramTfidf(
                char_ngrams=self.char_ngrams,
                word_lengths=self.word_lengths,
                max_features=self.lead_max_features,
                word_bigrams=getattr(self, "word_bigrams", False),
            )
            self.features_ = LeadAndBodyTfidf(self.features_, lead, self.lead_chars, self.lead_weight)
        extra = self._prep(unlabelled) if unlabelled is not None else []
        X = (
            self.features_.fit_transform(docs + extra)[: len(docs)]
            if extra
            else self.features_.fit_transform(docs)
        )
        yi = np.array([self.labels_.index(v) for v in y])
        return self._fit_matrix(X, yi, np.asarray(w, dtype=float))

    def _fit_matrix(self, X, yi: np.ndarray, wa: np.ndarray) -> TextClassifier:
        """Fit the models on the feature matrix ``X`` (``features_`` and ``labels_`` already set)."""
        from sklearn.svm import LinearSVC

        svm = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=0)
        svm.fit(X, yi, sample_weight=wa)
        coef = svm.coef_ if len(self.labels_) > 2 else np.vstack([-svm.coef_[0], svm.coef_[0]])
        icpt = svm.intercept_ if len(self.labels_) > 2 else np.array([-svm.intercept_[0], svm.intercept_[0]])
        self.coef_ = np.ascontiguousarray(coef.T, dtype=np.float32)  # (features, labels)
        self.intercept_ = icpt.astype(np.float32)
        self.stack_ = None
        self.nb_coef_ = None
        self.nbsvm_coef_ = None
        self.platt_ = self._fit_platt(X, yi, wa) if self.calibrate else None
        if self.stack_ is not None:
            self._fold_stack()
        return self

    def _fold_stack(self) -> None:
        """Fold the stack into one linear map. The stacker's logits are linear in the base models' scores,
        which are linear in the features, so ``X @ coef_ + intercept_`` becomes the stacker's logits: one
        (features × labels) matrix instead of one per base model, which halves the model file and
        the prediction's matrix products. Probabilities are unchanged up to float32 rounding."""
        a, b = self.stack_
        n_lab = len(self.labels_)
        coef = self.coef_.astype(np.float64) @ a[:n_lab]
        icpt = self.intercept_.astype(np.float64) @ a[:n_lab] + b
        col = n_lab
        if self.nb_coef_ is not None:
            coef += self.nb_coef_.astype(np.float64) @ a[col : col + n_lab]
            col += n_lab
        if getattr(self, "nbsvm_coef_", None) is not None:
            nbsvm, nbsvm_icpt = self.nbsvm_coef_
            coef += nbsvm @ a[col : col + n_lab]
            icpt += nbsvm_icpt @ a[col : col + n_lab]
        self.coef_ = np.ascontiguousarray(coef, dtype=np.float32)
        self.intercept_ = icpt.astype(np.float32)
        self.nb_coef_ = None
        self.nbsvm_coef_ = None
        self.folded_ = True

    def _fit_nb(self, X, yi: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Complement naive Bayes as a linear map (features, labels): its log-likelihoods centred over the
        labels, i.e. the centred ``predict_log_proba`` (ComplementNB uses no class prior)."""
        from sklearn.naive_bayes import ComplementNB

        nb = ComplementNB(alpha=self.nb_alpha).fit(X, yi, sample_weight=w)
        flp = nb.feature_log_prob_
        return np.ascontiguousarray((flp - flp.mean(axis=0, keepdims=True)).T, dtype=np.float32)

    def _fit_nbsvm(self, X, yi: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """NBSVM (Wang & Manning 2012) as a linear map: for each label, a binary linear SVM on the
        features scaled by the naive Bayes log-count ratio of that label against the rest (smoothing
        ``nbsvm_alpha``); its weights times the ratios give (features, labels) and the intercepts."""
        import scipy.sparse as sp
        from sklearn.svm import LinearSVC

        n_lab = len(self.labels_)
        alpha = self.nbsvm_alpha
        Xw = sp.diags(w) @ X
        total = np.asarray(Xw.sum(axis=0), dtype=np.float64).ravel()
        coef = np.zeros((X.shape[1], n_lab))
        icpt = np.zeros(n_lab)
        for k in range(n_lab):
            pos = np.asarray(Xw[yi == k].sum(axis=0), dtype=np.float64).ravel()
            p, q = pos + alpha, total - pos + alpha
            r = np.log(p / p.sum()) - np.log(q / q.sum())
            m = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=0).fit(
                X @ sp.diags(r.astype(np.float32)), (yi == k).astype(int), sample_weight=w
            )
            coef[:, k] = r * m.coef_[0]
            icpt[k] = m.intercept_[0]
        return coef, icpt

    def _fit_platt(self, X, yi: np.ndarray, w: np.ndarray) -> np.ndarray | None:
        """Per-label sigmoid (a, b) on 3-fold cross-validated SVM scores; ``None`` if too little data."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold
        from sklearn.svm import LinearSVC

        counts = np.bincount(yi, minlength=len(self.labels_))
        if counts.min() < 3:
            return None
        mode = getattr(self, "calibration", "platt")
        if mode == "auto":
            # stacking fits (labels + 1) × labels parameters: only with enough examples of every label
            mode = "stack" if counts.min() >= STACK_MIN_PER_LABEL else "platt"
        with_nb = mode == "stack" and getattr(self, "nb_alpha", None) is not None and len(self.labels_) > 2
        with_nbsvm = (
            mode == "stack" and getattr(self, "nbsvm_alpha", None) is not None and len(self.labels_) > 2
        )
        n_lab = len(self.labels_)
        scores = np.zeros((len(yi), (1 + with_nb + with_nbsvm) * n_lab))
        for tr, te in StratifiedKFold(3, shuffle=True, random_state=0).split(X, yi):
            if len(set(yi[tr])) < n_lab:
                return None
            m = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=0).fit(
                X[tr], yi[tr], sample_weight=w[tr]
            )
            s = m.decision_function(X[te])
            scores[te, :n_lab] = s if s.ndim == 2 else np.column_stack([-s, s])
            if with_nb:
                scores[te, n_lab : 2 * n_lab] = X[te] @ self._fit_nb(X[tr], yi[tr], w[tr])
            if with_nbsvm:
                a, b = self._fit_nbsvm(X[tr], yi[tr], w[tr])
                scores[te, (1 + with_nb) * n_lab :] = X[te] @ a + b
        if mode == "stack":
            # one multinomial logistic regression over all labels' scores (the SVM's and, with
            # ``nb_alpha`` and ``nbsvm_alpha``, complement naive Bayes' and NBSVM's): it also corrects the
            # systematic confusions between labels, not only the scale of each label's score
            if with_nb:
                self.nb_coef_ = self._fit_nb(X, yi, w)
            if with_nbsvm:
                self.nbsvm_coef_ = self._fit_nbsvm(X, yi, w)
            lr = LogisticRegression(C=10.0, max_iter=1000).fit(scores, yi, sample_weight=w)
            self.stack_ = (lr.coef_.T.astype(np.float64), lr.intercept_.astype(np.float64))
            return None
        params = np.zeros((len(self.labels_), 2))
        for k in range(len(self.labels_)):
            lr = LogisticRegression(C=100.0).fit(scores[:, [k]], (yi == k).astype(int))
            params[k] = lr.coef_[0, 0], lr.intercept_[0]
        return params

    def decision_function(self, texts: str | Iterable[str]) -> np.ndarray:
        """The linear score per label: the stacker's logits when the model stacks (the SVM, naive Bayes
        and NBSVM folded into one map), else the SVM's score."""
        X = self.features_.transform(self._prep(texts))
        return np.asarray(X @ self.coef_) + self.intercept_

    def predict_proba(self, texts: str | Iterable[str]) -> np.ndarray:
        X = self.features_.transform(self._prep(texts))
        s = np.asarray(X @ self.coef_) + self.intercept_
        stack = getattr(self, "stack_", None)
        if getattr(self, "folded_", False):
            e = np.exp(s - s.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        if stack is not None:  # a model saved before stacks were folded
            nb = getattr(self, "nb_coef_", None)
            if nb is not None:
                s = np.hstack([s, np.asarray(X @ nb)])
            z = s @ stack[0] + stack[1]
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        if self.platt_ is not None:
            p = 1 / (1 + np.exp(-(s * self.platt_[:, 0] + self.platt_[:, 1])))
        else:
            e = np.exp(3 * (s - s.max(axis=1, keepdims=True)))
            p = e
        p = p / np.clip(p.sum(axis=1, keepdims=True), 1e-12, None)
        return p

    def size_bytes(self) -> int:
        return len(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))


def train_triage(
    texts: Sequence[str],
    labels: Sequence[str | None],
    *,
    lexicon: Mapping[str, Iterable[str]] | None = None,
    min_labelled: int = MIN_LABELLED,
    unlabelled: Iterable[str] | None = None,
    **params,
) -> TextClassifier | LexiconClassifier:
    """The classifier a deployment should use now: a trained :class:`TextClassifier` when there are at
    least ``min_labelled`` labelled texts and two labels with ``MIN_PER_LABEL`` examples each, else a
    :class:`LexiconClassifier` over ``lexicon`` (``ValueError`` when there is neither). Rows whose label
    is empty are ignored. ``unlabelled`` texts (e.g. reports not yet classified) shape the features only
    (see :meth:`TextClassifier.fit`)."""
    pairs = [(t, str(lab)) for t, lab in zip(texts, labels, strict=True) if lab not in (None, "")]
    counts: dict[str, int] = {}
    for _, lab in pairs:
        counts[lab] = counts.get(lab, 0) + 1
    enough = len(pairs) >= min_labelled and sum(c >= MIN_PER_LABEL for c in counts.values()) >= 2
    if not enough:
        if not lexicon:
            raise ValueError(
                f"only {len(pairs)} labelled texts (need {min_labelled}, two labels with {MIN_PER_LABEL} each) "
                "and no keyword lexicon to fall back on"
            )
        return LexiconClassifier(lexicon)
    return TextClassifier(**params).fit(
        [t for t, _ in pairs], [lab for _, lab in pairs], lexicon=lexicon, unlabelled=unlabelled
    )


def classify(
    text: str,
    model: TextClassifier | LexiconClassifier | None = None,
    *,
    lexicon: Mapping[str, Iterable[str]] | None = None,
    k: int = 3,
) -> list[tuple[str, float]]:
    """Top ``k`` (label, probability) for ``text`` with ``model``, or with ``lexicon`` when there is no
    model yet. Empty input gives the prior-free uniform answer of the model (never an error)."""
    if model is None:
        if not lexicon:
            raise ValueError("classify needs a model or a lexicon")
        model = LexiconClassifier(lexicon)
    return model.top_k(text, k=k)
