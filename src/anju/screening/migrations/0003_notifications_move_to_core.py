"""The notification centre moved to core: copy screening's notices into core.Notification, then drop
screening's table.

Both steps run in this one migration, so in one transaction: if the copy fails, screening's table is still
there. The copy keeps each notice's id (a page loaded before the upgrade posts to /notifications/<id>/open/)
and then moves core's id sequence past them, where the database has one. Going back copies them the other
way, before core 0007 drops its table.
"""

from django.core.management.color import no_style
from django.db import migrations

BATCH = 2000


def _kind(key: str, title: str) -> str:
    """What screening sent it for, from the key it sent it under (the kinds screening.actions sends now)."""
    if key.startswith("screening:open:"):
        return "screening.round_opened"
    if key.startswith("screening:remind:"):
        return "screening.overdue" if title.startswith("【逾期】") else "screening.reminder"
    if key.startswith("screening:overdue:"):
        return "screening.missing_below"
    return "screening.notice"


def _copy(source, target, schema_editor, convert):
    batch = []
    for row in source.objects.order_by("id").iterator(chunk_size=BATCH):
        batch.append(target(**convert(row)))
        if len(batch) == BATCH:
            target.objects.bulk_create(batch)
            batch = []
    target.objects.bulk_create(batch)
    # The rows kept their ids; the next new notice must not take one of them (PostgreSQL's sequence;
    # SQLite's AUTOINCREMENT moves on by itself, and returns no statements here).
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [target]):
            cursor.execute(statement)


def _fields(row) -> dict:
    return {
        "id": row.id,
        "user_id": row.user_id,
        "created_at": row.created_at,
        "title": row.title,
        "body": row.body,
        "read_at": row.read_at,
        "key": row.key,
    }


def forwards(apps, schema_editor):
    old = apps.get_model("screening", "Notification")
    new = apps.get_model("core", "Notification")
    _copy(old, new, schema_editor, lambda r: {**_fields(r), "link": r.url, "kind": _kind(r.key, r.title)})


def backwards(apps, schema_editor):
    old = apps.get_model("screening", "Notification")
    new = apps.get_model("core", "Notification")
    _copy(new, old, schema_editor, lambda r: {**_fields(r), "url": r.link})


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0002_versioned_for_concurrency"),
        ("core", "0008_notification"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Notification"),
    ]
