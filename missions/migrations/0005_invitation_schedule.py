from django.db import migrations

from ace_portal.notifications.beat import schedule_tasks, unschedule_tasks

TASKS = [
    # Every hour, on the quarter: deadlines are hours, not days.
    ("Missions: follow invitations", "missions.follow_invitations", ("crontab", "15", "*")),
]


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0004_position_cascade"),
        ("notifications", "0002_beat_schedule"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, _: schedule_tasks(apps, TASKS),
            lambda apps, _: unschedule_tasks(apps, TASKS),
        )
    ]
