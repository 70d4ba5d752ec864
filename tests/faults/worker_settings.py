"""Settings of the Celery worker subprocess in test_worker_killed.py: the test database and
media directory of the pytest process, a Redis broker of its own, and a hook that stalls
the first certificate render after the PDF is built and before it is stored, so that the
test can SIGKILL the worker in the middle of it. Only the tests use this module."""

import os
import time
from pathlib import Path

from celery.signals import task_prerun

from echo_hub.settings_test import *  # noqa: F403
from echo_hub.settings_test import CELERY_BROKER_TRANSPORT_OPTIONS

MEDIA_ROOT = Path(os.environ["FAULTS_MEDIA_ROOT"])
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["FAULTS_BROKER_URL"]
# A message whose worker died unacknowledged goes back to the queue after 3 s, not 1 h, and
# the worker looks for such messages every second.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
LOG_LEVEL = "WARNING"

STALL_MARKER = os.environ.get("FAULTS_STALL_MARKER", "")


@task_prerun.connect(weak=False)
def _stall_the_first_certificate_render(sender=None, **kwargs) -> None:
    if not STALL_MARKER or sender is None or sender.name != "cpd.render_certificate":
        return
    from cpd import services

    render_pdf = services.render_pdf

    def render_then_stall(*args, **kwargs):
        pdf = render_pdf(*args, **kwargs)
        if not os.path.exists(STALL_MARKER):
            # Tell the test which process is rendering, then wait for the SIGKILL.
            Path(STALL_MARKER).write_text(str(os.getpid()))
            time.sleep(120)
        return pdf

    services.render_pdf = render_then_stall
