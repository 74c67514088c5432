"""State changes of triage: retraining the classifier and recording corrections (triage's own tables only)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anju import text as textlib
from anju.core import audit
from anju.core.permissions import require
from anju.triage import service
from anju.triage.models import ClassifierModel, Correction

MODEL_DIR_NAME = "models"


@transaction.atomic
def train_classifier(
    actor=None, *, min_labelled: int = textlib.MIN_LABELLED, now: dt.datetime | None = None
) -> ClassifierModel:
    """Train on the labelled examples the owning apps provide (the ledger's matters, their domain as
    corrected by staff: ``service.register_training_source``); with too few, keep the keyword lexicon.
    The new model becomes the active one."""
    if actor is not None:
        require(actor, "triage.train")  # no area: the model serves every report
    rows = service.labelled_examples()
    texts = [text for text, _ in rows]
    labels = [code for _, code in rows]
    model = textlib.train_triage(texts, labels, lexicon=service.lexicon(), min_labelled=min_labelled)
    kind = "lexicon" if isinstance(model, textlib.LexiconClassifier) else "trained"
    folder = settings.DATA_DIR / MODEL_DIR_NAME
    folder.mkdir(parents=True, exist_ok=True)
    now = now or timezone.now()
    path = folder / f"triage-{now:%Y%m%d-%H%M%S-%f}.pkl"
    model.save(path)
    ClassifierModel.objects.filter(active=True).update(active=False)
    record = ClassifierModel.objects.create(
        trained_by=actor,
        trained_at=now,
        kind=kind,
        path=str(path),
        n_labelled=len(rows),
        labels=list(model.labels_),
        size_bytes=path.stat().st_size,
        sha256=textlib.file_sha256(path),
        active=True,
    )
    audit.record(
        actor,
        "triage.train",
        record,
        after={"kind": kind, "n_labelled": len(rows), "labels": len(record.labels)},
    )
    return record


@transaction.atomic
def record_correction(
    actor, *, field: str, suggested: str, chosen: str, report=None, matter=None
) -> Correction | None:
    """Store a suggestion that staff overrode; the corrected label then trains the next model."""
    if not suggested or suggested == chosen:
        return None
    correction = Correction.objects.create(
        by=actor, report=report, matter=matter, field=field, suggested=suggested, chosen=chosen
    )
    audit.record(
        actor,
        "triage.correct",
        correction,
        before={field: suggested},
        after={field: chosen},
        area=(report.area if report else matter.area if matter else None),
    )
    return correction
