# The monthly report's indexes: resolved in a month, 灰犀牛 by registration, escalations (partial), 回访 by date.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0013_ledger_seek_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(fields=["resolved_at"], name="matter_resolved_at"),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(("grey_rhino", True)), fields=["registered_at"], name="matter_grey_rhino"
            ),
        ),
        migrations.AddIndex(
            model_name="matterevent",
            index=models.Index(
                condition=models.Q(("kind", "escalated")),
                fields=["at", "matter"],
                name="matterevent_escalated_at",
            ),
        ),
        migrations.AddIndex(
            model_name="matterevent",
            index=models.Index(
                condition=models.Q(("kind", "escalated")), fields=["matter"], name="matterevent_escalated"
            ),
        ),
        migrations.AddIndex(
            model_name="followupvisit",
            index=models.Index(fields=["visited_on"], name="followupvisit_visited_on"),
        ),
    ]
