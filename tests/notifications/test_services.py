import smtplib
import socket
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from echo_hub.notifications import services
from echo_hub.notifications.models import Notification
from sessions.models import Enrollment
from tests.factories import EnrollmentFactory, NotificationFactory, ProgramFactory, UserFactory

from .conftest import DEAD_BROKER, broker_at

FAILING_BACKEND = "tests.notifications.test_services.FailingBackend"


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise OSError("Connection refused by smtp.example.org")


def _queue_approval(enrollment):
    return services.queue_email(
        email=enrollment.user.email,
        user=enrollment.user,
        kind="enrollment_approved",
        object_key=f"enrollment:{enrollment.pk}",
        template="enrollment_approved",
        context={
            "enrollment": enrollment,
            "program": enrollment.program,
            "program_url": "http://testserver/programs/addiction-medicine/",
        },
    )


@pytest.fixture
def enrollment(db):
    program = ProgramFactory(name="Addiction Medicine", slug="addiction-medicine")
    return EnrollmentFactory(
        program=program, user=UserFactory(email="dr.lee@example.org", full_name="Ann Lee")
    )


def _age(notification, **delta) -> None:
    Notification.objects.filter(pk=notification.pk).update(updated_at=timezone.now() - timedelta(**delta))


@pytest.mark.django_db
def test_queue_email_records_one_row_and_sends_it_once(enrollment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _queue_approval(enrollment)

    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.user) == (
        Notification.Status.SENT,
        1,
        enrollment.user,
    )
    assert notification.sent_at is not None
    assert Notification.objects.count() == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["dr.lee@example.org"], "You're enrolled in Addiction Medicine")
    ]
    assert mail.outbox[0].alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_queue_email_twice_for_the_same_message_sends_once(enrollment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue_approval(enrollment)
        second = _queue_approval(enrollment)

    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_queue_email_sends_nothing_before_commit(enrollment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = _queue_approval(enrollment)

    notification.refresh_from_db()
    assert len(callbacks) == 1
    assert notification.status == Notification.Status.PENDING
    assert mail.outbox == []


@pytest.mark.django_db
def test_send_notification_of_a_sent_row_returns_false_and_sends_nothing():
    notification = NotificationFactory(status=Notification.Status.SENT, attempts=1)

    result = services.send_notification(notification_id=notification.pk)

    notification.refresh_from_db()
    assert result is False
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 1)
    assert mail.outbox == []


@pytest.mark.django_db
def test_send_notification_of_a_missing_row_returns_false():
    assert services.send_notification(notification_id=999_999) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_send_notification_sends_a_pending_row_once():
    notification = NotificationFactory(email="np.martin@fht.example")

    first = services.send_notification(notification_id=notification.pk)
    second = services.send_notification(notification_id=notification.pk)

    notification.refresh_from_db()
    assert (first, second) == (True, False)
    assert (notification.status, notification.attempts, notification.last_error) == (
        Notification.Status.SENT,
        1,
        "",
    )
    assert [m.to for m in mail.outbox] == [["np.martin@fht.example"]]


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND=FAILING_BACKEND)
def test_send_notification_failure_leaves_the_row_pending_with_the_error():
    notification = NotificationFactory()

    with pytest.raises(OSError):
        services.send_notification(notification_id=notification.pk)

    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == (
        Notification.Status.PENDING,
        1,
        "OSError: Connection refused by smtp.example.org",
    )
    assert notification.sent_at is None


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND=FAILING_BACKEND)
def test_send_notification_marks_the_row_failed_after_max_attempts():
    notification = NotificationFactory()

    for _ in range(services.MAX_ATTEMPTS):
        with pytest.raises(OSError):
            services.send_notification(notification_id=notification.pk)
    after_last = services.send_notification(notification_id=notification.pk)

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.FAILED, 5)
    assert after_last is False


@pytest.mark.django_db
def test_sweep_notifications_resends_stale_pending_rows():
    stale = NotificationFactory(email="stale@example.org")
    fresh = NotificationFactory(email="fresh@example.org")
    exhausted = NotificationFactory(email="exhausted@example.org", attempts=services.MAX_ATTEMPTS)
    _age(stale, minutes=5)
    _age(exhausted, minutes=5)

    swept = services.sweep_notifications()

    assert swept == [stale.pk]
    assert Notification.objects.get(pk=stale.pk).status == Notification.Status.SENT
    assert Notification.objects.get(pk=fresh.pk).status == Notification.Status.PENDING
    assert Notification.objects.get(pk=exhausted.pk).status == Notification.Status.PENDING
    assert [m.to for m in mail.outbox] == [["stale@example.org"]]


