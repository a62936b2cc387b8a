"""PostgreSQL only: the unaccent extension (so "Garcia" finds "García") and the GIN index on the
experts' search vector. SQLite, used for the local run, searches with a simple fallback."""

from django.db import migrations

from experts.services.search import REFRESH_SQL

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE INDEX IF NOT EXISTS expert_search_vector_gin ON experts_expert USING gin (search_vector)",
]
DROP = ["DROP INDEX IF EXISTS expert_search_vector_gin"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)
        schema_editor.execute(REFRESH_SQL)  # experts that existed before the search vector


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("experts", "0007_directory_search")]

    operations = [migrations.RunPython(create, drop)]
