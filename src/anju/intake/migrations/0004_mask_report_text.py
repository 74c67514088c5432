"""Mask the personal data already typed into reports' text, keeping the original encrypted beside it
(``core.crypto.protect_text``, as ``submit_report`` does for new reports). Reversible."""

from django.db import migrations

from anju.core.crypto import protect_text


def mask_existing(apps, schema_editor):
    report_model = apps.get_model("intake", "Report")
    for report in report_model.objects.only("pk", "text").iterator(chunk_size=500):
        masked, original = protect_text(report.text)
        if original:
            report_model.objects.filter(pk=report.pk).update(text=masked, text_original=original)


def restore_originals(apps, schema_editor):
    report_model = apps.get_model("intake", "Report")
    for report in report_model.objects.exclude(text_original="").iterator(chunk_size=500):
        if report.text_original:
            report_model.objects.filter(pk=report.pk).update(text=report.text_original, text_original="")


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_report_text_original")]

    operations = [migrations.RunPython(mask_existing, restore_originals)]
