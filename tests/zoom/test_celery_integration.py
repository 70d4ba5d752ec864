"""A real Celery worker on the real Redis, against the fake Zoom: schedule a series, enrol
members, end a meeting by webhook, and see attendance and credits appear once, though the
webhook arrives twice and the sweep runs too.

As in tests/notifications/test_celery_integration.py, tasks are published first and the worker
then runs until idle, the database read only before and after (SQLite's shared in-memory test
database refuses two threads at once)."""

import copy
import json
import os
import threading
import time
from datetime import time as clock
from datetime import timedelta
from decimal import Decimal

import pytest
import redis
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cpd.services.evaluations import user_session_credit
from echo_hub.audit.models import AuditEvent
from echo_hub.celery import app as celery_app
from sessions import services as session_services
from sessions.models import Attendance, AttendanceChange, Enrollment, MemberJoinLink
from tests.conftest import broker_redis_url_or_skip
from tests.factories import EnrollmentFactory, UserFactory
from tests.notifications.conftest import celery_configured
from zoom import reports
from zoom.models import ZoomMeeting, ZoomRegistrant

from .conftest import signed_headers
from .fakezoom import fixture, participant


class ZoomTasks:
    def __init__(self) -> None:
        self.published: list[str] = []
        self.finished: list[str] = []
        self._lock = threading.Lock()

    def on_publish(self, sender=None, **kwargs) -> None:
        if sender and sender.startswith("zoom."):
            with self._lock:
                self.published.append(sender)

    def on_finish(self, sender=None, **kwargs) -> None:
        if sender is not None and sender.name.startswith("zoom."):
            with self._lock:
                self.finished.append(sender.name)

    def idle(self) -> bool:
        with self._lock:
            return len(self.finished) == len(self.published)


@pytest.fixture
def zoom_tasks(transactional_db):
    url = broker_redis_url_or_skip(int(os.environ.get("ZOOM_TEST_REDIS_DB", "12")), "the Zoom worker tests")
    client = redis.Redis.from_url(url)
    client.flushdb()
    tasks = ZoomTasks()
    signals.after_task_publish.connect(tasks.on_publish, weak=False)
    signals.task_postrun.connect(tasks.on_finish, weak=False)
    with (
        override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=url),
        celery_configured(task_always_eager=False, broker_url=url, worker_hijack_root_logger=False),
    ):
        yield tasks
    signals.after_task_publish.disconnect(tasks.on_publish)
    signals.task_postrun.disconnect(tasks.on_finish)
    client.flushdb()
    client.close()


def _run_worker_until_idle(tasks: ZoomTasks, seconds: float = 60) -> None:
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        deadline = time.monotonic() + seconds
        while not tasks.idle():
            assert time.monotonic() < deadline, f"the worker did not finish: {tasks.__dict__}"
            time.sleep(0.1)


def test_series_enrolment_and_meeting_end_give_attendance_and_credits_once(
    zoom_tasks, client, program, coordinator, connection, fake_zoom, time_machine
):
    program.evaluation_required = False
    program.save()
    early = EnrollmentFactory(program=program, user=UserFactory(email="early@example.org")).user
    sessions = session_services.schedule_weekly(
        program=program,
        first_date=timezone.localdate() + timedelta(days=7),
        start_time=clock(12, 0),
        count=3,
        by=coordinator,
    )
    late = UserFactory(email="late@example.org", full_name="Lou Late")
    pending = EnrollmentFactory(program=program, user=late, status=Enrollment.Status.PENDING)
    session_services.approve_enrollment(enrollment=pending, by=coordinator)
    _run_worker_until_idle(zoom_tasks)

    assert len(fake_zoom.state.meetings) == 3
    for session in sessions:
        assert set(MemberJoinLink.objects.filter(session=session).values_list("user__email", flat=True)) == {
            coordinator.email,
            early.email,
            late.email,
        }
    first = sessions[0]
    meeting = ZoomMeeting.objects.get(session=first)
    rid = dict(ZoomRegistrant.objects.filter(meeting=meeting).values_list("user_id", "registrant_id"))
    start, end = first.starts_at, first.ends_at
    fake_zoom.end_meeting(
        meeting.uuid,
        [
            participant(
                name="Early", registrant_id=rid[early.pk], join=start - timedelta(minutes=10), leave=end
            ),
            participant(
                name="Lou on iPhone",
                registrant_id=rid[late.pk],
                join=start,
                leave=start + timedelta(minutes=40),
            ),
            participant(
                name="Lou on laptop",
                registrant_id=rid[late.pk],
                join=start + timedelta(minutes=30),
                leave=start + timedelta(minutes=100),
            ),
        ],
    )
    time_machine.move_to(end + timedelta(minutes=10))
    event = copy.deepcopy(fixture("webhook_meeting_ended"))
    event["payload"]["object"] |= {"id": str(meeting.meeting_id), "uuid": meeting.uuid}
    body = json.dumps(event).encode()
    url = reverse("zoom:webhook", args=[program.slug])
    for _ in range(2):
        response = client.post(url, data=body, content_type="application/json", **signed_headers(body))
        assert response.status_code == 204
    reports.sweep()
    assert zoom_tasks.published.count("zoom.import_report") == 3
    _run_worker_until_idle(zoom_tasks)

    rows = {a.user_id: (a.minutes, a.source, a.verified) for a in Attendance.objects.filter(session=first)}
    assert rows == {early.pk: (120, "report", True), late.pk: (100, "report", True)}
    assert AttendanceChange.objects.filter(attendance__session=first).count() == 2
    assert AuditEvent.objects.filter(action="attendance_imported").count() == 1
    assert (
        user_session_credit(user=early, session=first).credits,
        user_session_credit(user=late, session=first).credits,
    ) == (
        Decimal("2"),
        Decimal("1.5"),
    )
