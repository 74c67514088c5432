"""anju.text — pure Chinese-text library (no Django): normalisation, classification with a keyword-lexicon
fallback, extraction, masking of personal data, escalation cues, near-duplicates and hotspot clustering.

The platform should use the names exported here; see ``docs/triage-experiments.md``.
"""

from .classify import (
    FORMAT_VERSION,
    MIN_LABELLED,
    LexiconClassifier,
    TextClassifier,
    classify,
    file_sha256,
    load_model,
    train_triage,
)
from .cluster import ClusterResult, Hotspot, cluster_texts
from .cues import DEFAULT_CUES, Cue, escalation_cues, has_escalation
from .dedup import DuplicateIndex, duplicate_hint, similarity
from .extract import Entity, Extraction, extract, suggest_area, valid_id_card
from .mask import find_personal, mask
from .normalize import normalize, to_simplified

__all__ = [
    "FORMAT_VERSION",
    "MIN_LABELLED",
    "LexiconClassifier",
    "TextClassifier",
    "classify",
    "file_sha256",
    "load_model",
    "train_triage",
    "ClusterResult",
    "Hotspot",
    "cluster_texts",
    "DuplicateIndex",
    "duplicate_hint",
    "similarity",
    "DEFAULT_CUES",
    "Cue",
    "escalation_cues",
    "has_escalation",
    "Entity",
    "Extraction",
    "extract",
    "suggest_area",
    "valid_id_card",
    "find_personal",
    "mask",
    "normalize",
    "to_simplified",
]
