"""PostgreSQL only: the GIN index on the materials' search vector (SQLite searches by substring)."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS material_search_vector_gin ON materials_material "
    "USING gin (search_vector)"
)
DROP = "DROP INDEX IF EXISTS material_search_vector_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("materials", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
