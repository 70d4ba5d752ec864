import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.test import Client, override_settings

from echo_hub.celery import app as celery_app
from tests.conftest import broker_redis_url_or_skip, require_postgresql
from tests.notifications.conftest import backoffs, celery_configured  # noqa: F401 (backoffs: a fixture)

from .server import Gunicorn, collect_static

GUNICORN_NEEDS = "gunicorn, in a process of its own, reads and writes the test database."


@pytest.fixture(scope="session")
def static_root() -> str:
    # A session fixture is set up before the test's `postgres`: skip before collectstatic's 10 s.
    require_postgresql(GUNICORN_NEEDS)
    root = tempfile.mkdtemp(prefix="faults-static-")
    collect_static(root)
    return root


@pytest.fixture
def postgres(transactional_db) -> None:
    """Rows committed, so that a server in another process sees them."""
    require_postgresql(GUNICORN_NEEDS)


@pytest.fixture
def start_gunicorn(postgres, static_root) -> Iterator:
    servers = []

    def start(**kwargs) -> Gunicorn:
        server = Gunicorn(static_root=static_root, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def session_cookie(user) -> str:
    """A signed-in session for `user`, in the database where gunicorn reads it. Production
    sends coordinators and experts without an authenticator app to set one up first (MFA):
    like real people in those roles, each user here has one."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@contextmanager
def broker_at(url: str, **conf) -> Iterator[None]:
    """Out of eager mode: tasks are published to `url` and wait for a worker."""
    with (
        override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=url),
        # Keep the root logger's handlers: later tests and Django's logging still need them.
        celery_configured(task_always_eager=False, broker_url=url, worker_hijack_root_logger=False, **conf),
    ):
        yield


@pytest.fixture
def broker(transactional_db) -> Iterator[str]:
    url = broker_redis_url_or_skip(13, "the fault tests")
    client = redis.Redis.from_url(url)
    client.flushdb()
    with broker_at(url):
        yield url
    client.flushdb()
    client.close()


class Tasks:
    """Counts every task published (retries included) and every task run to its end."""

    def __init__(self) -> None:
        self.published: Counter[str] = Counter()
        self.finished: Counter[str] = Counter()
        self._lock = threading.Lock()

    def on_publish(self, sender=None, **kwargs) -> None:
        with self._lock:
            self.published[sender] += 1

    def on_finish(self, sender=None, **kwargs) -> None:
        with self._lock:
            self.finished[sender.name] += 1

    def idle(self) -> bool:
        with self._lock:
            return self.finished == self.published


@pytest.fixture
def tasks() -> Iterator[Tasks]:
    counter = Tasks()
    signals.after_task_publish.connect(counter.on_publish, weak=False)
    signals.task_postrun.connect(counter.on_finish, weak=False)
    yield counter
    signals.after_task_publish.disconnect(counter.on_publish)
    signals.task_postrun.disconnect(counter.on_finish)


def run_worker_until_idle(tasks: Tasks, seconds: float = 60) -> None:
    """A worker thread runs until every published task (and those they publish) finished.

    The database is read only before and after: SQLite's shared in-memory test database
    answers "table is locked" to two threads that touch it at once."""
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        deadline = time.monotonic() + seconds
        while not tasks.idle():
            assert time.monotonic() < deadline, f"the worker did not finish: {tasks.__dict__}"
            time.sleep(0.1)


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """A media directory of this test's own, so that counting its PDFs counts only ours."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT
