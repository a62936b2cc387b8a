"""The funding sources the programme draws on, the daily task that follows mission dates, and,
on PostgreSQL, a mission history the database itself refuses to change or delete."""

from django.db import migrations

from ace_portal.notifications.beat import schedule_tasks, unschedule_tasks

FUNDING_SOURCES = [
    "CCF China",
    "CCF Germany",
    "CCF Japan",
    "CCF Korea",
    "European Union",
    "Finland",
    "JICA",
    "Norway / Norad",
    "Sweden / Sida",
    "Switzerland / SECO",
    "UK HMRC",
    "WCO regular budget",
]

TASKS = [
    # After midnight UTC: missions start on their first day and are delivered after their last.
    ("Missions: follow mission dates", "missions.follow_dates", ("crontab", "5", "0")),
]

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION missions_missionevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'mission history is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER missions_missionevent_append_only
    BEFORE UPDATE OR DELETE ON missions_missionevent
    FOR EACH ROW EXECUTE FUNCTION missions_missionevent_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS missions_missionevent_append_only ON missions_missionevent;
DROP FUNCTION IF EXISTS missions_missionevent_append_only();
"""


def forwards(apps, schema_editor):
    FundingSource = apps.get_model("missions", "FundingSource")
    for name in FUNDING_SOURCES:
        FundingSource.objects.get_or_create(name=name)
    schedule_tasks(apps, TASKS)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY)
    unschedule_tasks(apps, TASKS)
    apps.get_model("missions", "FundingSource").objects.filter(name__in=FUNDING_SOURCES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0001_initial"),
        ("notifications", "0002_beat_schedule"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
