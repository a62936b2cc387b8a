"""On PostgreSQL, the database itself refuses to change or delete accreditation history, so no
code path (a queryset update, raw SQL, a future bug) can rewrite it."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION experts_accreditationevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accreditation history is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER experts_accreditationevent_append_only
    BEFORE UPDATE OR DELETE ON experts_accreditationevent
    FOR EACH ROW EXECUTE FUNCTION experts_accreditationevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS experts_accreditationevent_append_only ON experts_accreditationevent;
DROP FUNCTION IF EXISTS experts_accreditationevent_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("experts", "0005_accreditation_schedule")]

    operations = [migrations.RunPython(create, drop)]
