"""Suggestions for one text: domains, facts, cues, area. Pure reads of triage's own tables and core's.

Triage sits below intake and matters: it never imports them. The pass over a text (classifier,
extraction, cues) is run once per text and model and kept in the shared cache for a short while, so the
typing panel and the submission of the same text share one run (``analyse``). Who stores the result is
the caller's business (intake stores it on its report through its own action).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.cache import cache

from anju import text as textlib
from anju.core.models import Area, AreaLevel, Domain
from anju.core.scoping import scoped
from anju.text import selective
from anju.triage.models import ClassifierModel

# How long a pass over a typed text is kept: long enough to cover typing and submitting one form.
PASS_CACHE_SECONDS = 15 * 60
_lock = threading.Lock()
logger = logging.getLogger(__name__)
_cache: dict = {}
# Runs of the classifier in this process ("top_k": one text ranked). Read by tests and the bench.
CLASSIFIER_CALLS: Counter = Counter()
# Providers of labelled examples (text, domain code) for training, registered by the apps that own
# the labelled data (intake registers the ledger's matters from its AppConfig.ready).
_TRAINING_SOURCES: list[Callable[[], Iterable[tuple[str, str]]]] = []


def register_training_source(source: Callable[[], Iterable[tuple[str, str]]]) -> None:
    if source not in _TRAINING_SOURCES:
        _TRAINING_SOURCES.append(source)


def labelled_examples() -> list[tuple[str, str]]:
    return [example for source in _TRAINING_SOURCES for example in source()]


def lexicon() -> dict[str, list[str]]:
    return {d.code: list(d.keywords) for d in Domain.objects.filter(active=True) if d.keywords}


def _current():
    """(model, sha) of the active trained model, or of the domains' keyword lexicon when none is
    trained. The sha names the model in cache keys and on stored results."""
    active = ClassifierModel.objects.filter(active=True).first()
    words = None if active else tuple(sorted(lexicon().items()))
    key = ("model", active.pk if active else None, words, active.route_threshold if active else None)
    with _lock:
        if _cache.get("model_key") != key:
            model = _load_trusted(active) if active else None
            threshold = None
            if model is not None:
                sha = active.sha256
                threshold = active.route_threshold
            else:
                words = words if words is not None else tuple(sorted(lexicon().items()))
                model = textlib.LexiconClassifier(dict(words))
                sha = hashlib.sha256(json.dumps(words, ensure_ascii=False).encode()).hexdigest()
                sha = "lexicon-" + sha
            _cache["model"], _cache["model_sha"], _cache["model_key"] = model, sha, key
            _cache["threshold"] = threshold
        return _cache["model"], _cache["model_sha"]


def route_threshold() -> float | None:
    """The active trained model's routing threshold (None: no model, no check, or none reaches the
    county's target precision, and every suggestion goes to review)."""
    _current()
    return _cache.get("threshold")


def current_classifier():
    """The active trained model, or the domains' keyword lexicon when none has been trained."""
    return _current()[0]


def _load_trusted(record: ClassifierModel):
    """The trained model, only from the data folder's models/ and only if its SHA-256 is the one recorded
    when it was trained (a pickle runs code when loaded); otherwise None, and the lexicon answers."""
    from django.conf import settings

    folder = (settings.DATA_DIR / "models").resolve()
    path = Path(record.path).resolve()
    if not path.is_relative_to(folder) or not path.is_file() or not record.sha256:
        logger.error("triage model %s refused: not a recorded file in %s", record.path, folder)
        return None
    try:
        return textlib.load_model(path, sha256=record.sha256)
    except ValueError:
        logger.exception("triage model %s refused", record.path)
        return None


@dataclass(frozen=True)
class Uncertainty:
    """How sure the active model is of one text: its top domain and probability, and the margin to the
    second (small: the text sits between two domains, and a person's label teaches the model most)."""

    top: str
    probability: float
    margin: float


def uncertainty(texts: list[str]) -> list[Uncertainty]:
    """The active model's :class:`Uncertainty` for each text, kept in the shared cache per model and text
    so that paging through the 待标注 queue does not classify the ledger again."""
    model, sha = _current()
    keys = [f"triage:uncertainty:{sha[:80]}:{text_sha256(t)}" for t in texts]
    found = cache.get_many(keys)
    missing = [i for i, key in enumerate(keys) if key not in found]
    fresh = {}
    for start in range(0, len(missing), 512):
        part = missing[start : start + 512]
        proba = model.predict_proba([texts[i] for i in part])
        tops = proba.argmax(axis=1)
        for i, row, top, margin in zip(part, proba, tops, selective.margins(proba), strict=True):
            fresh[keys[i]] = (model.labels_[top], round(float(row[top]), 4), round(float(margin), 4))
    if fresh:
        cache.set_many(fresh, PASS_CACHE_SECONDS)
    found.update(fresh)
    return [Uncertainty(*found[key]) for key in keys]


