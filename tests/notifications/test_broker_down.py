import socket
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from echo_hub.notifications import services
from echo_hub.notifications.models import Notification
from sessions.models import Session, SessionChange
from sessions.reminders import send_due_session_changes, send_due_session_reminders
from tests.factories import EnrollmentFactory, SessionFactory, UserFactory

from .conftest import DEAD_BROKER, broker_at


class HangingUpBroker:
    """A port that accepts each connection and closes it at once, counting the attempts:
    a broker that is there but broken, as when Redis restarts."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self._socket.getsockname()[1]}/0"
        self.attempts = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self.attempts += 1
            connection.close()

    def close(self) -> None:
        self._socket.close()


@pytest.fixture
def hanging_up_broker():
    broker = HangingUpBroker()
    yield broker
    broker.close()


def _enroll(program, count: int) -> list[str]:
    emails = [f"{program.slug}-{n}@example.org" for n in range(count)]
    for email in emails:
        EnrollmentFactory(program=program, user=UserFactory(email=email))
    return emails


def _sweep_later() -> list[int]:
    """The notifications sweep a few minutes on, with the broker back (eager again)."""
    Notification.objects.update(updated_at=timezone.now() - timedelta(minutes=3))
    return services.sweep_notifications()


@pytest.mark.django_db(transaction=True)
def test_cancelling_with_the_broker_down_succeeds_and_the_sweep_sends_later(client, program, coordinator):
    recipients = sorted([coordinator.email, *_enroll(program, 3)])
    session = SessionFactory(program=program, title="Session 3", starts_at=timezone.now() + timedelta(days=2))
    client.force_login(coordinator)
    url = reverse("sessions:manage_session_cancel", args=[program.slug, session.pk])

    with broker_at(DEAD_BROKER):
        started = time.perf_counter()
        response = client.post(url, {"reason": "Statutory holiday"})
        seconds = time.perf_counter() - started
    print(f"\nbroker_down_cancel  recipients={len(recipients)}  seconds={seconds:.2f}")

    session.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{program.slug}/sessions/{session.pk}/"
    assert (session.status, session.cancel_reason) == (Session.Status.CANCELLED, "Statutory holiday")
    # The fan-out of messages waits, saved, for the beat sweep.
    assert list(SessionChange.objects.values_list("session", "sequence", "kind", "notified_at")) == [
        (session.pk, 1, "session_cancelled", None)
    ]
    assert Notification.objects.count() == 0
    assert mail.outbox == []

    # The broker is back: the sweep writes the messages and hands them over at once.
    changes = send_due_session_changes(now=timezone.now() + timedelta(minutes=3))
    again = _sweep_later()

    assert changes == len(recipients)
    assert again == []
    assert sorted(m.to[0] for m in mail.outbox) == recipients
    assert {m.subject for m in mail.outbox} == {"Cancelled: Chronic Pain & Opioid Stewardship — Session 3"}
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db(transaction=True)
def test_reminders_queued_with_the_broker_down_go_out_once_when_it_is_back(program, participant, expert):
    SessionFactory(program=program, starts_at=timezone.now() + timedelta(hours=23))

    with broker_at(DEAD_BROKER):
        queued = send_due_session_reminders()
    pending = sorted(Notification.objects.values_list("email", "status"))
    swept = _sweep_later()
    requeued_by_the_beat = send_due_session_reminders()
    again = _sweep_later()

    assert queued == 2
    assert pending == [("expert@example.org", "pending"), ("participant@example.org", "pending")]
    assert (len(swept), requeued_by_the_beat, again) == (2, 0, [])
    assert sorted(m.to[0] for m in mail.outbox) == ["expert@example.org", "participant@example.org"]


def _broker_attempts_to_cancel(client, coordinator, program, broker: HangingUpBroker) -> int:
    session = SessionFactory(program=program, starts_at=timezone.now() + timedelta(days=2))
    client.force_login(coordinator)
    before = broker.attempts
    with broker_at(broker.url):
        response = client.post(
            reverse("sessions:manage_session_cancel", args=[program.slug, session.pk]),
            {"reason": "Snowstorm"},
        )
    assert response.status_code == 302
    return broker.attempts - before


@pytest.mark.django_db(transaction=True)
def test_cancelling_with_the_broker_down_tries_it_as_often_for_many_members_as_for_one(
    client, program, coordinator, other_program, other_coordinator, hanging_up_broker
):
    _enroll(program, 1)
    _enroll(other_program, 30)

    small = _broker_attempts_to_cancel(client, coordinator, program, hanging_up_broker)
    large = _broker_attempts_to_cancel(client, other_coordinator, other_program, hanging_up_broker)

    # Each publish to a dead broker costs kombu's retries (~0.6 s): trying once per member
    # would keep a large program's coordinator waiting past gunicorn's 30 s.
    assert SessionChange.objects.filter(notified_at=None).count() == 2
    assert send_due_session_changes(now=timezone.now() + timedelta(minutes=3)) == 2 + 31
    assert large == small, f"broker connection attempts: 2 recipients {small}, 31 recipients {large}"
