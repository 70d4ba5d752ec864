import os

from celery import Celery
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun

from echo_hub.lib.observability import add_request_id_header, finish_task, start_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "echo_hub.settings")

app = Celery("echo_hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect(weak=False)
def keep_django_logging(**kwargs) -> None:
    """The worker and beat write the same JSON lines as the web (settings.LOGGING, level
    LOG_LEVEL): a receiver here stops Celery from installing its own handlers."""


# A task carries the id of the request that enqueued it, and logs one line when it ends.
before_task_publish.connect(add_request_id_header, weak=False)
task_prerun.connect(start_task, weak=False)
task_postrun.connect(finish_task, weak=False)
