"""Every page and action under /manage/<slug>/, whichever app serves it, is closed to the
coordinator of another program: 404 (the program's existence does not leak), with its own
slug in the URL or the other program's, and a refused POST writes nothing. Each POST here is
one the program's own coordinator makes successfully, so a refusal is a real refusal.

The table is checked against the URLconfs: a new manage URL without a row fails a test."""

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape

from cases.models import Case, RecommendationLetter
from cpd.models import Certificate, CreditType, Survey, SurveyQuestion
from cpd.services import update_accreditation
from echo_hub.site.models import ReportExport
from sessions.models import Cycle, Enrollment, Invitation, Program, Role, Session, program_scope
from tests.factories import (
    LOGO_PNG,
    AttendanceClaimFactory,
    AttendanceFactory,
    CaseSlotFactory,
    CertificateFactory,
    CreditTypeFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    InvitationFactory,
    NotificationFactory,
    PastSessionFactory,
    RecommendationFactory,
    ReportExportFactory,
    SessionFactory,
)
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db

ZOOM_REPORT = Path(__file__).parent / "zoom_samples" / "participants_with_summary.csv"


@dataclass(frozen=True)
class Target:
    """A program with one of everything its manage pages act on."""

    program: Program
    participant: object
    expert: object
    pending: Enrollment
    member: Enrollment
    session: Session
    past_session: Session
    cycle: Cycle
    empty_cycle: Cycle
    claim: object
    failed_message: object
    failed_certificate: Certificate
    failed_letter: RecommendationLetter
    invitation: Invitation
    credit_type: CreditType
    ready_export: ReportExport
    failed_export: ReportExport


@dataclass(frozen=True)
class Row:
    """How the program's own coordinator uses a manage URL: the status of a GET (None: GET is
    not allowed), the data of a successful POST (None: POST is not allowed), its status, and
    whether it writes to the database."""

    get: int | None = 200
    post: object = None
    posted: int = 302
    writes: bool = True
    objects: bool = field(default=False)


def _program_data(t: Target) -> dict:
    return {
        "name": "Chronic Pain, renamed",
        "summary": "Weekly case-based learning.",
        "description": "",
        "is_open_for_enrollment": "on",
        "time_zone": "America/Toronto",
        "default_weekday": "2",
        "default_start_time": "12:00",
        "default_duration_minutes": "120",
        "didactic_minutes": "30",
        "case_slots_per_session": "3",
        "default_join_url": "",
        "attendance_threshold_percent": "75",
        "evaluation_required": "on",
    }


def _in_days(days: int) -> str:
    return f"{timezone.localdate() + timedelta(days=days):%Y-%m-%d}"


def _file(name: str, data: bytes) -> dict:
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv")}


ROSTER = b"email,full_name,profession,organization\nrita.roster@example.org,Rita Roster,nurse,Hearst CHC\n"

CURRICULUM = (
    b"session,date,topic,presenter_email,guest_name,guest_profession,guest_affiliation,learning_objectives\n"
    b"1,,Naloxone,,Dr. Ana Guest,Pharmacist,,Offer naloxone\n"
)

