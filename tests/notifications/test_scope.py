"""Every message a program causes carries that program's scope, whichever app queued it: the
failed ones are listed and resent on that program's pages only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import reminders as case_reminders
from cases import services as case_services
from cases.models import Case
from cpd import services as cpd_services
from cpd.models import Survey, SurveyQuestion
from echo_hub.notifications.models import Notification
from sessions import invitations
from sessions import reminders as session_reminders
from sessions import services as session_services
from sessions.models import Enrollment
from sessions.roster import RosterRow
from tests.factories import (
    AttendanceFactory,
    CaseFactory,
    CaseSlotFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    PastSessionFactory,
    RecommendationFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _scopes() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for kind, scope in Notification.objects.values_list("kind", "scope"):
        found.setdefault(kind, set()).add(scope)
    return found


def test_enrollment_messages_carry_the_programs_scope(program, coordinator, other_program):
    approved = EnrollmentFactory(program=program, status=Enrollment.Status.PENDING)
    declined = EnrollmentFactory(program=program, status=Enrollment.Status.PENDING)
    EnrollmentFactory(program=other_program, user=approved.user)

    session_services.approve_enrollment(enrollment=approved, by=coordinator)
    session_services.decline_enrollment(enrollment=declined, by=coordinator, reason="Full")
    invitations.invite_to_program(
        program=program, emails=["new@example.org"], role="participant", by=coordinator
    )
    session_services.import_roster(
        program=program,
        rows=[RosterRow("roster@example.org", "Rita Roster", "nurse", "Hearst CHC")],
        by=coordinator,
    )

    scope = {f"program:{program.pk}"}
    assert _scopes() == {
        "enrollment_approved": scope,
        "enrollment_declined": scope,
        "invitation": scope,
        "roster_added": scope,
    }


def test_session_messages_carry_the_programs_scope(
    program, participant, other_program, django_capture_on_commit_callbacks
):
    EnrollmentFactory(program=other_program, user=participant)
    SessionFactory(program=program, starts_at=timezone.now() + timedelta(hours=20))
    later = SessionFactory(program=program, starts_at=timezone.now() + timedelta(days=3))

    session_reminders.send_due_session_reminders()
    with django_capture_on_commit_callbacks(execute=True):
        session_services.cancel_session(session=later, reason="Statutory holiday")

    scope = {f"program:{program.pk}"}
    assert _scopes() == {"session_reminder_24h": scope, "session_cancelled": scope}


def test_case_messages_carry_the_programs_scope(program, coordinator, presenter, expert, other_program):
    EnrollmentFactory(program=other_program, user=presenter)
    submitted = CaseFactory(program=program, presenter=presenter)
    soon = SessionFactory(program=program, starts_at=timezone.now() + timedelta(days=2))
    reminded = CaseSlotFactory(session=soon, case__program=program, case__presenter=presenter).case
    Case.objects.filter(pk=reminded.pk).update(status=Case.Status.SCHEDULED)
    overdue = CaseSlotFactory(
        session=PastSessionFactory(program=program, starts_at=timezone.now() - timedelta(days=10)),
        case__program=program,
        case__presenter=presenter,
        case__status=Case.Status.PRESENTED,
    ).case
    RecommendationFactory(case=overdue, author=expert)

    case_services.submit_case(case=submitted, by=presenter)
    case_services.return_case(case=submitted, by=coordinator, comment="Please add the lorazepam dose.")
    case_reminders.send_due_case_reminders()
    letter = case_services.finalize_recommendations(case=overdue, by=coordinator)
    case_services.render_letter(letter_id=letter.pk)

    scope = {f"program:{program.pk}"}
    assert _scopes() == {
        "case_submitted": scope,
        "case_returned": scope,
        "case_presenter_reminder": scope,
        "overdue_recommendations": scope,
        "letter_ready": scope,
    }


def test_cpd_messages_carry_the_programs_scope(program, coordinator, participant, other_program):
    EnrollmentFactory(program=other_program, user=participant)
    attended = PastSessionFactory(program=program, starts_at=timezone.now() - timedelta(days=1))
    AttendanceFactory(session=attended, user=participant, minutes=120)
    earned = PastSessionFactory(program=program)
    AttendanceFactory(session=earned, user=participant, minutes=120)
    EvaluationFactory(session=earned, user=participant)
    survey = Survey.objects.create(cycle=CycleFactory(program=program), title="Fall survey")
    SurveyQuestion.objects.create(survey=survey, position=1, kind="likert", text="I can taper safely.")

    cpd_services.send_due_evaluation_requests()
    certificate = cpd_services.issue_session_certificate(user=participant, session=earned)
    cpd_services.render_certificate(certificate_id=certificate.pk)
    cpd_services.send_survey_phase(survey=survey, phase="pre")

    scope = {f"program:{program.pk}"}
    assert _scopes() == {"evaluation_request": scope, "certificate_ready": scope, "survey_pre": scope}
