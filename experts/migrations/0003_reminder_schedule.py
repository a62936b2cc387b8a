from django.db import migrations

from ace_portal.notifications.beat import schedule_tasks, unschedule_tasks

# Daily, early morning UTC, before the working day in most WCO regions.
TASKS = [
    (
        "Experts: profile confirmation reminders",
        "experts.send_profile_confirmation_reminders",
        ("crontab", "0", "5"),
    ),
    (
        "Experts: passport expiry reminders",
        "experts.send_passport_expiry_reminders",
        ("crontab", "10", "5"),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0002_reference_data"),
        ("notifications", "0002_beat_schedule"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, _: schedule_tasks(apps, TASKS),
            lambda apps, _: unschedule_tasks(apps, TASKS),
        )
    ]
