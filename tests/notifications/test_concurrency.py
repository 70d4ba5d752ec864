import threading
from collections.abc import Callable
from datetime import timedelta

from django.core import mail
from django.db import connection
from django.utils import timezone

from echo_hub.notifications import services
from echo_hub.notifications.models import Notification
from sessions.reminders import send_due_session_reminders
from tests.factories import EnrollmentFactory, NotificationFactory, SessionFactory, UserFactory

MEMBERS = 40


def _at_once(work: Callable[[], object], copies: int = 2) -> list:
    """Run `work` in `copies` threads released together, each on its own connection."""
    barrier = threading.Barrier(copies)
    outcomes: list = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(work())
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_two_reminder_sweeps_at_once_queue_and_send_each_reminder_once(postgresql, program):
    users = [UserFactory(email=f"member{n:02}@example.org") for n in range(MEMBERS)]
    for user in users:
        EnrollmentFactory(program=program, user=user)
    session = SessionFactory(program=program, starts_at=timezone.now() + timedelta(hours=23))

    outcomes = _at_once(lambda: send_due_session_reminders(now=session.starts_at - timedelta(hours=23)))

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    rows = list(Notification.objects.values_list("email", "kind", "status"))
    assert sorted(rows) == [(u.email, "session_reminder_24h", "sent") for u in users]
    assert sorted(m.to[0] for m in mail.outbox) == [u.email for u in users]


def test_two_reminder_sweeps_at_once_report_each_new_reminder_once(postgresql, program):
    for n in range(MEMBERS):
        EnrollmentFactory(program=program, user=UserFactory(email=f"member{n:02}@example.org"))
    session = SessionFactory(program=program, starts_at=timezone.now() + timedelta(hours=23))

    outcomes = _at_once(lambda: send_due_session_reminders(now=session.starts_at - timedelta(hours=23)))

    # The beat task logs these counts; two racing sweeps must not report each reminder twice.
    assert sum(outcomes) == Notification.objects.count() == MEMBERS, outcomes


def test_two_workers_sending_the_same_message_send_it_once(postgresql):
    notification = NotificationFactory(email="dr.lee@example.org")

    outcomes = _at_once(lambda: services.send_notification(notification_id=notification.pk), copies=4)

    notification.refresh_from_db()
    assert sorted(outcomes) == [False, False, False, True]
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 1)
    assert [m.to for m in mail.outbox] == [["dr.lee@example.org"]]


def test_two_saves_queueing_the_same_message_at_once_record_it_once(postgresql, program):
    enrollment = EnrollmentFactory(program=program, user=UserFactory(email="dr.lee@example.org"))

    def queue() -> Notification | None:
        return services.queue_email(
            email=enrollment.user.email,
            user=enrollment.user,
            kind="enrollment_approved",
            object_key=f"enrollment:{enrollment.pk}",
            template="enrollment_approved",
            context={"enrollment": enrollment, "program": program, "program_url": "http://testserver/"},
        )

    outcomes = _at_once(queue, copies=3)

    assert sorted(type(o).__name__ for o in outcomes) == ["NoneType", "NoneType", "Notification"]
    assert list(Notification.objects.values_list("email", "status")) == [("dr.lee@example.org", "sent")]
    assert [m.to for m in mail.outbox] == [["dr.lee@example.org"]]
