"""Every event has its place in the chain; triggers refuse UPDATE and DELETE of audit events (audit_guard)."""

from django.db import migrations, models

from anju.core import audit_guard


def install_guard(apps, schema_editor):
    audit_guard.install(schema_editor.connection)


def uninstall_guard(apps, schema_editor):
    audit_guard.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_auditevent_chain_existing")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name="序号"),
        ),
        migrations.RunPython(install_guard, uninstall_guard),
    ]
