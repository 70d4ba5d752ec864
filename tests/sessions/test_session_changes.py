"""A cancelled or moved session's messages to every member are written by a worker after the
request, once per change however often the task runs; the beat sweep writes those whose task
the broker lost."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from echo_hub.notifications.models import Notification
from echo_hub.site.tasks import sweep_due_messages_task
from sessions.models import Session, SessionChange
from sessions.reminders import notify_session_change, send_due_session_changes
from sessions.scheduling import cancel_session
from sessions.tasks import notify_session_change_task
from tests.factories import EnrollmentFactory, SessionFactory, UserFactory
from tests.querycount import sql

pytestmark = pytest.mark.django_db
# One more: the Zoom hook asks whether the program has a connection to update.
QUERIES = 15


def _members(program, count: int) -> list[str]:
    emails = [f"member-{n}@example.org" for n in range(count)]
    for email in emails:
        EnrollmentFactory(program=program, user=UserFactory(email=email))
    return emails


def _cancelled(program, session) -> list[tuple]:
    return sorted(
        Notification.objects.filter(kind="session_cancelled").values_list("email", "object_key", "status")
    )


@pytest.fixture
def upcoming(program):
    return SessionFactory(program=program, title="Session 7", starts_at=timezone.now() + timedelta(days=2))


def test_cancel_view_returns_before_the_fan_out_which_a_worker_does_once(
    client, program, coordinator, upcoming, django_capture_on_commit_callbacks
):
    emails = sorted([coordinator.email, *_members(program, 12)])
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("sessions:manage_session_cancel", args=[program.slug, upcoming.pk]),
            {"reason": "Statutory holiday"},
        )

    change = SessionChange.objects.get()
    assert response["Location"] == upcoming.get_absolute_url()
    assert (change.session_id, change.sequence, change.kind, change.notified_at) == (
        upcoming.pk,
        1,
        "session_cancelled",
        None,
    )
    assert Notification.objects.count() == 0
    assert len(callbacks) == 1

    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
        again = notify_session_change_task(change_id=change.pk)

    change.refresh_from_db()
    key = f"session:{upcoming.pk}:seq1"
    assert again == 0
    assert change.notified_at is not None
    assert _cancelled(program, upcoming) == [(email, key, "sent") for email in emails]
    assert sorted(m.to[0] for m in mail.outbox) == emails


def test_cancel_session_queries_do_not_grow_with_the_members(program, coordinator):
    small, large = (
        SessionFactory(program=program, starts_at=timezone.now() + timedelta(days=d)) for d in (2, 3)
    )
    with CaptureQueriesContext(connection) as few:
        cancel_session(session=small, reason="Snow")
    _members(program, 40)
    with CaptureQueriesContext(connection) as many:
        cancel_session(session=large, reason="Snow")

    assert (len(few), len(many)) == (QUERIES, QUERIES), sql(few, many)


def test_notify_session_change_run_again_after_losing_its_mark_writes_nothing_new(
    program, coordinator, upcoming, django_capture_on_commit_callbacks
):
    _members(program, 3)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(session=upcoming, reason="Snow")
    change = SessionChange.objects.get()
    written = _cancelled(program, upcoming)
    # As if a worker died after writing the messages but before its task was acknowledged.
    SessionChange.objects.update(notified_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        assert notify_session_change(change_id=change.pk) == 0

    assert len(written) == 4
    assert _cancelled(program, upcoming) == written
    assert len(mail.outbox) == 4


def test_a_change_replaced_by_a_later_one_is_not_sent(
    program, coordinator, upcoming, django_capture_on_commit_callbacks
):
    _members(program, 2)
    with django_capture_on_commit_callbacks(execute=False):
        cancel_session(session=upcoming, reason="Snow")
    first = SessionChange.objects.get()
    Session.objects.filter(pk=upcoming.pk).update(sequence=2)

    assert notify_session_change(change_id=first.pk) == 0

    first.refresh_from_db()
    assert first.notified_at is not None
    assert Notification.objects.count() == 0


def test_the_beat_sweep_writes_a_change_whose_task_was_lost(
    program, coordinator, upcoming, time_machine, django_capture_on_commit_callbacks
):
    _members(program, 2)
    time_machine.move_to(timezone.now(), tick=False)
    with django_capture_on_commit_callbacks(execute=False):
        cancel_session(session=upcoming, reason="Snow")
    assert send_due_session_changes() == 0  # its own task may still be on its way

    time_machine.shift(timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep_due_messages_task()

    assert result["session_changes"] == 3
    assert len(_cancelled(program, upcoming)) == 3
    assert send_due_session_changes() == 0
