"""Audit events are linked into the hash chain after their transaction commits: ``seq``, ``prev_hash`` and
``hash`` are empty until then, and the guard's triggers allow exactly that one update (``audit_guard``)."""

from django.db import migrations, models

from anju.core import audit_chain, audit_guard


def reinstall_guard(apps, schema_editor):
    audit_guard.reinstall(schema_editor.connection)


def link_before_the_fields_are_required_again(apps, schema_editor):
    audit_chain.link_pending(apps.get_model("core", "AuditEvent"))


class Migration(migrations.Migration):
    dependencies = [("core", "0015_job_kind_transmission")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True, unique=True, verbose_name="序号"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(reinstall_guard, link_before_the_fields_are_required_again),
    ]
