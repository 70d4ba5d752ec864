import threading
from datetime import timedelta

from django.core import mail
from django.db import connection
from django.utils import timezone

from echo_hub.notifications.models import Notification
from echo_hub.site.tasks import sweep_due_messages_task
from tests.factories import EnrollmentFactory, ProgramFactory, SessionFactory, UserFactory


def _sweep_twice_at_once() -> list:
    """Two beats started by mistake fire the same sweep at the same moment."""
    barrier = threading.Barrier(2)
    outcomes = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            outcomes.append(sweep_due_messages_task())
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_two_beats_sweeping_at_once_send_each_reminder_once(postgresql):
    program = ProgramFactory(name="Chronic Pain & Opioid Stewardship")
    session = SessionFactory(program=program, starts_at=timezone.now() + timedelta(minutes=30))
    members = [f"member{n}@example.org" for n in range(3)]
    for email in members:
        EnrollmentFactory(program=program, user=UserFactory(email=email))

    outcomes = _sweep_twice_at_once()

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert sorted(outcome["session_reminders"] for outcome in outcomes) in ([0, 3], [3, 3])
    rows = Notification.objects.filter(object_key__startswith=f"session:{session.pk}:")
    assert sorted(rows.values_list("email", "kind", "status")) == [
        (email, "session_reminder_1h", Notification.Status.SENT) for email in members
    ]
    assert sorted(message.to[0] for message in mail.outbox) == members
