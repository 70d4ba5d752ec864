"""Settings of the Celery worker subprocess in test_worker_killed.py: the test database and
media directory of the pytest process, a Redis broker of its own, and a file storage whose
first save hangs (tests.storages.StallingStorage), so that the test can SIGKILL the worker
after the PDF is built and before it is stored. Only the tests use this module."""

import os
from pathlib import Path

from echo_hub.settings_test import *  # noqa: F403
from echo_hub.settings_test import CELERY_BROKER_TRANSPORT_OPTIONS, STORAGES

MEDIA_ROOT = Path(os.environ["FAULTS_MEDIA_ROOT"])
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["FAULTS_BROKER_URL"]
# A message whose worker died unacknowledged goes back to the queue after 3 s, not 1 h, and
# the worker looks for such messages every second. Each look holds a lock in Redis that a
# worker killed while holding it cannot release: it expires after FAULTS_RESTORE_LOCK_SECONDS
# (kombu's default, 5 minutes, outlasts the test's wait).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    "unacked_mutex_expire": int(os.environ["FAULTS_RESTORE_LOCK_SECONDS"]),
}
LOG_LEVEL = "WARNING"
STORAGES = {**STORAGES, "default": {"BACKEND": "tests.storages.StallingStorage"}}
