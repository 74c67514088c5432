"""Trigram indexes for the ledger's search, on PostgreSQL only.

The ledger's search (``filters.apply_filters``: number, title or description contains the words, any case)
is ``UPPER(col::text) LIKE UPPER('%…%')`` on PostgreSQL, which no B-tree can serve: without these indexes
every search reads the whole ledger. A pg_trgm GIN index on each of the three expressions, exactly as Django
writes them, lets the planner combine them (BitmapOr) for a search of three characters or more. Two
characters (most Chinese words) make no trigram: a GIN index on the bigrams of the three fields serves those
(``filters.search_q``). A one-character search still reads the ledger; see docs/performance.md.

The keyset pages themselves need no new index: the plans walk the existing single-column indexes on
``registered_at``, ``deadline`` and ``number`` with an incremental sort on the id (measured; see
docs/performance.md). The indexes are built CONCURRENTLY (hence a non-atomic migration), so a large live
ledger keeps taking writes while they build. SQLite has no pg_trgm: there the migration does nothing.
"""

from django.db import migrations

INDEXES = {
    "matter_number_trgm": 'gin (UPPER(("number")::text) gin_trgm_ops)',
    "matter_title_trgm": 'gin (UPPER(("title")::text) gin_trgm_ops)',
    "matter_description_trgm": 'gin (UPPER("description") gin_trgm_ops)',
    "matter_search_bigrams": "gin (anju_matter_bigrams(number, title, description))",
}
# A two-character word makes no trigram: its search uses the bigrams of the three fields joined by spaces
# (filters.search_q). Written as SQL functions so that the query and the index name the same expression.
# The inner call names its schema: pg_restore builds the index with an empty search_path.
FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION anju_bigrams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
      FROM generate_series(1, char_length(t) - 1) AS i
    $$""",
    """CREATE OR REPLACE FUNCTION anju_matter_bigrams(number text, title text, description text)
    RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT {schema}.anju_bigrams(upper(
        coalesce(number, '') || ' ' || coalesce(title, '') || ' ' || coalesce(description, '')))
    $$""",
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        schema = cursor.fetchone()[0]
    for function in FUNCTIONS:
        schema_editor.execute(function.replace("{schema}", schema))
    for name, method in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON matters_matter USING {method}"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS anju_matter_bigrams(text, text, text)")
    schema_editor.execute("DROP FUNCTION IF EXISTS anju_bigrams(text)")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("matters", "0012_matter_updated_at_index"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
