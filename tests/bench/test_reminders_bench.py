"""A program of 10,000 members gets its day-before reminder, as production does it: the beat's
task renders every message in the member's zone and records it in the outbox a thousand at a
time, handing each thousand on as it commits, while two real Celery worker processes (Redis
broker) claim the batches, send them over SMTP to a local sink (one connection per batch) and
mark them sent (echo_hub.notifications.services.send_batch).
Target: every message delivered and marked sent within 20 s."""

import logging
import multiprocessing
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from echo_hub.accounts.models import User
from echo_hub.notifications.models import Notification
from sessions.models import Enrollment
from sessions.reminders import send_due_session_reminders
from tests.bench import stack
from tests.factories import ProgramFactory, SessionFactory

RECIPIENTS = 10_000
WORKERS = 2
TARGET_SECONDS = 20.0
GIVE_UP_SECONDS = 120.0
ZONES = ["America/Toronto", "America/Vancouver", "America/Edmonton", "America/Halifax"]


class SinkHandler:
    """Accepts every message and keeps who it was for."""

    def __init__(self) -> None:
        self.recipients: list[str] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve_sink(port: int, ready, stop, results) -> None:
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()
    results.put(handler.recipients)


@contextmanager
def smtp_sink() -> Iterator[tuple[int, list[str]]]:
    """An SMTP server in a process of its own, so that its work does not share our GIL;
    the list it yields is filled with every recipient it accepted when the block ends."""
    context = multiprocessing.get_context("fork")
    ready, stop, results = context.Event(), context.Event(), context.Queue()
    port = _free_port()
    sink = context.Process(target=_serve_sink, args=(port, ready, stop, results), daemon=True)
    sink.start()
    assert ready.wait(timeout=30), "the SMTP sink did not start"
    received: list[str] = []
    try:
        yield port, received
    finally:
        stop.set()
        received.extend(results.get(timeout=60))
        sink.join(timeout=30)


@contextmanager
def quiet(*names: str) -> Iterator[None]:
    """Celery logs two INFO lines per message: 20,000 lines would swamp the terminal."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _enroll_members(program, count: int) -> None:
    users = User.objects.bulk_create(
        [
            User(
                email=f"member{n:05}@clinic.example",
                full_name=f"Dr. Member {n}",
                time_zone=ZONES[n % len(ZONES)],
                password="!",
            )
            for n in range(count)
        ],
        batch_size=2_000,
    )
    if users[0].pk is None:  # Backends that do not return ids from bulk inserts.
        users = list(User.objects.filter(email__endswith="@clinic.example"))
    Enrollment.objects.bulk_create(
        [Enrollment(user=user, program=program, status=Enrollment.Status.APPROVED) for user in users],
        batch_size=2_000,
    )


def _wait_until_sent(started: float) -> float:
    while True:
        sent = Notification.objects.filter(status=Notification.Status.SENT).count()
        if sent >= RECIPIENTS or time.perf_counter() - started > GIVE_UP_SECONDS:
            return time.perf_counter() - started
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_day_before_reminders_for_10000_members_under_target(real_broker, bench_results):
    redis_url = stack.require_real_stack()
    program = ProgramFactory(name="Chronic Pain & Opioid Stewardship", slug="chronic-pain")
    SessionFactory(program=program, title="Session 12", starts_at=timezone.now() + timedelta(hours=23))
    _enroll_members(program, RECIPIENTS)

    with smtp_sink() as (port, received):
        env = stack.stack_env(REDIS_URL=redis_url, EMAIL_URL=f"smtp://127.0.0.1:{port}")
        with stack.celery_workers(env, WORKERS), quiet("celery.app.trace", "echo_hub.task"):
            stack.wait_for_workers(WORKERS)
            started = time.perf_counter()
            queued = send_due_session_reminders()
            queue_seconds = time.perf_counter() - started
            seconds = _wait_until_sent(started)
            queued_again = send_due_session_reminders()

    duplicates = len(received) - len(set(received))
    met = "yes" if seconds < TARGET_SECONDS else "no"
    print(
        f"\nreminders_{RECIPIENTS}  seconds={seconds:.1f}  target=<{TARGET_SECONDS:g} s  met={met}"
        f"  duplicates={duplicates}  database={connection.vendor}"
    )
    met = bench_results.under(
        f"reminders, {RECIPIENTS:,} recipients via SMTP sink",
        seconds,
        TARGET_SECONDS,
        "s",
        note=f"rendered and queued in {queue_seconds:.1f} s, {WORKERS} workers; {len(received):,} received",
    )
    bench_results.record(
        "reminders: duplicates", str(duplicates), "0", duplicates == 0 and len(received) == RECIPIENTS
    )
    assert (queued, queued_again) == (RECIPIENTS, 0)
    assert len(received) == RECIPIENTS
    assert len(set(received)) == RECIPIENTS
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == RECIPIENTS
    assert met
