import re
from datetime import timedelta

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions import attendance
from sessions.models import AttendanceClaim
from tests.factories import (
    AttendanceFactory,
    CertificateFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    PastSessionFactory,
    UserFactory,
)
from tests.querycount import capture_render, sql

pytestmark = pytest.mark.django_db


def _capture(client, url: str, text: str, times: int, **headers) -> CaptureQueriesContext:
    ctx, body = capture_render(client, url, **headers)
    assert body.count(text) == times
    return ctx


def _past_session(program, **fields):
    days = program.sessions.count() + 1
    return PastSessionFactory(program=program, starts_at=timezone.now() - timedelta(days=7 * days), **fields)


def _add_certified_session(program, user) -> None:
    cycle = CycleFactory(program=program)
    session = _past_session(program, cycle=cycle, presenter=UserFactory())
    AttendanceFactory(session=session, user=user, minutes=120)
    EvaluationFactory(session=session, user=user)
    CertificateFactory(user=user, session=session)
    CertificateFactory(user=user, kind="cycle", session=None, cycle=cycle)


def test_transcript_query_count_is_constant(client, participant, program):
    client.force_login(participant)
    url = reverse("cpd:transcript")
    _add_certified_session(program, participant)
    ctx1 = _capture(client, url, ">Download PDF</a>", 2)
    _add_certified_session(program, participant)
    _add_certified_session(program, participant)

    ctx3 = _capture(client, url, ">Download PDF</a>", 6)

    # One of them reads the programs' credit types, one the years, whatever the number of sessions.
    assert len(ctx1) == len(ctx3) == 10, sql(ctx1, ctx3)
    # The user's attendance, evaluations and certificates are read by a subquery of the sessions,
    # not a list of their keys: the same statements whatever the number of sessions.
    assert not re.search(r'"session_id" IN \(\d', sql(ctx3)), sql(ctx3)


def _add_certificate(program) -> None:
    session = _past_session(program)
    CycleFactory(program=program)
    CertificateFactory(user=EnrollmentFactory(program=program).user, session=session)
    CertificateFactory(
        user=EnrollmentFactory(program=program).user,
        session=session,
        render_status="failed",
        render_attempts=5,
        file="",
        last_error="OSError: disk full",
    )


def test_manage_certificates_query_count_is_constant(client, coordinator, program):
    client.force_login(coordinator)
    url = reverse("cpd:manage_certificates", args=[program.slug])
    _add_certificate(program)
    ctx1 = _capture(client, url, ">Retry<", 1)
    _add_certificate(program)
    _add_certificate(program)

    ctx3 = _capture(client, url, ">Retry<", 3)

    _capture(client, url, 'data-label="Credits"', 6)
    assert len(ctx1) == len(ctx3) == 10, sql(ctx1, ctx3)


def _add_attendee(session, coordinator) -> None:
    user = EnrollmentFactory(program=session.program, user=UserFactory(credentials="MD, CCFP")).user
    attendance.adjust_attendance(
        session=session, user=user, minutes=100, reason="Dropped off the call", by=coordinator
    )
    AttendanceClaim.objects.create(session=session, user=user, minutes=110, note="Joined by phone")


def test_manage_attendance_query_count_is_constant(client, coordinator, past_session):
    client.force_login(coordinator)
    url = reverse("sessions:manage_attendance", args=[past_session.program.slug, past_session.pk])
    _add_attendee(past_session, coordinator)
    ctx1 = _capture(client, url, "Dropped off the call", 1)
    _add_attendee(past_session, coordinator)
    _add_attendee(past_session, coordinator)

    ctx3 = _capture(client, url, "Dropped off the call", 3)

    assert len(ctx1) == len(ctx3) == 14, sql(ctx1, ctx3)


def _add_failed_certificate(session) -> None:
    user = EnrollmentFactory(program=session.program).user
    CertificateFactory(
        user=user, session=session, render_status="failed", file="", last_error="OSError: disk full"
    )
    CertificateFactory(user=UserFactory(), session=session)


# The page adds who got no certificate and why (attendance, evaluations, certificates,
# reminders, credit types); the panel it refreshes does not.
@pytest.mark.parametrize(
    ("headers", "queries"), [({}, 12), ({"HX-Request": "true"}, 7)], ids=["page", "htmx"]
)
def test_progress_query_count_is_constant(client, coordinator, past_session, headers, queries):
    client.force_login(coordinator)
    url = reverse("cpd:progress", args=[past_session.program.slug]) + f"?session={past_session.pk}"
    _add_failed_certificate(past_session)
    ctx1 = _capture(client, url, "could not be read or saved", 1, **headers)
    _add_failed_certificate(past_session)
    _add_failed_certificate(past_session)

    ctx3 = _capture(client, url, "could not be read or saved", 3, **headers)

    assert len(ctx1) == len(ctx3) == queries, sql(ctx1, ctx3)
