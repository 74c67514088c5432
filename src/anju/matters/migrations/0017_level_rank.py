"""The stored level rank for the ledger's 风险等级 sort, and the one-character search index (PostgreSQL).

``Matter.level_rank`` is the order of the level a matter shows (its residual level once assessed after
measures, else its inherent one: 0 ungraded, 1 低 … 4 最高; ``models.level_rank_of``). The ledger sorted by
level used to order by a ``CASE`` over the two level columns, which no index serves: every visible row was
read and sorted for each page. With the column and the index ``matter_level_rank`` on ``(level_rank,
registered_at, id)`` a page walks the index (``seek.SORT_KEYS``). Existing rows are filled by one ``UPDATE``
with the same ``CASE`` as ``level_rank_of`` (a few seconds at 1,000,000 rows).

One-character search: the bigram index of 0013 needs two characters. ``matter_search_chars`` is a GIN
index on the distinct characters of the number, title and description (upper-cased, as the search's
``UPPER(…) LIKE`` compares), asked by ``filters.search_q`` for a one-character search.

Both indexes are built CONCURRENTLY on PostgreSQL (hence a non-atomic migration), as in 0013, so a live
ledger keeps taking writes; on SQLite the rank index is built plainly and the character index is left out.
"""

from django.db import migrations, models

RANK_INDEX = models.Index(fields=["level_rank", "registered_at", "id"], name="matter_level_rank")
# the same ranks as risk.LEVEL_RANK; written out so the migration does not change if that table does
FILL = """
UPDATE matters_matter SET level_rank = CASE COALESCE(NULLIF(residual_level, ''), inherent_level)
  WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'critical' THEN 4 ELSE 0 END
WHERE inherent_level <> '' OR residual_level <> ''
"""
# The inner call names its schema: pg_restore builds the index with an empty search_path (as 0013).
CHAR_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION anju_chars(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT coalesce(array_agg(DISTINCT c), '{}') FROM unnest(string_to_array(t, NULL)) AS c WHERE c <> ' '
    $$""",
    """CREATE OR REPLACE FUNCTION anju_matter_chars(number text, title text, description text)
    RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT {schema}.anju_chars(upper(
        coalesce(number, '') || ' ' || coalesce(title, '') || ' ' || coalesce(description, '')))
    $$""",
]
CHAR_INDEX = "matter_search_chars"


def fill_ranks(apps, schema_editor):
    schema_editor.execute(FILL)


def add_rank_index(apps, schema_editor):
    matter = apps.get_model("matters", "Matter")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(matter, RANK_INDEX, concurrently=True)
    else:
        schema_editor.add_index(matter, RANK_INDEX)


def remove_rank_index(apps, schema_editor):
    matter = apps.get_model("matters", "Matter")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(matter, RANK_INDEX, concurrently=True)
    else:
        schema_editor.remove_index(matter, RANK_INDEX)


def add_char_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        schema = cursor.fetchone()[0]
    for function in CHAR_FUNCTIONS:
        schema_editor.execute(function.replace("{schema}", schema))
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {CHAR_INDEX} ON matters_matter "
        "USING gin (anju_matter_chars(number, title, description))"
    )
    # the planner's estimate of a character's rows (common: walk the ledger in order; rare: the index)
    # comes from the statistics of the indexed expression, which only ANALYZE gathers
    schema_editor.execute("ANALYZE matters_matter")


def remove_char_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {CHAR_INDEX}")
    schema_editor.execute("DROP FUNCTION IF EXISTS anju_matter_chars(text, text, text)")
    schema_editor.execute("DROP FUNCTION IF EXISTS anju_chars(text)")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("matters", "0016_unit_area_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="matter",
            name="level_rank",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fill_ranks, migrations.RunPython.noop, elidable=False),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="matter", index=RANK_INDEX)],
            database_operations=[migrations.RunPython(add_rank_index, remove_rank_index, elidable=False)],
        ),
        migrations.RunPython(add_char_index, remove_char_index, elidable=False),
    ]
