"""Mask the personal data already typed into free text, keeping the original encrypted beside it.

Runs ``core.crypto.protect_text`` over matter descriptions, mediation summaries and agreement texts, and free
notes of the timeline, like the actions do for new input. Reversible: the originals go back in plain.
"""

from django.db import migrations

from anju.core.crypto import protect_text

FIELDS = [
    ("Matter", {}, ("description",)),
    ("MediationSession", {}, ("summary", "agreement_text")),
    ("MatterEvent", {"kind": "note"}, ("note",)),
]


def mask_existing(apps, schema_editor):
    for model_name, where, fields in FIELDS:
        model = apps.get_model("matters", model_name)
        for obj in model.objects.filter(**where).only("pk", *fields).iterator(chunk_size=500):
            changed = {}
            for name in fields:
                masked, original = protect_text(getattr(obj, name))
                if original:
                    changed[name], changed[f"{name}_original"] = masked, original
            if changed:
                model.objects.filter(pk=obj.pk).update(**changed)


def restore_originals(apps, schema_editor):
    for model_name, where, fields in FIELDS:
        model = apps.get_model("matters", model_name)
        for obj in model.objects.filter(**where).iterator(chunk_size=500):
            changed = {}
            for name in fields:
                original = getattr(obj, f"{name}_original")
                if original:
                    changed[name], changed[f"{name}_original"] = original, ""
            if changed:
                model.objects.filter(pk=obj.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("matters", "0004_free_text_originals")]

    operations = [migrations.RunPython(mask_existing, restore_originals)]