# fmt: off
MANAGE = {
    "sessions:manage_schedule": Row(),
    "sessions:manage_program_edit": Row(post=_program_data),
    "sessions:manage_cycle_create": Row(post=lambda t: {"name": "Spring 2027", "start_date": _in_days(40)}),
    "sessions:manage_cycle_edit": Row(objects=True, post=lambda t: {
        "name": "Winter 2027, renamed", "start_date": _in_days(40), "end_date": _in_days(130),
    }),
    "sessions:manage_curriculum": Row(objects=True, post=lambda t: {
        "row-TOTAL_FORMS": "1", "row-INITIAL_FORMS": "1", "row-MIN_NUM_FORMS": "0", "row-MAX_NUM_FORMS": "200",
        "row-0-session_id": str(t.past_session.pk), "row-0-didactic_topic": "Naloxone", "row-0-presenter": "",
        "row-0-guest_name": "Dr. Ana Guest", "row-0-guest_profession": "Pharmacist",
        "row-0-guest_affiliation": "", "row-0-learning_objectives": "Offer naloxone",
    }),
    "sessions:manage_curriculum_template": Row(objects=True),
    "sessions:manage_curriculum_import": Row(
        objects=True, post=lambda t: _file("curriculum.csv", CURRICULUM), posted=200, writes=False
    ),
    "sessions:manage_curriculum_import_confirm": Row(get=None, objects=True, post=lambda t: {}, writes=False),
    "sessions:manage_schedule_new": Row(post=lambda t: {
        "cycle": "", "first_date": _in_days(21), "start_time": "12:00", "duration_minutes": "120",
        "count": "2", "skip_dates": "",
    }),
    "sessions:manage_session_edit": Row(objects=True, post=lambda t: {
        "title": "Session 1, edited", "didactic_topic": "Naloxone", "presenter": "",
        "learning_objectives": "", "join_url": "", "case_slots": "2", "accreditation_id": "240117001",
    }),
    "sessions:manage_session_cancel": Row(objects=True, post=lambda t: {"reason": "Statutory holiday"}),
    "sessions:manage_session_reschedule": Row(objects=True, post=lambda t: {
        "new_date": _in_days(30), "new_start_time": "13:00", "duration_minutes": "90",
    }),
    # The expert holds a certificate of the session: the change needs a reason.
    "sessions:manage_attendance": Row(objects=True, post=lambda t: {
        "present": [t.expert.pk], "correction_reason": "Was there; ticked late.",
    }),
    "sessions:manage_attendance_adjust": Row(get=None, objects=True, post=lambda t: {
        "user": t.participant.pk, "minutes": "30", "reason": "Left after the didactic.",
    }),
    "sessions:manage_attendance_import": Row(
        objects=True, post=lambda t: _file("report.csv", ZOOM_REPORT.read_bytes()), posted=200, writes=False
    ),
    "sessions:manage_attendance_import_confirm": Row(get=None, objects=True, post=lambda t: {}, writes=False),
    "sessions:manage_attendance_claim_decide": Row(get=None, objects=True, post=lambda t: {"decision": "approve"}),
    "sessions:manage_attendance_confirm": Row(get=None, objects=True, post=lambda t: {}),
    "sessions:manage_failed_messages": Row(),
    "sessions:manage_retry_message": Row(get=None, objects=True, post=lambda t: {}),
    "sessions:manage_enrollment": Row(),
    "sessions:manage_enrollment_approve": Row(get=None, objects=True, post=lambda t: {}),
    "sessions:manage_enrollment_decline": Row(get=None, objects=True, post=lambda t: {"reason": "The cycle is full."}),
    "sessions:manage_enrollment_role": Row(get=None, objects=True, post=lambda t: {"role": Role.EXPERT}),
    "sessions:manage_enrollment_remove": Row(get=None, objects=True, post=lambda t: {}),
    "sessions:manage_invite": Row(post=lambda t: {"emails": "new.member@example.org", "role": Role.PARTICIPANT}),
    "sessions:manage_roster_import": Row(post=lambda t: _file("roster.csv", ROSTER), posted=200, writes=False),
    "sessions:manage_roster_import_confirm": Row(get=None, post=lambda t: {}, writes=False),
    "sessions:manage_roster_template": Row(),
    "cases:queue": Row(),
    "cases:form_editor": Row(post=lambda t: {"action": "template", "template": "hepatitis_c"}),
    "cases:letter_retry": Row(get=None, objects=True, post=lambda t: {}),
    "cpd:manage_certificates": Row(),
    "cpd:bulk_issue": Row(get=None, objects=True, post=lambda t: {"session": t.past_session.pk}),
    "cpd:certificate_retry": Row(get=None, objects=True, post=lambda t: {}),
    "cpd:progress": Row(objects=True),
    # Nobody here misses only the evaluation: the reminder writes nothing (tests/cpd/test_issue_outcomes.py).
    "cpd:remind_evaluations": Row(get=None, objects=True, post=lambda t: {}, writes=False),
    "cpd:export_attendance": Row(),
    "cpd:export_credits": Row(),
    "cpd:accreditation": Row(post=lambda t: {"hub_name": "ECHO Ontario", "signatory_name": "Dr. Helen Markham"}),
    "cpd:accreditation_image": Row(),
    "cpd:credit_type_create": Row(post=lambda t: {
        "name": "Royal College MOC Section 1", "professions": ["specialist_physician"],
        "credits_per_hour": "1.00", "rounding_step": "0.25", "max_per_session": "2", "statement": "",
    }),
    "cpd:credit_type_edit": Row(objects=True, post=lambda t: {
        "name": "Mainpro+ Certified", "professions": ["family_physician"],
        "credits_per_hour": "1.00", "rounding_step": "0.25", "max_per_session": "1.5", "statement": "",
    }),
    "cpd:credit_type_delete": Row(get=None, objects=True, post=lambda t: {}),
    "cpd:survey_list": Row(),
    "cpd:survey_build": Row(objects=True, post=lambda t: {"kind": "text", "text": "What will you change?"}),
    "cpd:survey_use_template": Row(get=None, objects=True, post=lambda t: {}),
    "cpd:cycle_close": Row(objects=True, post=lambda t: {"reason": "Program paused after session 12."}),
    "cpd:survey_send": Row(get=None, objects=True, post=lambda t: {}),
    "cpd:survey_results": Row(objects=True),
    "cpd:survey_export": Row(objects=True),
    "reports:program": Row(),
    "reports:pdf": Row(get=None, post=lambda t: {}),
    "reports:export": Row(objects=True),
    "reports:export_download": Row(objects=True),
    "reports:export_retry": Row(get=None, objects=True, post=lambda t: {}),
    "reports:csv": Row(),
    "sessions:manage_audit": Row(),
    "sessions:manage_audit_csv": Row(),
    "sessions:manage_invitations": Row(),
    "sessions:manage_invitation_resend": Row(get=None, objects=True, post=lambda t: {}),
    "sessions:manage_invitation_revoke": Row(objects=True, post=lambda t: {}),
    "zoom:connection": Row(post=lambda t: {
        "account_id": "acct-1", "client_id": "client-1", "client_secret": "s", "webhook_token": "w",
    }),
    "zoom:reconnect": Row(get=None, post=lambda t: {}, writes=False),
    "zoom:meeting": Row(objects=True),
    "zoom:recreate": Row(get=None, objects=True, post=lambda t: {}, writes=False),
    "zoom:fetch_report": Row(get=None, objects=True, post=lambda t: {}, writes=False),
    "zoom:match": Row(get=302, objects=True),
}
# fmt: on


