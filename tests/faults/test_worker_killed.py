"""A Celery worker is SIGKILLed in the middle of a certificate render (after the PDF is
built, before it is stored): the certificate ends rendered exactly once, its PDF whole.

Two ways a worker dies:
- the pool process rendering it is killed (the kernel's OOM killer): the worker's main
  process sees the loss and, with acks_late and reject_on_worker_lost, puts the message back
  at once; a fresh pool process renders it.
- the whole worker is killed (its machine is lost): the message stays unacknowledged in
  Redis; the next worker takes it back once the broker's visibility_timeout has passed
  (3 s in worker_settings.py; Redis's default is 1 h). In production the certificates sweep
  (every 5 minutes, for certificates pending for 5 minutes) renders it sooner; the message
  coming back later finds the certificate ready and does nothing. The killed worker may have
  been holding the lock under which workers look for such messages (kombu takes it every
  second here): the test always leaves it held, as the worst case, and it expires after
  RESTORE_LOCK_SECONDS.
"""

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from kombu.transport.redis import Channel as RedisChannel
from pypdf import PdfReader

from cpd.models import Certificate
from cpd.services import issue_session_certificate
from echo_hub.notifications.models import Notification
from tests.conftest import require_postgresql
from tests.factories import AttendanceFactory, EvaluationFactory, PastSessionFactory

from .server import BASE_DIR, database_url

# How long the lock of kombu's Redis transport over restoring unacknowledged messages outlives
# a worker killed while holding it (worker_settings.py).
RESTORE_LOCK_SECONDS = 5


class Worker:
    """`celery -A echo_hub worker` in a process of its own, on worker_settings.py."""

    def __init__(self, broker: str, *, pool: str, stall_marker: str = "") -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
            "DATABASE_URL": database_url(),
            "FAULTS_BROKER_URL": broker,
            "FAULTS_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "FAULTS_STALL_MARKER": stall_marker,
            "FAULTS_RESTORE_LOCK_SECONDS": str(RESTORE_LOCK_SECONDS),
            "PYTHONPATH": str(BASE_DIR),
        }
        command = [sys.executable, "-m", "celery", "-A", "echo_hub", "worker", "--pool", pool]
        command += ["--concurrency", "1", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.process = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Workers:
    def __init__(self, broker: str) -> None:
        self._broker = broker
        self._started: list[Worker] = []

    def start(self, **kwargs) -> Worker:
        worker = Worker(self._broker, **kwargs)
        self._started.append(worker)
        return worker

    def stop(self) -> None:
        """A warm shutdown: each worker finishes what it runs and hands back to the broker any
        message it holds unacknowledged; once they have exited, nothing runs any more."""
        for worker in self._started:
            worker.stop()


@pytest.fixture
def workers(broker, media_root):
    require_postgresql("the worker process reads and writes the test database.")
    workers = Workers(broker)
    yield workers
    workers.stop()


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.2)
    return found


def _certificate_ready_and_mailed() -> bool:
    return Notification.objects.filter(kind="certificate_ready", status="sent").exists()


def _issue(program, participant) -> Certificate:
    session = PastSessionFactory(program=program)
    AttendanceFactory(session=session, user=participant, minutes=120)
    EvaluationFactory(session=session, user=participant)
    return issue_session_certificate(user=participant, session=session)  # published on commit


@pytest.mark.parametrize("killed", ["the rendering pool process", "the whole worker"])
def test_a_worker_killed_mid_render_leaves_one_whole_certificate(
    workers, broker, media_root, tmp_path, program, participant, killed
):
    marker = tmp_path / "rendering.pid"
    first = workers.start(pool="prefork", stall_marker=str(marker))
    certificate = _issue(program, participant)

    rendering_pid = int(_wait_for(lambda: marker.exists() and marker.read_text(), 90, "the render to start"))
    if killed == "the whole worker":
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
        assert Certificate.objects.get().render_status == "pending"
        # As if it died holding the restore lock: it takes it for a few milliseconds every
        # second, so a kill lands there now and then; held for kombu's default 5 minutes, it
        # would keep the message from the next worker past the wait below.
        redis.Redis.from_url(broker).set(
            RedisChannel.unacked_mutex_key, "the killed worker", ex=RESTORE_LOCK_SECONDS
        )
        workers.start(pool="solo")
    else:
        assert rendering_pid != first.process.pid
        os.kill(rendering_pid, signal.SIGKILL)
    _wait_for(_certificate_ready_and_mailed, 90, "the certificate to be rendered and mailed")
    workers.stop()  # a copy of the message still held, or back in the queue, would stay in Redis

    certificate = Certificate.objects.get()
    with certificate.file.open("rb") as f:
        pdf = f.read()
    assert certificate.render_status == "ready"
    assert hashlib.sha256(pdf).hexdigest() == certificate.sha256
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert sorted(p.name for p in media_root.rglob("*.pdf")) == [Path(certificate.file.name).name]
    assert list(Notification.objects.values_list("kind", "status", "attempts")) == [
        ("certificate_ready", "sent", 1)
    ]
    queue = redis.Redis.from_url(broker)
    assert (queue.llen("celery"), queue.hlen("unacked")) == (0, 0)
