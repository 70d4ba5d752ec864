"""Provisional attendance (a Join click nobody confirmed) earns no credits unless the program
says so: every credit computation counts `creditable_minutes` only."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cpd import selectors, services
from cpd.models import Certificate
from echo_hub.site.reports.selectors import ReportScope, program_report
from sessions import attendance
from sessions.models import Attendance
from tests.factories import (
    AttendanceFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    PastSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOT_CONFIRMED = "Attendance provisional (from a Join click): it counts once a coordinator confirms it"


@pytest.fixture
def ana(program):
    return EnrollmentFactory(
        program=program, user=UserFactory(email="ana@example.org", full_name="Ana Ruiz")
    ).user


def _joined_and_evaluated(session, user) -> Attendance:
    EvaluationFactory(session=session, user=user)
    return AttendanceFactory(session=session, user=user, minutes=120, source="join")


def _allow_provisional(program) -> None:
    program.provisional_attendance_earns_credit = True
    program.save()


def test_user_session_credit_of_provisional_attendance_says_it_needs_confirming(past_session, ana):
    _joined_and_evaluated(past_session, ana)

    result = services.user_session_credit(user=ana, session=past_session)

    assert (result.eligible, result.credits, result.counted_minutes, result.missing) == (
        False,
        Decimal("0.00"),
        0,
        [NOT_CONFIRMED],
    )


def test_user_session_credit_of_provisional_attendance_counts_where_the_program_allows(
    past_session, ana, program
):
    _allow_provisional(program)
    _joined_and_evaluated(past_session, ana)

    result = services.user_session_credit(user=ana, session=past_session)

    assert (result.eligible, result.credits) == (True, Decimal("2.00"))


def test_user_session_credit_once_confirmed_counts(past_session, ana, coordinator):
    _joined_and_evaluated(past_session, ana)

    attendance.confirm_provisional_attendance(session=past_session, by=coordinator)

    assert services.user_session_credit(user=ana, session=past_session).credits == Decimal("2.00")


def test_issue_session_certificate_of_provisional_attendance_is_refused(past_session, ana):
    _joined_and_evaluated(past_session, ana)

    with pytest.raises(ValidationError) as caught:
        services.issue_session_certificate(user=ana, session=past_session)

    assert caught.value.messages == [f"No credits yet for this session: {NOT_CONFIRMED}."]
    assert Certificate.objects.count() == 0


def test_bulk_issue_for_session_leaves_provisional_attendance_out(past_session, ana, program):
    verified = EnrollmentFactory(program=program, user=UserFactory(full_name="Ben Verified")).user
    _joined_and_evaluated(past_session, ana)
    AttendanceFactory(session=past_session, user=verified, minutes=120, source="roster")
    EvaluationFactory(session=past_session, user=verified)

    result = services.bulk_issue_for_session(session=past_session)

    assert result == {"issued": 1, "existing": 0}
    assert list(Certificate.objects.values_list("user__full_name", flat=True)) == ["Ben Verified"]


def test_cycle_credit_rows_count_provisional_sessions_as_zero(program, ana):
    cycle = CycleFactory(program=program)
    first = PastSessionFactory(program=program, cycle=cycle)
    second = PastSessionFactory(program=program, cycle=cycle, starts_at=first.starts_at - timedelta(days=1))
    _joined_and_evaluated(first, ana)
    AttendanceFactory(session=second, user=ana, minutes=120, source="report")
    EvaluationFactory(session=second, user=ana)

    rows = services.cycle_credit_rows(user=ana, cycle=cycle)

    assert sorted((s.pk, r.credits) for s, r in rows) == sorted(
        [(first.pk, Decimal("0.00")), (second.pk, Decimal("2.00"))]
    )


def test_transcript_labels_provisional_attendance_and_gives_it_no_credits(past_session, ana):
    _joined_and_evaluated(past_session, ana)

    [group] = selectors.transcript(ana)

    [row] = group.rows
    assert (row.minutes, row.provisional, row.result.credits, group.total) == (
        120,
        True,
        Decimal("0.00"),
        Decimal("0"),
    )


def test_transcript_page_says_provisional(client, past_session, ana):
    _joined_and_evaluated(past_session, ana)
    client.force_login(ana)

    body = client.get(reverse("cpd:transcript")).content.decode()

    assert '120 min <span class="badge badge-status status-provisional">Provisional</span>' in body
    assert NOT_CONFIRMED in body


def test_attendance_export_rows_give_provisional_attendance_no_credits(past_session, ana, program):
    _joined_and_evaluated(past_session, ana)

    [row] = selectors.attendance_export_rows(program, sessions=program.sessions.all())

    assert (row["attendance"].minutes, row["result"].eligible, row["result"].credits) == (
        120,
        False,
        Decimal("0.00"),
    )


def test_program_report_credits_leave_provisional_attendance_out(past_session, ana, program):
    verified = EnrollmentFactory(program=program, user=UserFactory()).user
    _joined_and_evaluated(past_session, ana)
    AttendanceFactory(session=past_session, user=verified, minutes=120, source="report")
    EvaluationFactory(session=past_session, user=verified)

    summary = program_report(ReportScope(program=program)).summary

    assert summary.credits == Decimal("2.00")


def test_program_report_credits_count_provisional_attendance_where_the_program_allows(
    past_session, ana, program
):
    _allow_provisional(program)
    _joined_and_evaluated(past_session, ana)

    summary = program_report(ReportScope(program=program)).summary

    assert summary.credits == Decimal("2.00")
