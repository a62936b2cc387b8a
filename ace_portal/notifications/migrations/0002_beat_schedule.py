from django.db import migrations

from ace_portal.notifications.beat import schedule_tasks, unschedule_tasks

TASKS = [
    ("Notifications: sweep left-behind emails", "notifications.sweep", ("interval", 1, "minutes")),
    # Hourly: a digest goes out at the first run after NOTIFICATIONS_DIGEST_HOUR.
    ("Notifications: send due digests", "notifications.send_digests", ("crontab", "5", "*")),
]


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, _: schedule_tasks(apps, TASKS),
            lambda apps, _: unschedule_tasks(apps, TASKS),
        )
    ]
