import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ace_portal.settings")

app = Celery("ace_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender=None, **kwargs):
    """Close database connections that broke or outlived CONN_MAX_AGE, as around a request."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return  # an eager task runs inside its caller's transaction
    from django.db import close_old_connections as close

    close()


def registered_task(name: str):
    """The Celery task registered as ``name``.

    Services start a task by its name, as templates link to a URL by its name: the tasks modules
    import the services they run, so an import back would make a cycle. A name that no task
    has fails at once (NotRegistered) instead of queuing a job nobody runs."""
    if name not in app.tasks:
        # Only a worker imports the apps' tasks modules at start-up; a web process does it here.
        app.loader.import_default_modules()
    return app.tasks[name]
