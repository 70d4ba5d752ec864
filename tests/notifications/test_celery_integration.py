"""A real Celery worker on the real Redis: what eager mode cannot show (publishing, acks_late,
retries with a countdown, a worker thread that sees only committed rows).

Each test publishes first and then runs the worker until it is idle, reading the database
only before and after: SQLite's shared in-memory test database answers "table is locked"
to two threads that touch it at once, and these tests must hold there too."""

import threading
import time
from datetime import timedelta

import pytest
import redis
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import override_settings
from django.utils import timezone

from echo_hub.celery import app as celery_app
from echo_hub.notifications import services
from echo_hub.notifications.models import Notification
from echo_hub.notifications.tasks import send_batch_task, send_notification_task
from sessions.reminders import send_due_session_reminders
from tests.conftest import broker_redis_url_or_skip
from tests.factories import NotificationFactory, SessionFactory

from .conftest import celery_configured

# Run alone, a Redis database of its own, so a run never eats the development broker's queue.
BROKER_DB = 14


class FlakySMTP(EmailBackend):
    """An SMTP server that refuses the first `failures` messages, then accepts (locmem outbox)."""

    failures = 0
    calls = 0
    lock = threading.Lock()

    def send_messages(self, email_messages):
        with FlakySMTP.lock:
            FlakySMTP.calls += 1
            refuse = FlakySMTP.calls <= FlakySMTP.failures
        if refuse:
            raise OSError("421 4.3.2 Service not available, closing transmission channel")
        return super().send_messages(email_messages)


# Fan-outs (reminders, notices) go out in batches; one-off messages and refused ones one by one.
SENDING_TASKS = {send_notification_task.name, send_batch_task.name}


class SendTasks:
    """Counts the sending tasks published (retries included) and finished."""

    def __init__(self) -> None:
        self.published = 0
        self.finished = 0
        self._lock = threading.Lock()

    def on_publish(self, sender=None, **kwargs) -> None:
        if sender in SENDING_TASKS:
            with self._lock:
                self.published += 1

    def on_finish(self, sender=None, **kwargs) -> None:
        if sender is not None and sender.name in SENDING_TASKS:
            with self._lock:
                self.finished += 1

    def idle(self) -> bool:
        with self._lock:
            return self.finished == self.published


@pytest.fixture
def send_tasks(broker) -> SendTasks:
    tasks = SendTasks()
    signals.after_task_publish.connect(tasks.on_publish, weak=False)
    signals.task_postrun.connect(tasks.on_finish, weak=False)
    yield tasks
    signals.after_task_publish.disconnect(tasks.on_publish)
    signals.task_postrun.disconnect(tasks.on_finish)


@pytest.fixture
def broker(transactional_db) -> str:
    """Out of eager mode, onto the real Redis: tasks are published and wait for a worker."""
    url = broker_redis_url_or_skip(BROKER_DB, "the Celery integration tests")
    client = redis.Redis.from_url(url)
    client.flushdb()
    with (
        override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=url),
        # Keep the root logger's handlers: later tests and Django's logging still need them.
        celery_configured(task_always_eager=False, broker_url=url, worker_hijack_root_logger=False),
    ):
        yield url
    client.flushdb()
    client.close()


def _run_worker_until_idle(tasks: SendTasks, seconds: float = 30) -> None:
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        deadline = time.monotonic() + seconds
        while not tasks.idle():
            assert time.monotonic() < deadline, f"the worker did not finish: {tasks.__dict__}"
            time.sleep(0.1)


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_celery_integration.FlakySMTP"
    FlakySMTP.failures, FlakySMTP.calls = 0, 0
    return FlakySMTP


def _statuses() -> list[tuple[str, str, int]]:
    return sorted(Notification.objects.values_list("email", "status", "attempts"))


def test_worker_sends_a_reminder_once_when_the_sweep_ran_twice(send_tasks, program, participant, expert):
    SessionFactory(program=program, title="Session 5", starts_at=timezone.now() + timedelta(hours=23))
    first = send_due_session_reminders()
    second = send_due_session_reminders()

    _run_worker_until_idle(send_tasks)

    assert (first, second) == (2, 0)
    # Each sweep enqueues only the rows it wrote, in one batch; the second wrote none.
    assert (send_tasks.published, send_tasks.finished) == (1, 1)
    assert _statuses() == [("expert@example.org", "sent", 1), ("participant@example.org", "sent", 1)]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("expert@example.org", "Tomorrow: Chronic Pain & Opioid Stewardship — Session 5"),
        ("participant@example.org", "Tomorrow: Chronic Pain & Opioid Stewardship — Session 5"),
    ]


def test_worker_sends_a_message_enqueued_twice_once(send_tasks):
    notification = NotificationFactory(email="dr.lee@example.org")
    send_notification_task.delay(notification_id=notification.pk)
    send_notification_task.delay(notification_id=notification.pk)

    _run_worker_until_idle(send_tasks)

    assert send_tasks.finished == 2
    assert _statuses() == [("dr.lee@example.org", "sent", 1)]
    assert [m.to for m in mail.outbox] == [["dr.lee@example.org"]]


def test_worker_retries_a_refused_smtp_send_with_backoff_then_records_it_sent(
    send_tasks, flaky_smtp, backoffs, program, participant
):
    flaky_smtp.failures = 2
    SessionFactory(program=program, title="Session 5", starts_at=timezone.now() + timedelta(minutes=50))
    send_due_session_reminders()

    _run_worker_until_idle(send_tasks)

    notification = Notification.objects.get()
    assert backoffs == [30, 60]
    assert (send_tasks.published, flaky_smtp.calls) == (3, 3)
    assert _statuses() == [("participant@example.org", "sent", 3)]
    assert (notification.last_error, notification.sent_at is not None) == ("", True)
    assert [m.subject for m in mail.outbox] == [
        "Starting in an hour: Chronic Pain & Opioid Stewardship — Session 5"
    ]


def test_worker_gives_up_after_max_attempts_and_records_the_failure(
    send_tasks, flaky_smtp, backoffs, program, participant
):
    flaky_smtp.failures = 100
    SessionFactory(program=program, title="Session 5", starts_at=timezone.now() + timedelta(minutes=50))
    send_due_session_reminders()

    _run_worker_until_idle(send_tasks)

    notification = Notification.objects.get()
    assert backoffs == [30, 60, 120, 240, 480]
    assert (send_tasks.published, flaky_smtp.calls) == (services.MAX_ATTEMPTS, services.MAX_ATTEMPTS)
    assert _statuses() == [("participant@example.org", "failed", services.MAX_ATTEMPTS)]
    assert notification.last_error == "OSError: 421 4.3.2 Service not available, closing transmission channel"
    assert notification.sent_at is None
    assert mail.outbox == []