def _kwargs(name: str, t: Target) -> dict:
    """The URL's arguments other than the slug: the target program's objects."""
    session, past = {"pk": t.session.pk}, {"pk": t.past_session.pk}
    return {
        "sessions:manage_cycle_edit": {"pk": t.empty_cycle.pk},
        "sessions:manage_curriculum": {"pk": t.cycle.pk},
        "sessions:manage_curriculum_template": {"pk": t.cycle.pk},
        "sessions:manage_curriculum_import": {"pk": t.cycle.pk},
        "sessions:manage_curriculum_import_confirm": {"pk": t.cycle.pk},
        "sessions:manage_session_edit": session,
        "sessions:manage_session_cancel": session,
        "sessions:manage_session_reschedule": session,
        "sessions:manage_attendance": past,
        "sessions:manage_attendance_adjust": past,
        "sessions:manage_attendance_import": past,
        "sessions:manage_attendance_import_confirm": past,
        "sessions:manage_attendance_confirm": past,
        "cpd:remind_evaluations": past,
        "sessions:manage_attendance_claim_decide": {"claim_pk": t.claim.pk},
        "sessions:manage_retry_message": {"pk": t.failed_message.pk},
        "sessions:manage_enrollment_approve": {"pk": t.pending.pk},
        "sessions:manage_enrollment_decline": {"pk": t.pending.pk},
        "sessions:manage_enrollment_role": {"pk": t.member.pk},
        "sessions:manage_enrollment_remove": {"pk": t.member.pk},
        "cases:letter_retry": {"pk": t.failed_letter.case_id},
        "sessions:manage_invitation_resend": {"pk": t.invitation.pk},
        "sessions:manage_invitation_revoke": {"pk": t.invitation.pk},
        "cpd:certificate_retry": {"pk": t.failed_certificate.pk},
        "cpd:survey_build": {"cycle_pk": t.cycle.pk},
        "cpd:survey_use_template": {"cycle_pk": t.empty_cycle.pk},
        "cpd:cycle_close": {"cycle_pk": t.empty_cycle.pk},
        "cpd:survey_send": {"cycle_pk": t.cycle.pk, "phase": Survey.Phase.PRE},
        "cpd:survey_results": {"cycle_pk": t.cycle.pk},
        "cpd:survey_export": {"cycle_pk": t.cycle.pk},
        "reports:csv": {"table": "sessions"},
        "reports:export": {"pk": t.ready_export.pk},
        "reports:export_download": {"pk": t.ready_export.pk},
        "reports:export_retry": {"pk": t.failed_export.pk},
        "cpd:export_credits": {"kind": "pars"},
        "cpd:accreditation_image": {"image": "logo"},
        "cpd:credit_type_edit": {"pk": t.credit_type.pk},
        "cpd:credit_type_delete": {"pk": t.credit_type.pk},
        "zoom:meeting": session,
        "zoom:recreate": session,
        "zoom:fetch_report": past,
        "zoom:match": past,
    }.get(name, {})


