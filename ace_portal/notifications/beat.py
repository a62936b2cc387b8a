"""Periodic tasks as django-celery-beat rows, written by data migrations so that the schedule is
in the database from the start and editable in the admin (Periodic tasks)."""


def schedule_tasks(apps, tasks) -> None:
    """``tasks``: (name, task, ("interval", every, period) | ("crontab", minute, hour[, dow]))."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (kind, first, second, *rest) in tasks:
        if kind == "interval":
            interval, _ = IntervalSchedule.objects.get_or_create(every=first, period=second)
            defaults = {"task": task, "interval": interval, "crontab": None}
        else:
            day_of_week = rest[0] if rest else "*"
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=first,
                hour=second,
                day_of_week=day_of_week,
                day_of_month="*",
                month_of_year="*",
            )
            defaults = {"task": task, "crontab": crontab, "interval": None}
        PeriodicTask.objects.update_or_create(name=name, defaults=defaults)


def unschedule_tasks(apps, tasks) -> None:
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in tasks]).delete()
