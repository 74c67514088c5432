"""Key dates carry an area: the existing ones held for the whole platform, so they go to the top area."""

import django.db.models.deletion
from django.db import migrations, models


def to_top_area(apps, schema_editor):
    Area = apps.get_model("core", "Area")
    KeyDate = apps.get_model("warning", "KeyDate")
    top = Area.objects.filter(parent__isnull=True).order_by("path").first()
    if top is None:
        # no area at all: no meeting can have been held for these key dates either
        KeyDate.objects.all().delete()
    else:
        KeyDate.objects.filter(area__isnull=True).update(area=top)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_api_token_scope_expiry"),
        ("warning", "0003_detection_version_scan_write_ms"),
    ]

    operations = [
        migrations.AddField(
            model_name="keydate",
            name="area",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="key_dates",
                to="core.area",
                verbose_name="适用范围",
            ),
        ),
        migrations.RunPython(to_top_area, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="keydate",
            name="area",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="key_dates",
                to="core.area",
                verbose_name="适用范围",
            ),
        ),
    ]