@pytest.mark.django_db
def test_sweep_notifications_resets_rows_stuck_in_sending():
    stuck = NotificationFactory(status=Notification.Status.SENDING, attempts=1)
    busy = NotificationFactory(status=Notification.Status.SENDING, attempts=1)
    _age(stuck, minutes=15)
    _age(busy, minutes=1)

    services.sweep_notifications()
    _age(stuck, minutes=5)
    second_sweep = services.sweep_notifications()

    assert second_sweep == [stuck.pk]
    assert Notification.objects.get(pk=stuck.pk).status == Notification.Status.SENT
    assert Notification.objects.get(pk=busy.pk).status == Notification.Status.SENDING
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_queue_email_with_the_broker_down_commits_and_stays_pending():
    program = ProgramFactory(name="Addiction Medicine", slug="addiction-medicine")

    with broker_at(DEAD_BROKER), transaction.atomic():
        enrollment = EnrollmentFactory(program=program, user=UserFactory(email="dr.lee@example.org"))
        notification = _queue_approval(enrollment)

    notification.refresh_from_db()
    assert Notification.objects.filter(pk=notification.pk).exists()
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 0)
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("attempts", [1, 2, 3, 4])
def test_sweep_notifications_waits_longer_after_each_failed_attempt(attempts):
    wait = 2**attempts
    waiting = NotificationFactory(email="waiting@example.org", attempts=attempts)
    due = NotificationFactory(email="due@example.org", attempts=attempts)
    _age(waiting, minutes=wait - 1)
    _age(due, minutes=wait + 1)

    swept = services.sweep_notifications()

    waiting.refresh_from_db()
    due.refresh_from_db()
    assert swept == [due.pk]
    assert (waiting.status, waiting.attempts) == (Notification.Status.PENDING, attempts)
    assert (due.status, due.attempts) == (Notification.Status.SENT, attempts + 1)
    assert [m.to for m in mail.outbox] == [["due@example.org"]]


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND=FAILING_BACKEND)
def test_failing_message_is_retried_by_the_sweep_after_each_wait_then_marked_failed(
    enrollment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _queue_approval(enrollment)
    history = [Notification.objects.values_list("status", "attempts").get(pk=notification.pk)]

    for attempts in range(1, services.MAX_ATTEMPTS):
        _age(notification, minutes=2**attempts - 1)
        early = services.sweep_notifications()
        _age(notification, minutes=2**attempts + 1)
        due = services.sweep_notifications()
        assert (early, due) == ([], [notification.pk])
        history.append(Notification.objects.values_list("status", "attempts").get(pk=notification.pk))
    _age(notification, hours=6)
    after_failed = services.sweep_notifications()

    notification.refresh_from_db()
    assert history == [
        ("pending", 1),
        ("pending", 2),
        ("pending", 3),
        ("pending", 4),
        ("failed", 5),
    ]
    assert after_failed == []
    assert notification.last_error == "OSError: Connection refused by smtp.example.org"
    assert notification.sent_at is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_send_notification_to_a_mail_server_that_never_answers_gives_up_after_email_timeout(settings):
    notification = NotificationFactory()
    # Connections are accepted (the listen backlog) and never greeted, as by a hung mail server.
    with socket.create_server(("127.0.0.1", 0)) as hung:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", hung.getsockname()[1]
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 1
        started = time.monotonic()
        with pytest.raises(smtplib.SMTPServerDisconnected):
            services.send_notification(notification_id=notification.pk)
        waited = time.monotonic() - started

    notification.refresh_from_db()
    assert 1 <= waited < 3
    assert (notification.status, notification.attempts, notification.last_error) == (
        Notification.Status.PENDING,
        1,
        "SMTPServerDisconnected: Connection unexpectedly closed: timed out",
    )


@pytest.mark.django_db
def test_queue_rendered_records_the_message_as_given_once_per_key(django_capture_on_commit_callbacks):
    def queue():
        return services.queue_rendered(
            email="np.west@example.org",
            kind="account:password_reset_key",
            object_key="request-1",
            subject="[ECHO Hub] Password\nReset Email",
            body_text="Reset it here: http://testserver/accounts/password/reset/key/1-abc/",
            body_html="<p>Reset it <a href='http://testserver/accounts/password/reset/key/1-abc/'>here</a></p>",
        )

    with django_capture_on_commit_callbacks(execute=True):
        first, again = queue(), queue()

    (message,) = mail.outbox
    assert (first.subject, again) == ("[ECHO Hub] Password Reset Email", None)
    assert (message.to, message.subject, message.body) == (
        ["np.west@example.org"],
        "[ECHO Hub] Password Reset Email",
        "Reset it here: http://testserver/accounts/password/reset/key/1-abc/",
    )
    assert message.alternatives[0][1] == "text/html"
    first.refresh_from_db()
    assert (first.status, first.body_text, first.body_html) == (Notification.Status.SENT, "", "")


@pytest.mark.django_db
def test_other_messages_keep_their_text_once_sent(enrollment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _queue_approval(enrollment)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert "Addiction Medicine" in notification.body_text
