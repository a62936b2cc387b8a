from django.db import migrations

from ace_portal.notifications.beat import schedule_tasks, unschedule_tasks

TASKS = [
    # Daily, in the European morning, after the reports' reminders.
    ("Materials: remind deliverables", "materials.remind_deliverables", ("crontab", "20", "8")),
]


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0002_search_index_postgresql"),
        ("notifications", "0002_beat_schedule"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, _: schedule_tasks(apps, TASKS),
            lambda apps, _: unschedule_tasks(apps, TASKS),
        )
    ]
