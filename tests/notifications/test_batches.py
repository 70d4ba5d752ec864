"""A fan-out of messages is sent in batches: each batch claims its rows in one transaction,
goes over one connection to the mail server (Django's get_connection()) and is marked sent in
bulk. Against a real SMTP server (aiosmtpd) through Django's SMTP backend."""

import logging
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from echo_hub.lib.email import encoded_subject
from echo_hub.notifications import services
from echo_hub.notifications.models import Notification
from sessions.reminders import send_due_session_reminders
from tests.factories import EnrollmentFactory, NotificationFactory, SessionFactory, UserFactory
from tests.faults.server import free_port
from tests.querycount import sql

from .test_concurrency import _at_once

REFUSED = "left-the-clinic@example.org"


class CountingHandler:
    """Counts connections (one EHLO each), refuses REFUSED at RCPT, keeps who got what."""

    def __init__(self) -> None:
        self.connections = 0
        self.delivered: list[str] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.delivered.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()


def _pending(emails: list[str]) -> list[int]:
    return [NotificationFactory(email=email).pk for email in emails]


def _states() -> list[tuple]:
    return sorted(Notification.objects.values_list("email", "status", "attempts", "last_error"))


@pytest.mark.django_db
def test_send_batch_goes_over_one_connection_and_marks_every_row_sent(smtp_server):
    emails = [f"member{n:02}@example.org" for n in range(12)]
    ids = _pending(emails)

    sent = services.send_batch(notification_ids=ids)

    assert sent == 12
    assert smtp_server.connections == 1
    assert sorted(smtp_server.delivered) == emails
    assert _states() == [(email, "sent", 1, "") for email in emails]


@pytest.mark.django_db
def test_a_fan_out_s_subject_is_encoded_once_for_all_its_messages(smtp_server):
    encoded_subject.cache_clear()
    subject = "Demain : Douleur chronique — Séance 12"
    emails = [f"member{n:02}@example.org" for n in range(10)]
    ids = [NotificationFactory(email=email, subject=subject).pk for email in emails]

    services.send_batch(notification_ids=ids)

    assert sorted(smtp_server.delivered) == emails
    assert (encoded_subject.cache_info().misses, encoded_subject.cache_info().hits) == (1, 9)


@pytest.mark.django_db
def test_send_batch_statements_do_not_grow_with_the_batch(settings):
    small, large = _pending(["a@example.org"]), _pending([f"m{n}@example.org" for n in range(30)])

    with CaptureQueriesContext(connection) as few:
        services.send_batch(notification_ids=small)
    with CaptureQueriesContext(connection) as many:
        services.send_batch(notification_ids=large)

    assert (len(few), len(many)) == (6, 6), sql(few, many)
    assert len(mail.outbox) == 31


@pytest.mark.django_db
def test_send_batch_of_rows_already_sent_sends_nothing(smtp_server):
    ids = _pending(["a@example.org", "b@example.org"])
    services.send_batch(notification_ids=ids)

    again = services.send_batch(notification_ids=ids)

    assert again == 0
    assert sorted(smtp_server.delivered) == ["a@example.org", "b@example.org"]
    assert _states() == [("a@example.org", "sent", 1, ""), ("b@example.org", "sent", 1, "")]


@pytest.mark.django_db
def test_a_refused_message_goes_to_the_one_message_task_and_the_batch_goes_on(
    smtp_server, django_capture_on_commit_callbacks
):
    ids = _pending(["first@example.org", REFUSED, "third@example.org"])

    # Eager, the one-message task of the refused message runs here: its first try fails too.
    sent = services.send_batch(notification_ids=ids)

    assert sent == 2
    assert sorted(smtp_server.delivered) == ["first@example.org", "third@example.org"]
    states = {email: (status, attempts) for email, status, attempts, _ in _states()}
    assert states == {
        "first@example.org": ("sent", 1),
        "third@example.org": ("sent", 1),
        # Its own try, in the one-message task: the batch's try is not counted.
        REFUSED: ("pending", 1),
    }
    assert Notification.objects.get(email=REFUSED).last_error.startswith("SMTPRecipientsRefused")


@pytest.mark.django_db
def test_a_mail_server_that_is_down_counts_a_try_for_each_message_and_raises(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    ids = _pending(["a@example.org", "b@example.org"])
    Notification.objects.filter(email="b@example.org").update(attempts=services.MAX_ATTEMPTS - 1)

    with pytest.raises(ConnectionRefusedError):
        services.send_batch(notification_ids=ids)

    assert [(e, s, a) for e, s, a, _ in _states()] == [
        ("a@example.org", "pending", 1),
        ("b@example.org", "failed", services.MAX_ATTEMPTS),
    ]


@pytest.mark.django_db
def test_a_fan_out_is_handed_over_in_batches(program, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    for n in range(7):
        EnrollmentFactory(program=program, user=UserFactory(email=f"member{n}@example.org"))
    SessionFactory(program=program, starts_at=timezone.now() + timedelta(hours=23))
    original = services.BATCH_SIZE
    services.BATCH_SIZE = 3
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            queued = send_due_session_reminders()
    finally:
        services.BATCH_SIZE = original

    assert (queued, len(callbacks)) == (7, 1)
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    assert Notification.objects.filter(status="sent").count() == 7
    assert len(mail.outbox) == 7


def test_two_workers_sending_overlapping_batches_send_each_message_once(postgresql):
    ids = _pending([f"member{n:02}@example.org" for n in range(40)])

    outcomes = _at_once(lambda: services.send_batch(notification_ids=ids), copies=4)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sum(outcomes) == 40
    assert sorted(m.to[0] for m in mail.outbox) == [f"member{n:02}@example.org" for n in range(40)]
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}


def _members_of(program, count: int) -> None:
    for n in range(count):
        EnrollmentFactory(program=program, user=UserFactory(email=f"member{n}@example.org"))
    SessionFactory(program=program, starts_at=timezone.now() + timedelta(hours=23))


def _outbox_at_each_render(monkeypatch) -> list[int]:
    """How many messages had gone out each time one more was rendered."""
    seen: list[int] = []
    render = services._render

    def counting_render(message):
        seen.append(len(mail.outbox))
        return render(message)

    monkeypatch.setattr(services, "_render", counting_render)
    return seen


@pytest.mark.django_db(transaction=True)
def test_the_first_messages_of_a_large_fan_out_go_while_the_rest_are_still_being_written(
    program, settings, monkeypatch
):
    """The beat's sweep runs outside a transaction: each chunk is written, committed and handed
    to the workers before the next is rendered, so 10,000 reminders do not wait for the last."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr(services, "RENDER_CHUNK", 3)
    _members_of(program, 7)
    seen = _outbox_at_each_render(monkeypatch)

    assert send_due_session_reminders() == 7

    assert seen == [0, 0, 0, 3, 3, 3, 6]
    assert Notification.objects.filter(status="sent").count() == 7
    assert sorted(m.to[0] for m in mail.outbox) == [f"member{n}@example.org" for n in range(7)]
    assert send_due_session_reminders() == 0


@pytest.mark.django_db(transaction=True)
def test_a_fan_out_inside_a_transaction_goes_only_once_it_commits(program, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr(services, "RENDER_CHUNK", 3)
    _members_of(program, 7)
    seen = _outbox_at_each_render(monkeypatch)

    with transaction.atomic():
        assert send_due_session_reminders() == 7
        assert mail.outbox == []

    assert seen == [0] * 7
    assert len(mail.outbox) == 7