def _url(name: str, t: Target, slug: str) -> str:
    url = reverse(name, kwargs={"slug": slug, **_kwargs(name, t)})
    return f"{url}?session={t.past_session.pk}" if name == "cpd:progress" else url


def _manage_url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _manage_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and str(entry.pattern).startswith("manage/"):
            names.add(f"{namespace}{entry.name}")
    return names


@pytest.fixture
def target(program, other_program, coordinator, participant, expert, pending_user) -> Target:
    # A member of both programs: what is theirs in one program stays out of the other's reach.
    EnrollmentFactory(program=other_program, user=participant)
    cycle = CycleFactory(program=program, name="Fall 2026")
    survey = Survey.objects.create(cycle=cycle, title="Fall 2026 survey")
    SurveyQuestion.objects.create(survey=survey, position=1, kind="likert", text="I can taper safely.")
    past = PastSessionFactory(program=program, cycle=cycle, title="Past session")
    AttendanceFactory(session=past, user=participant, minutes=120)
    EvaluationFactory(session=past, user=participant)
    # Provisional attendance for "confirm".
    AttendanceFactory(session=past, user=EnrollmentFactory(program=program).user, minutes=90, source="join")
    letter_case = CaseSlotFactory(
        session=past,
        case__program=program,
        case__status=Case.Status.PRESENTED,
        case__title="Failed letter case",
    ).case
    RecommendationFactory(case=letter_case, author=expert)
    update_accreditation(program=program, by=coordinator, fields={}, images={"logo": LOGO_PNG})
    return Target(
        program=program,
        participant=participant,
        expert=expert,
        pending=Enrollment.objects.get(user=pending_user, program=program),
        member=Enrollment.objects.get(user=participant, program=program),
        session=SessionFactory(program=program, title="Session 1", didactic_topic="Opioid tapering"),
        past_session=past,
        cycle=cycle,
        empty_cycle=CycleFactory(program=program, name="Winter 2027"),
        claim=AttendanceClaimFactory(session=past, user=participant, minutes=100),
        failed_message=NotificationFactory(
            user=participant,
            email=participant.email,
            scope=program_scope(program.pk),
            status="failed",
            attempts=5,
            last_error="550 5.1.1 Mailbox unavailable",
        ),
        failed_certificate=CertificateFactory(
            user=expert,
            session=past,
            render_status="failed",
            render_attempts=5,
            file="",
            last_error="OSError: x",
        ),
        failed_letter=RecommendationLetter.objects.create(
            case=letter_case, status="failed", render_attempts=5, last_error="OSError: x"
        ),
        invitation=InvitationFactory(program=program, invited_by=coordinator),
        credit_type=CreditTypeFactory(program=program),
        ready_export=ReportExportFactory(program=program, requested_by=coordinator),
        failed_export=ReportExport.objects.create(
            program=program, status="failed", render_attempts=5, last_error="OSError: x"
        ),
    )


def _send(client, method: str, name: str, t: Target, slug: str):
    url = _url(name, t, slug)
    if method == "get":
        return client.get(url)
    return client.post(url, MANAGE[name].post(t))


CASES = [
    pytest.param(name, method, id=f"{name}-{method.upper()}")
    for name, row in MANAGE.items()
    for method in ("get", "post")
    if (row.get if method == "get" else row.post) is not None
]


def test_every_manage_url_has_a_row():
    assert _manage_url_names(get_resolver().url_patterns) == set(MANAGE)


@pytest.mark.parametrize(("name", "method"), CASES)
def test_manage_url_serves_the_programs_own_coordinator(client, target, coordinator, name, method):
    client.force_login(coordinator)
    before = snapshot()

    response = _send(client, method, name, target, target.program.slug)

    row = MANAGE[name]
    assert response.status_code == (row.get if method == "get" else row.posted)
    if method == "post":
        assert (changes_since(before) != {}) is row.writes


@pytest.mark.parametrize(("name", "method"), CASES)
def test_manage_url_is_404_to_another_programs_coordinator_and_writes_nothing(
    client, target, other_coordinator, other_program, name, method
):
    client.force_login(other_coordinator)
    slugs = [target.program.slug] + ([other_program.slug] if MANAGE[name].objects else [])
    before = snapshot()

    responses = [_send(client, method, name, target, slug) for slug in slugs]

    assert [r.status_code for r in responses] == [404] * len(slugs)
    for response in responses:
        body = response.content.decode()
        assert "We couldn't find that page" in body
        assert escape(target.program.name) not in body
        assert target.past_session.title not in body
    assert changes_since(before) == {}
