from django.db import migrations

from ace_portal.notifications.beat import schedule_tasks, unschedule_tasks

TASKS = [
    # Lapse first, shortly after midnight UTC, then remind.
    (
        "Experts: lapse expired accreditations",
        "experts.lapse_expired_accreditations",
        ("crontab", "15", "0"),
    ),
    (
        "Experts: accreditation expiry reminders",
        "experts.send_accreditation_expiry_reminders",
        ("crontab", "20", "5"),
    ),
    (
        "Experts: weekly list of upcoming lapses (Secretariat)",
        "experts.send_upcoming_lapses_digest",
        ("crontab", "0", "6", "1"),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0004_accreditation"),
        ("notifications", "0002_beat_schedule"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, _: schedule_tasks(apps, TASKS),
            lambda apps, _: unschedule_tasks(apps, TASKS),
        )
    ]
