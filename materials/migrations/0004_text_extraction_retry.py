import django.utils.timezone
from django.db import migrations, models
from django.db.models import F

from ace_portal.notifications.beat import schedule_tasks, unschedule_tasks

TASKS = [
    # A lost reading waits at most MATERIAL_EXTRACTION_RETRY_AFTER_MINUTES plus a quarter hour.
    (
        "Materials: retry lost text extraction",
        "materials.retry_lost_text_extraction",
        ("interval", 15, "minutes"),
    ),
]


def queued_when_uploaded(apps, _):
    # The versions already there were queued at their upload.
    MaterialVersion = apps.get_model("materials", "MaterialVersion")
    MaterialVersion.objects.update(extraction_queued_at=F("uploaded_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0003_deliverable_reminder_schedule"),
        ("notifications", "0002_beat_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="materialversion",
            name="extraction_attempts",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="text extraction attempts"
            ),
        ),
        migrations.AddField(
            model_name="materialversion",
            name="extraction_queued_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="text extraction queued at",
            ),
        ),
        migrations.RunPython(queued_when_uploaded, migrations.RunPython.noop),
        migrations.RunPython(
            lambda apps, _: schedule_tasks(apps, TASKS),
            lambda apps, _: unschedule_tasks(apps, TASKS),
        ),
    ]
