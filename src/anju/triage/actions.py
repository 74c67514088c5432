"""State changes of triage: retraining the classifier, the county's target precision, recording corrections
and label confirmations (triage's own tables only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju import text as textlib
from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.permissions import require
from anju.text import selective
from anju.triage import service
from anju.triage.models import ClassifierModel, Correction, LabelConfirmation, RoutingSetting

MODEL_DIR_NAME = "models"
#: folds of the out-of-fold check made at each retraining (the routing threshold is found on it)
CHECK_FOLDS = 5
TARGET_MIN, TARGET_MAX = Decimal("0.500"), Decimal("0.999")


def _out_of_fold_check(texts, labels, lexicon) -> dict:
    """Every labelled matter predicted by a model trained on the other folds: its top probability and
    whether the top domain was the one staff left (no text is kept). Empty when the ledger is too small."""
    pairs = [(t, str(code)) for t, code in zip(texts, labels, strict=True) if code]
    try:
        proba, order = selective.out_of_fold_proba(
            [t for t, _ in pairs], [c for _, c in pairs], folds=CHECK_FOLDS, lexicon=lexicon
        )
    except ValueError:
        return {}
    confidence, correct = selective.oof_confidence(proba, order, [c for _, c in pairs])
    return {"confidence": confidence.round(6).tolist(), "correct": correct.tolist()}


def _route(record: ClassifierModel, target: Decimal) -> None:
    """Set the record's threshold for ``target`` from its out-of-fold check (no check: all to review)."""
    check = record.oof_check or {}
    found = selective.find_threshold(check.get("confidence", []), check.get("correct", []), float(target))
    reliability = selective.reliability(check.get("confidence", []), check.get("correct", []))
    record.target_precision = target
    record.route_threshold = found.threshold
    record.routing = {**found.as_dict(), "ece": reliability["ece"] if check else None}


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
    check = _out_of_fold_check(texts, labels, service.lexicon()) if kind == "trained" else {}
    ClassifierModel.objects.filter(active=True).update(active=False)
    record = ClassifierModel(
        trained_by=actor,
        trained_at=now,
        kind=kind,
        path=str(path),
        n_labelled=len(rows),
        labels=list(model.labels_),
        size_bytes=path.stat().st_size,
        sha256=textlib.file_sha256(path),
        active=True,
        oof_check=check,
    )
    _route(record, RoutingSetting.current().target_precision)
    record.save()
    audit.record(
        actor,
        "triage.train",
        record,
        after={
            "kind": kind,
            "n_labelled": len(rows),
            "labels": len(record.labels),
            "route_threshold": record.route_threshold,
            "target_precision": str(record.target_precision),
        },
    )
    return record


@transaction.atomic
def set_target_precision(actor, target, *, version=None, now: dt.datetime | None = None) -> RoutingSetting:
    """The county's target precision for 可直接采用: the active model's threshold is found again on its
    out-of-fold check, so the change takes effect at once, without retraining."""
    require(actor, "triage.train")
    setting = RoutingSetting.current()
    lock_checked(setting, version)
    try:
        value = Decimal(str(target)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"target_precision": _("请填写 0.5 到 0.999 之间的小数，如 0.97。")}) from None
    if not TARGET_MIN <= value <= TARGET_MAX:
        raise ValidationError({"target_precision": _("请填写 0.5 到 0.999 之间的小数，如 0.97。")})
    before = str(setting.target_precision)
    setting.target_precision = value
    setting.updated_at = now or timezone.now()
    setting.updated_by = actor
    setting.save()
    active = ClassifierModel.objects.select_for_update().filter(active=True).first()
    if active is not None:
        _route(active, value)
        active.save(update_fields=["target_precision", "route_threshold", "routing"])
    audit.record(
        actor,
        "triage.target_precision",
        setting,
        before={"target_precision": before},
        after={
            "target_precision": str(value),
            "route_threshold": active.route_threshold if active is not None else None,
        },
    )
    return setting


def record_label_confirmation(actor, matter, domain_code: str, *, now: dt.datetime | None = None):
    """Note that a person confirmed ``matter``'s domain from the 待标注 queue. Only called from inside
    the matter's own action (``matters.actions.confirm_domain``), which checks permission and scope,
    holds the matter's lock and writes its timeline and audit; triage keeps the row to leave it out of
    the queue."""
    return LabelConfirmation.objects.create(
        matter=matter, domain_code=domain_code, by=actor, at=now or timezone.now()
    )


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
