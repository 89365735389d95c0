"""Search at city scale on PostgreSQL (issue 13): a tracking code's beginning by a pattern
index, words of the description, the place, the reporter's name and the code by trigram
indexes on the upper-cased text (Django's icontains compares UPPER(column::text)). Nothing on
SQLite, where the embedded default's small tables are read whole."""
from django.db import migrations

INDEXES = {
    "complaint_code_pattern_idx": "btree (tracking_code varchar_pattern_ops)",
    "complaint_code_trgm_idx": "gin (UPPER(tracking_code::text) gin_trgm_ops)",
    "complaint_description_trgm_idx": "gin (UPPER(description::text) gin_trgm_ops)",
    "complaint_location_trgm_idx": "gin (UPPER(location_detail::text) gin_trgm_ops)",
    "complaint_reporter_name_trgm_idx": "gin (UPPER(reporter_name::text) gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON complaints_complaint USING {definition}")
    # Statistics of the indexed expressions: without them the planner guesses that a search
    # matches a tenth of the rows and walks the whole table newest first (2.5 s at a million).
    schema_editor.execute("ANALYZE complaints_complaint")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0009_constraint_messages")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
