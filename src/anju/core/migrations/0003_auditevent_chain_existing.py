"""Chain the audit events that existed before the chain: numbered in id order (the order they were written)."""

from django.db import migrations

from anju.core import audit_chain, audit_guard


def chain_existing_events(apps, schema_editor):
    # A partial migrate may have run post_migrate's guard installation on the old table; these updates need it off.
    audit_guard.uninstall(schema_editor.connection)
    AuditEvent = apps.get_model("core", "AuditEvent")
    seq, prev_hash, last_id = 0, audit_chain.GENESIS, 0
    while batch := list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:2000]):
        for event in batch:
            seq += 1
            event.seq, event.prev_hash = seq, prev_hash
            event.hash = audit_chain.event_hash(audit_chain.values_of(event), prev_hash)
            AuditEvent.objects.filter(pk=event.pk).update(seq=seq, prev_hash=prev_hash, hash=event.hash)
            prev_hash = event.hash
        last_id = batch[-1].id


class Migration(migrations.Migration):
    dependencies = [("core", "0002_auditevent_chain_fields")]

    operations = [migrations.RunPython(chain_existing_events, migrations.RunPython.noop)]
