from django.db import migrations

from ace_portal.notifications.beat import schedule_tasks, unschedule_tasks

TASKS = [
    # Daily, in the European morning, with the release reminders.
    ("Missions: remind reports", "missions.follow_reports", ("crontab", "10", "8")),
]


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0008_mission_report"),
        ("notifications", "0002_beat_schedule"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, _: schedule_tasks(apps, TASKS),
            lambda apps, _: unschedule_tasks(apps, TASKS),
        )
    ]
