"""Forecasts: a county's nightly run (fit, skill) and its rows per town × domain and county total (docs/forecasts.md)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_scheduled_runs"),
        ("warning", "0005_transmission"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ForecastRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "computed_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="计算时间"),
                ),
                ("origin_week", models.DateField(verbose_name="预测起点周（周一）")),
                ("horizon", models.PositiveSmallIntegerField(default=4, verbose_name="预测周数")),
                ("refitted", models.BooleanField(default=False, verbose_name="本次重新拟合")),
                ("fitted_at", models.DateTimeField(verbose_name="模型拟合时间")),
                ("fit", models.JSONField(default=dict)),
                ("skill", models.JSONField(default=dict)),
                ("duration_ms", models.PositiveIntegerField(default=0)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="forecast_runs",
                        to="core.area",
                    ),
                ),
            ],
            options={
                "verbose_name": "预测",
                "ordering": ["-computed_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ForecastSeries",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("weeks", models.JSONField(default=list)),
                ("quantiles", models.JSONField(default=list)),
                ("mean", models.JSONField(default=list)),
                ("recent", models.JSONField(default=list)),
                ("expected_total", models.FloatField(default=0.0)),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.area"
                    ),
                ),
                (
                    "domain",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.domain"
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="series",
                        to="warning.forecastrun",
                    ),
                ),
            ],
            options={
                "ordering": ["area__path", "-expected_total"],
                "indexes": [models.Index(fields=["run", "area"], name="warning_for_run_id_b0529f_idx")],
            },
        ),
    ]
