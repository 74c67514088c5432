from django.db import migrations, models


class Migration(migrations.Migration):
    """Reports received through the API wait for triage's pass in ``anju worker``: their flag (with a database
    default, so that servers still running the previous code keep inserting reports) and its index."""

    dependencies = [
        ("intake", "0007_legacy_imports"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="triage_pending",
            field=models.BooleanField(
                default=False, db_default=False, editable=False, verbose_name="待智能分拣"
            ),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("triage_pending", True)), fields=["id"], name="intake_report_triage_queue"
            ),
        ),
    ]
