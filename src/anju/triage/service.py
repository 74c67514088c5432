"""Suggestions for one text, for the intake and matter forms: domains, facts, cues, duplicates, area.

Pure reads; the only state here is a per-process cache of the loaded model and the duplicate index.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Max

from anju import text as textlib
from anju.core.models import Area, AreaLevel, Domain
from anju.core.scoping import scoped
from anju.matters.models import Matter
from anju.triage.models import ClassifierModel

DUPLICATE_THRESHOLD = 0.35
DUPLICATE_POOL_DAYS = 365
_lock = threading.Lock()
logger = logging.getLogger(__name__)
_cache: dict = {}


def lexicon() -> dict[str, list[str]]:
    return {d.code: list(d.keywords) for d in Domain.objects.filter(active=True) if d.keywords}


def current_classifier():
    """The active trained model, or the domains' keyword lexicon when none has been trained."""
    active = ClassifierModel.objects.filter(active=True).first()
    key = ("model", active.pk if active else None, tuple(sorted(lexicon().items())) if not active else None)
    with _lock:
        if _cache.get("model_key") != key:
            model = _load_trusted(active) if active else None
            _cache["model"] = model or textlib.LexiconClassifier(lexicon())
            _cache["model_key"] = key
        return _cache["model"]


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


def matter_text(matter: Matter) -> str:
    return f"{matter.title}。{matter.description}"


def _duplicate_index():
    """A MinHash index over recent matters, rebuilt when the ledger changed."""
    from anju.text.dedup import DuplicateIndex

    stamp = Matter.objects.aggregate(n=Max("id"), t=Max("updated_at"))
    with _lock:
        if _cache.get("dup_key") != stamp:
            index = DuplicateIndex()
            rows = Matter.objects.order_by("-id").values_list("id", "title", "description")[:20000]
            index.add_many((pk, f"{title}。{description}") for pk, title, description in rows)
            _cache["dup_index"], _cache["dup_key"] = index, stamp
        return _cache["dup_index"]


@dataclass
class Suggestions:
    domains: list[tuple[Domain, float]] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    cues: list[dict] = field(default_factory=list)
    duplicates: list[tuple[Matter, float]] = field(default_factory=list)
    area: Area | None = None
    model_kind: str = "lexicon"

    def as_json(self) -> dict:
        """What is stored on a report (ids and codes only, no personal data)."""
        return {
            "domains": [[d.code, round(p, 4)] for d, p in self.domains],
            "facts": {k: v for k, v in self.facts.items() if k not in ("phones", "id_cards")},
            "cues": self.cues,
            "duplicates": [[m.pk, s] for m, s in self.duplicates],
            "area": self.area.code if self.area else None,
            "model": self.model_kind,
        }


def suggest(user, text: str, *, exclude_matter: int | None = None) -> Suggestions:
    """Everything the forms propose for ``text``; duplicates and areas are limited to ``user``'s scope."""
    text = text or ""
    model = current_classifier()
    by_code = {d.code: d for d in Domain.objects.filter(active=True)}
    ranked = [(by_code[c], p) for c, p in model.top_k(text, k=3) if c in by_code and p > 0]
    areas = {a.name: a for a in scoped(user, Area).filter(level__gte=AreaLevel.TOWN)} if user else {}
    extraction = textlib.extract(text, areas=list(areas))
    area_name = textlib.suggest_area(text, list(areas)) if areas else None
    duplicates = []
    if text.strip():
        hits = _duplicate_index().query(text, DUPLICATE_THRESHOLD, limit=10, exclude=exclude_matter)
        visible = (
            {m.pk: m for m in scoped(user, Matter).filter(pk__in=[pk for pk, _ in hits])} if user else {}
        )
        duplicates = [(visible[pk], sim) for pk, sim in hits if pk in visible][:5]
    return Suggestions(
        domains=ranked,
        facts={
            "money": [e.value for e in extraction.money],
            "max_money": extraction.max_money,
            "people": [e.value for e in extraction.people],
            "max_people": extraction.max_people,
            "orgs": [e.text for e in extraction.orgs],
            "places": [e.text for e in extraction.places],
            "dates": [str(e.value) for e in extraction.dates],
        },
        cues=[c.as_dict() for c in textlib.escalation_cues(text)],
        duplicates=duplicates,
        area=areas.get(area_name) if area_name else None,
        model_kind="lexicon" if isinstance(model, textlib.LexiconClassifier) else "trained",
    )