def text_sha256(text: str) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def _place_names() -> list[str]:
    """The deployment's town-and-below area names (what the extraction recognises as places)."""
    return sorted(set(Area.objects.filter(level__gte=AreaLevel.TOWN).values_list("name", flat=True)))


def _run_pass(text: str, model, model_sha: str, threshold: float | None) -> dict:
    CLASSIFIER_CALLS["top_k"] += 1
    extraction = textlib.extract(text, areas=_place_names())
    active = set(Domain.objects.filter(active=True).values_list("code", flat=True))
    ranked = model.top_k(text, k=3)
    domains = [[code, round(p, 4)] for code, p in ranked if code in active and p > 0]
    trained = not isinstance(model, textlib.LexiconClassifier)
    # 可直接采用 only for a trained model's top domain at or above the measured threshold; keyword
    # answers have no calibrated probability and always go to a person
    top = ranked[0][1] if ranked and domains and domains[0][0] == ranked[0][0] else None
    auto = trained and top is not None and selective.route(top, threshold) == "auto"
    return {
        "domains": domains,
        "route": "auto" if auto else "review",
        "route_threshold": threshold if trained else None,
        # personal data is never part of a result: phones and ID numbers are left out
        "facts": {
            "money": [e.value for e in extraction.money],
            "max_money": extraction.max_money,
            "people": [e.value for e in extraction.people],
            "max_people": extraction.max_people,
            "orgs": [e.text for e in extraction.orgs],
            "places": [e.text for e in extraction.places],
            "dates": [str(e.value) for e in extraction.dates],
        },
        "cues": [c.as_dict() for c in textlib.escalation_cues(text)],
        "model": "lexicon" if isinstance(model, textlib.LexiconClassifier) else "trained",
        "text_sha256": text_sha256(text),
        "model_sha256": model_sha,
    }


def analyse(text: str) -> dict:
    """The triage pass over ``text`` as JSON (codes and figures, no personal data), run at most once per
    text and model while the cache keeps it. Its ``text_sha256`` and ``model_sha256`` name what it read."""
    text = text or ""
    model, model_sha = _current()
    key = f"triage:pass:{model_sha[:80]}:{text_sha256(text)}"
    threshold = route_threshold()
    key = f"{key}:{threshold}"
    result = cache.get(key)
    if result is None:
        result = _run_pass(text, model, model_sha, threshold)
        cache.set(key, result, PASS_CACHE_SECONDS)
    return result


def is_current(result: dict | None, text: str) -> bool:
    """Whether a stored ``result`` was made from ``text`` by the model active now."""
    if not result:
        return False
    return result.get("text_sha256") == text_sha256(text) and result.get("model_sha256") == _current()[1]


def suggest_area_for(user, text: str) -> Area | None:
    """The area in ``user``'s scope that ``text`` names most (None without a user or a named area)."""
    if user is None or not (text or "").strip():
        return None
    areas = {a.name: a for a in scoped(user, Area).filter(level__gte=AreaLevel.TOWN)}
    name = textlib.suggest_area(text, list(areas)) if areas else None
    return areas.get(name) if name else None


@dataclass
class Suggestions:
    domains: list[tuple[Domain, float]] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    cues: list[dict] = field(default_factory=list)
    area: Area | None = None
    model_kind: str = "lexicon"
    route: str = "review"  # "auto": 可直接采用 (the top domain reached the threshold), else 请人工确认
    result: dict = field(default_factory=dict)  # the pass as stored (``analyse``)


def suggestions_from(result: dict, *, area: Area | None = None) -> Suggestions:
    """A stored or cached pass, with its domain codes turned into the active domains."""
    by_code = {d.code: d for d in Domain.objects.filter(active=True)}
    return Suggestions(
        domains=[(by_code[c], p) for c, p in result.get("domains", []) if c in by_code and p > 0],
        facts=result.get("facts", {}),
        cues=result.get("cues", []),
        area=area,
        model_kind=result.get("model", "lexicon"),
        route=result.get("route", "review"),
        result=result,
    )


def suggest(user, text: str) -> Suggestions:
    """Everything triage proposes for ``text``; the area is limited to ``user``'s scope."""
    text = text or ""
    return suggestions_from(analyse(text), area=suggest_area_for(user, text))
