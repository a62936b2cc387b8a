import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import experts.models.exports
from ace_portal.notifications.beat import schedule_tasks, unschedule_tasks

TASKS = [
    # Hourly: a file lives at most an hour past its expiry (downloads are refused from expiry).
    ("Experts: delete expired exports", "experts.delete_expired_exports", ("crontab", "25", "*")),
]


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0013_expert_merge"),
        ("notifications", "0002_beat_schedule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ExpertExport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("query", models.TextField(blank=True, verbose_name="filters")),
                (
                    "format",
                    models.CharField(
                        choices=[("csv", "CSV"), ("xlsx", "XLSX")],
                        max_length=4,
                        verbose_name="format",
                    ),
                ),
                (
                    "sensitive",
                    models.BooleanField(
                        default=False, verbose_name="passport and date of birth included"
                    ),
                ),
                ("language", models.CharField(default="en", max_length=10, verbose_name="language")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for the background worker"),
                            ("running", "Being written"),
                            ("done", "Ready to download"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=8,
                        verbose_name="state",
                    ),
                ),
                ("rows_total", models.PositiveIntegerField(default=0, verbose_name="rows")),
                ("rows_done", models.PositiveIntegerField(default=0, verbose_name="rows written")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        upload_to=experts.models.exports.export_path,
                        verbose_name="file",
                    ),
                ),
                ("error", models.TextField(blank=True, verbose_name="problem")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="requested at"
                    ),
                ),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished at")),
                ("expires_at", models.DateTimeField(blank=True, null=True, verbose_name="expires at")),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
            ],
            options={
                "verbose_name": "export of experts",
                "verbose_name_plural": "exports of experts",
                "ordering": ["-created_at"],
                "indexes": [models.Index(fields=["expires_at"], name="expert_export_expiry_idx")],
            },
        ),
        migrations.RunPython(
            lambda apps, _: schedule_tasks(apps, TASKS),
            lambda apps, _: unschedule_tasks(apps, TASKS),
        ),
    ]
