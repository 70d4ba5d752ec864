"""The report's cache key changes with every row the report reads, and only with those: a
cached report is never shown stale, and another program's activity does not redraw this one."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import FollowUp, Medication, RecommendationLetter
from cpd.models import Accreditation, Certificate, Evaluation
from echo_hub.accounts.models import Profession
from echo_hub.site.reports.cache import cached_program_report, report_key
from echo_hub.site.reports.selectors import ReportScope
from sessions import services as membership
from sessions.models import Attendance, Enrollment, Role
from tests.factories import (
    AttendanceFactory,
    CertificateFactory,
    CreditTypeFactory,
    EnrollmentFactory,
    EvaluationFactory,
    FollowUpFactory,
    MedicationFactory,
    ProgramFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _new_attendance(d):
    AttendanceFactory(session=d.sessions[2], user=d.participants[3], minutes=90)


def _attendance_edited(d):
    attendance = Attendance.objects.filter(session__program=d.program).first()
    attendance.minutes -= 1
    attendance.save()


def _attendance_deleted(d):
    Attendance.objects.filter(session__program=d.program).first().delete()


def _session_edited(d):
    session = d.sessions[1]
    session.title = "Week 1, renamed"
    session.save()


def _session_added(d):
    SessionFactory(program=d.program, starts_at=timezone.now() + timedelta(days=30))


def _session_deleted(d):
    d.sessions[5].case_slots_taken.all().delete()
    type(d.sessions[5]).objects.filter(pk=d.sessions[5].pk).delete()


def _evaluation_added(d):
    EvaluationFactory(session=d.sessions[2], user=d.participants[0])


def _evaluation_deleted(d):
    Evaluation.objects.filter(session__program=d.program).first().delete()


def _case_edited(d):
    case = d.cases[0]
    case.title = "Tapering oxycodone, edited"
    case.save()


def _follow_up_added(d):
    FollowUpFactory(case=d.cases[2])


def _follow_up_deleted(d):
    Medication.objects.filter(follow_up__case=d.cases[3]).delete()
    FollowUp.objects.filter(case=d.cases[3]).delete()


def _medication_added(d):
    MedicationFactory(case=d.cases[2], drug="morphine", daily_dose=Decimal("10"))


def _medication_deleted(d):
    Medication.objects.filter(case=d.cases[0], follow_up=None).delete()


def _letter_rendered_again(d):
    RecommendationLetter.objects.filter(case=d.cases[0]).update(rendered_at=timezone.now())


def _certificate_issued(d):
    CertificateFactory(session=d.sessions[3], user=d.participants[1])


def _certificate_revoked(d):
    Certificate.objects.filter(session__program=d.program, revoked_at=None).update(
        status="revoked", revoked_at=timezone.now()
    )


def _cycle_certificate_issued(d):
    CertificateFactory(session=None, cycle=d.cycle, kind="cycle", user=d.participants[0])


def _cycle_certificate_revoked(d):
    Certificate.objects.filter(cycle=d.cycle).update(status="revoked", revoked_at=timezone.now())


def _credit_type_added(d):
    CreditTypeFactory(program=d.program)


def _with_credit_type(d):
    CreditTypeFactory(program=d.program)


def _credit_type_edited(d):
    credit_type = d.program.credit_types.get()
    credit_type.credits_per_hour = Decimal("0.50")
    credit_type.save()


def _with_accreditation(d):
    Accreditation.objects.get_or_create(program=d.program)


def _accreditation_edited(d):
    accreditation = Accreditation.objects.get(program=d.program)
    accreditation.hub_name = "ECHO Ontario"
    accreditation.save()


def _attendee_profile_edited(d):
    # The reach tables group attendees by profession, community and organization, and the
    # credit rules follow the profession: read from the people's accounts.
    person = d.participants[0]
    person.profession = Profession.PHARMACIST
    person.save()


def _with_participant_enrolled(d):
    EnrollmentFactory(program=d.program, user=d.participants[0], status=Enrollment.Status.APPROVED)


def _attendee_made_faculty(d):
    # The program's coordinators and experts are counted apart from its participants.
    enrollment = Enrollment.objects.get(program=d.program, user=d.participants[0])
    membership.change_role(enrollment=enrollment, role=Role.EXPERT, by=None)


def _faculty_made_participant(d):
    enrollment = Enrollment.objects.get(program=d.program, role=Role.EXPERT)
    membership.change_role(enrollment=enrollment, role=Role.PARTICIPANT, by=None)


def _nothing(d):
    pass


CHANGES = [
    (_nothing, change)
    for change in (
        _new_attendance,
        _attendance_edited,
        _attendance_deleted,
        _session_edited,
        _session_added,
        _session_deleted,
        _evaluation_added,
        _evaluation_deleted,
        _case_edited,
        _follow_up_added,
        _follow_up_deleted,
        _medication_added,
        _medication_deleted,
        _letter_rendered_again,
        _certificate_issued,
        _certificate_revoked,
        _cycle_certificate_issued,
        _cycle_certificate_revoked,
        _credit_type_added,
    )
] + [
    (_with_credit_type, _credit_type_edited),
    (_with_accreditation, _accreditation_edited),
    (_nothing, _attendee_profile_edited),
    (_with_participant_enrolled, _attendee_made_faculty),
    (_nothing, _faculty_made_participant),
]


@pytest.mark.parametrize(("setup", "change"), CHANGES, ids=[c.__name__.strip("_") for _, c in CHANGES])
def test_every_change_to_a_row_the_report_reads_makes_a_new_key(dataset, setup, change):
    setup(dataset)
    scope = ReportScope(program=dataset.program)
    before = report_key(scope)

    change(dataset)

    assert report_key(ReportScope(program=dataset.program, now=scope.now)) != before


def test_nothing_changed_gives_the_same_key(dataset):
    scope = ReportScope(program=dataset.program)

    assert report_key(scope) == report_key(ReportScope(program=dataset.program, now=scope.now))


def test_a_session_that_ends_makes_a_new_key(dataset):
    upcoming = dataset.sessions[5]
    before = report_key(ReportScope(program=dataset.program, now=upcoming.ends_at - timedelta(minutes=1)))

    after = report_key(ReportScope(program=dataset.program, now=upcoming.ends_at))

    assert after != before


@pytest.mark.parametrize(
    ("setting", "value"),
    [("provisional_attendance_earns_credit", True), ("time_zone", "America/Vancouver")],
)
def test_a_program_setting_the_numbers_follow_makes_a_new_key(dataset, setting, value):
    """Credits count provisional attendance or not; the sessions' dates and a date range are
    read in the program's zone."""
    scope = ReportScope(program=dataset.program)
    before = report_key(scope)

    setattr(dataset.program, setting, value)
    dataset.program.save()

    assert report_key(ReportScope(program=dataset.program, now=scope.now)) != before


def test_another_programs_activity_keeps_the_key(dataset):
    # A new or edited account anywhere does move it (the accounts' latest change is read from
    # its index, not narrowed to the program's attendees): the person signs up first.
    person = UserFactory()
    scope = ReportScope(program=dataset.program)
    before = report_key(scope)
    other = ProgramFactory()
    session = SessionFactory(program=other, starts_at=timezone.now() - timedelta(days=2))
    EnrollmentFactory(program=other, user=person, role=Role.EXPERT)
    AttendanceFactory(session=session, user=person, minutes=120)
    EvaluationFactory(session=session, user=person)
    CertificateFactory(session=session, user=person)
    CreditTypeFactory(program=other)

    assert report_key(ReportScope(program=dataset.program, now=scope.now)) == before


def test_a_kept_report_follows_a_change_of_an_attendees_profession(dataset):
    """A coordinator asks participants to correct their profession before reporting to the
    accreditor: the kept report regroups them at once."""
    scope = ReportScope(program=dataset.program)
    kept = cached_program_report(scope)

    _attendee_profile_edited(dataset)

    again = cached_program_report(ReportScope(program=dataset.program, now=scope.now))
    assert again.tables["professions"].rows != kept.tables["professions"].rows
