# The monthly report's per-unit and per-leader lists: one probe of (unit, area) per unit within the report's
# areas (docs/performance.md). Built CONCURRENTLY on PostgreSQL (so a large live ledger keeps taking writes),
# hence a non-atomic migration; SQLite builds them as usual.

from django.db import migrations, models

INDEXES = (
    models.Index(fields=["responsible_unit", "area"], name="matter_unit_area"),
    models.Index(fields=["lead_leader", "area"], name="matter_leader_area"),
)


def create_indexes(apps, schema_editor):
    matter = apps.get_model("matters", "Matter")
    for index in INDEXES:
        if schema_editor.connection.vendor == "postgresql":
            columns = ", ".join(matter._meta.get_field(name).column for name in index.fields)
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {index.name} ON {matter._meta.db_table} ({columns})"
            )
        else:
            schema_editor.add_index(matter, index)


def drop_indexes(apps, schema_editor):
    matter = apps.get_model("matters", "Matter")
    for index in INDEXES:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index.name}")
        else:
            schema_editor.remove_index(matter, index)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("matters", "0015_daily_rollup"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create_indexes, drop_indexes)],
            state_operations=[migrations.AddIndex(model_name="matter", index=index) for index in INDEXES],
        )
    ]
