from django.db import migrations

from ace_portal.notifications.beat import schedule_tasks, unschedule_tasks

TASKS = [
    # Daily, in the European morning: administrations are reminded in office hours.
    ("Missions: remind releases", "missions.follow_releases", ("crontab", "0", "8")),
]


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0006_release"),
        ("notifications", "0002_beat_schedule"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, _: schedule_tasks(apps, TASKS),
            lambda apps, _: unschedule_tasks(apps, TASKS),
        )
    ]
