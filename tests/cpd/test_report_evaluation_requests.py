"""After a participant report is stored, those it shows at or above the attendance threshold
are asked to evaluate the session: once, not those who have evaluated, while it is open."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cpd import services
from echo_hub.notifications.models import Notification
from sessions import participant_report
from sessions.models import Attendance, Program, Session
from sessions.zoom import ZoomReport, parse_zoom_report
from tests.factories import EnrollmentFactory, EvaluationFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 4, 17, 0, tzinfo=UTC)
END = START + timedelta(hours=2)
HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room\n"


def _csv(session: Session, *rows: tuple[str, str, int]) -> str:
    zone, lines = session.program.zone, []
    for name, email, minutes in rows:
        joined, left = session.starts_at, session.starts_at + timedelta(minutes=minutes)
        times = [f"{t.astimezone(zone):%m/%d/%Y %I:%M:%S %p}" for t in (joined, left)]
        lines.append(f"{name},{email},{times[0]},{times[1]},{minutes},No,No\n")
    return HEADER + "".join(lines)


def _report(session: Session, *rows: tuple[str, str, int]) -> ZoomReport:
    return parse_zoom_report(_csv(session, *rows), zone=session.program.zone)


@pytest.fixture
def held(program):
    return SessionFactory(program=program, title="Session 3", starts_at=START)


@pytest.fixture
def people(program):
    def member(name: str, email: str):
        return EnrollmentFactory(program=program, user=UserFactory(full_name=name, email=email)).user

    return {
        "passed": member("Pat Passed", "pat@example.org"),
        "short": member("Sam Short", "sam@example.org"),
        "done": member("Dee Done", "dee@example.org"),
    }


ROWS = (
    ("Pat Passed", "pat@example.org", 100),
    ("Sam Short", "sam@example.org", 60),
    ("Dee Done", "dee@example.org", 120),
)


def _requests() -> list[tuple[str, str, str]]:
    return sorted(Notification.objects.values_list("email", "kind", "object_key"))


def test_import_asks_those_above_the_threshold_who_have_not_evaluated(
    time_machine, held, people, coordinator, django_capture_on_commit_callbacks
):
    EvaluationFactory(session=held, user=people["done"])
    time_machine.move_to(END + timedelta(days=10))

    with django_capture_on_commit_callbacks(execute=True):
        participant_report.import_report(session=held, report=_report(held, *ROWS), chosen={}, by=coordinator)

    assert _requests() == [("pat@example.org", "evaluation_request", f"session:{held.pk}")]
    (message,) = mail.outbox
    assert (message.to, message.subject) == (["pat@example.org"], "Two minutes: how was Session 3?")
    assert "It is open until Wed 18 Nov 2026, 14:00 EST." in message.body


def test_import_asks_once_whatever_imports_and_sweeps_follow(
    time_machine, held, people, coordinator, django_capture_on_commit_callbacks
):
    time_machine.move_to(END + timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            participant_report.import_report(
                session=held, report=_report(held, *ROWS), chosen={}, by=coordinator
            )
        swept = services.send_due_evaluation_requests()

    assert swept == 1  # Sam, below the threshold, is asked by the sweep as every attendee is
    assert sorted(m.to[0] for m in mail.outbox) == ["dee@example.org", "pat@example.org", "sam@example.org"]
    assert len(_requests()) == 3


def test_import_after_the_evaluation_closed_asks_nobody(
    time_machine, held, people, coordinator, django_capture_on_commit_callbacks
):
    time_machine.move_to(END + timedelta(days=14))

    with django_capture_on_commit_callbacks(execute=True):
        participant_report.import_report(session=held, report=_report(held, *ROWS), chosen={}, by=coordinator)

    assert Attendance.objects.filter(session=held).count() == 3
    assert _requests() == []
    assert mail.outbox == []


def test_import_during_the_session_leaves_the_request_to_the_sweep_after_it_ends(
    time_machine, held, people, coordinator, django_capture_on_commit_callbacks
):
    time_machine.move_to(START + timedelta(minutes=100), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        participant_report.import_report(
            session=held,
            report=_report(held, ("Pat Passed", "pat@example.org", 100)),
            chosen={},
            by=coordinator,
        )
        during = list(mail.outbox)
        after = services.send_due_evaluation_requests(now=END + timedelta(minutes=5))

    assert (during, after) == ([], 1)


def test_import_follows_the_programs_threshold(
    time_machine, program, held, people, coordinator, django_capture_on_commit_callbacks
):
    Program.objects.filter(pk=program.pk).update(attendance_threshold_percent=50)
    held.refresh_from_db()
    time_machine.move_to(END + timedelta(days=10))

    with django_capture_on_commit_callbacks(execute=True):
        participant_report.import_report(session=held, report=_report(held, *ROWS), chosen={}, by=coordinator)

    assert [email for email, _, _ in _requests()] == ["dee@example.org", "pat@example.org", "sam@example.org"]


def test_import_through_the_view_sends_the_requests(
    client, time_machine, held, people, coordinator, django_capture_on_commit_callbacks
):
    time_machine.move_to(END + timedelta(days=10))
    client.force_login(coordinator)
    upload = reverse("sessions:manage_attendance_import", args=[held.program.slug, held.pk])
    confirm = reverse("sessions:manage_attendance_import_confirm", args=[held.program.slug, held.pk])
    data = _csv(held, *ROWS).encode()
    client.post(upload, {"file": SimpleUploadedFile("zoom.csv", data, content_type="text/csv")})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm, {"action": "store"})

    assert response.status_code == 302
    assert Attendance.objects.filter(session=held).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["dee@example.org", "pat@example.org"]


def test_request_evaluations_after_report_skips_a_cancelled_session(time_machine, held, people):
    Session.objects.filter(pk=held.pk).update(status=Session.Status.CANCELLED)
    held.refresh_from_db()
    time_machine.move_to(END + timedelta(days=1))

    queued = services.request_evaluations_after_report(session=held, user_ids=[people["passed"].pk])

    assert queued == 0
    assert _requests() == []
