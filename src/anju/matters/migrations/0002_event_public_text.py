"""MatterEvent.public_text: what the citizen reads is text written for them, never the staff note.

Existing rows are brought under the rule of ``anju.matters.audience`` (frozen here, as a migration must
not follow later edits of the app): the citizen's page stops showing ``note`` at all, so no opinion, level
or reason typed before this migration leaks; deliberate public text is kept as ``public_text``.
"""

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery

# audience.PUBLIC_LINES as of this migration: the kinds shown to the citizen as a neutral line.
LINE_KINDS = [
    "registered",
    "assessed",
    "assigned",
    "started",
    "mediation",
    "resolved",
    "followed_up",
    "archived",
    "escalated",
    "merged",
    "rejected",
]


def neutralise_public_events(apps, schema_editor):
    Matter = apps.get_model("matters", "Matter")
    MatterEvent = apps.get_model("matters", "MatterEvent")
    events = MatterEvent.objects.using(schema_editor.connection.alias)
    # A note the staff marked 群众可见 was written for the citizen: its text stays public, as written.
    events.filter(kind="note", public=True).update(public_text=F("note"))
    # Resolve's 对外公开说明 and a 不予受理 reason are the matter's public note (labelled public).
    public_note = Subquery(Matter.objects.filter(pk=OuterRef("matter_id")).values("public_note")[:1])
    events.filter(kind__in=["resolved", "rejected"]).update(public_text=public_note)
    events.filter(kind__in=LINE_KINDS).update(public=True)
    events.exclude(kind__in=LINE_KINDS).exclude(kind="note", public=True).update(public=False)


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="matterevent",
            name="public_text",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(neutralise_public_events, migrations.RunPython.noop),
    ]
