"""Each audited action, done through its view, writes exactly one event with the right actor,
object, program and client address."""

from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from cpd.models import Certificate
from echo_hub.audit import receivers
from echo_hub.audit.models import AuditEvent
from sessions.models import Enrollment, Role
from tests.factories import (
    AttendanceClaimFactory,
    AttendanceFactory,
    CaseFactory,
    CaseSlotFactory,
    CertificateFactory,
    EnrollmentFactory,
    EvaluationFactory,
    InvitationFactory,
    RecommendationFactory,
    RecommendationLetterFactory,
    SessionFactory,
    UserFactory,
    publish_to_library,
    with_email_address,
)

from .conftest import AGENT, IP, events, facts

pytestmark = pytest.mark.django_db

A = AuditEvent.Action
CASE, SESSION, CERTIFICATE, ENROLLMENT = (
    "cases.case",
    "echo_sessions.session",
    "cpd.certificate",
    "echo_sessions.enrollment",
)
ZOOM_REPORT = Path(__file__).parent.parent / "sessions" / "zoom_samples" / "participants_with_summary.csv"


def _only(action: str) -> AuditEvent:
    (event,) = events(action)
    return event


@pytest.fixture
def as_user(audited_client):
    def login(user):
        audited_client.force_login(user)
        audited_client.get("/")  # the first request after signing in starts the session clocks
        return audited_client

    return login


# cases


def test_case_detail_view_is_recorded_for_every_reader(as_user, coordinator, program, presenter):
    case = CaseFactory(program=program, presenter=presenter, status=Case.Status.SUBMITTED)
    client = as_user(coordinator)

    client.get(reverse("cases:detail", args=[case.pk]))
    client.get(reverse("cases:detail", args=[case.pk]))

    views = events(A.CASE_VIEWED)
    assert [facts(e) for e in views] == [(A.CASE_VIEWED, coordinator.pk, CASE, case.pk, program.pk, IP)] * 2
    assert (views[0].actor_email, views[0].object_label) == ("coord@example.org", f"Case #{case.pk}")
    assert (views[0].user_agent, views[0].path) == (AGENT, f"/cases/{case.pk}/")
    assert events() == views


def test_library_case_view_is_recorded(as_user, participant, coordinator, program):
    case = publish_to_library(CaseFactory(program=program, status=Case.Status.PRESENTED), by=coordinator)

    as_user(participant).get(reverse("cases:library_case", args=[program.slug, case.pk]))

    event = _only(A.CASE_VIEWED)
    assert facts(event) == (A.CASE_VIEWED, participant.pk, CASE, case.pk, program.pk, IP)
    assert event.extra == {"via": "library"}


def test_case_edit_is_recorded(as_user, presenter, program):
    from tests.cases.test_views import _case_post

    case = CaseFactory(program=program, presenter=presenter)

    as_user(presenter).post(reverse("cases:edit", args=[case.pk]), _case_post())

    event = _only(A.CASE_EDITED)
    assert facts(event) == (A.CASE_EDITED, presenter.pk, CASE, case.pk, program.pk, IP)
    assert event.extra == {"created": False}
    assert events() == [event]


def test_case_create_and_submit_records_the_edit_then_the_submission(as_user, presenter, program):
    from tests.cases.test_views import _case_post

    as_user(presenter).post(reverse("cases:create", args=[program.slug]), _case_post(button="submit"))

    case = Case.objects.get()
    assert [(facts(e), e.extra) for e in events()] == [
        ((A.CASE_EDITED, presenter.pk, CASE, case.pk, program.pk, IP), {"created": True}),
        ((A.CASE_SUBMITTED, presenter.pk, CASE, case.pk, program.pk, IP), {}),
    ]


def test_case_return_is_recorded_without_the_comment(as_user, coordinator, program):
    case = CaseFactory(program=program, status=Case.Status.SUBMITTED)

    as_user(coordinator).post(reverse("cases:return", args=[case.pk]), {"comment": "Add the lorazepam dose."})

    event = _only(A.CASE_RETURNED)
    assert facts(event) == (A.CASE_RETURNED, coordinator.pk, CASE, case.pk, program.pk, IP)
    assert "lorazepam" not in str(list(AuditEvent.objects.values()))


def test_case_assign_is_recorded(as_user, coordinator, program, session):
    case = CaseFactory(program=program, status=Case.Status.SUBMITTED)

    as_user(coordinator).post(reverse("cases:assign", args=[case.pk]), {"session": session.pk})

    event = _only(A.CASE_SCHEDULED)
    assert facts(event) == (A.CASE_SCHEDULED, coordinator.pk, CASE, case.pk, program.pk, IP)
    assert event.extra == {"session_id": session.pk, "slot": 1}


def test_recommendations_save_and_finalize_are_recorded(
    session_held, as_user, expert, coordinator, program, session
):
    case = CaseSlotFactory(session=session, case__program=program, case__status=Case.Status.SCHEDULED).case

    as_user(expert).post(reverse("cases:recommendations", args=[case.pk]), {"investigations": "Repeat MRI."})
    as_user(coordinator).post(
        reverse("cases:finalize", args=[case.pk]),
        {"investigations": "Repeat MRI in six months.", "confirm": "on", "action": "send"},
    )

    saved, presented, finalized = events()
    assert facts(saved) == (A.RECOMMENDATIONS_SAVED, expert.pk, CASE, case.pk, program.pk, IP)
    assert saved.extra == {"headings": 1}
    assert facts(presented) == (A.CASE_PRESENTED, coordinator.pk, CASE, case.pk, program.pk, IP)
    assert presented.extra == {"session_id": session.pk}
    assert facts(finalized) == (A.RECOMMENDATIONS_FINALIZED, coordinator.pk, CASE, case.pk, program.pk, IP)
    assert finalized.extra == {"letter_id": case.letter.pk, "edited": True}


def test_letter_download_is_recorded_as_an_export(as_user, presenter, program):
    case = CaseFactory(program=program, presenter=presenter, status=Case.Status.LETTER_SENT)
    RecommendationLetterFactory(case=case)

    response = as_user(presenter).get(reverse("cases:letter", args=[case.pk]))
    b"".join(response.streaming_content)

    event = _only(A.CASE_EXPORTED)
    assert facts(event) == (A.CASE_EXPORTED, presenter.pk, CASE, case.pk, program.pk, IP)
    assert event.extra == {"format": "letter_pdf"}


# attendance


def _attendance_url(name: str, session) -> str:
    return reverse(name, args=[session.program.slug, session.pk])


def test_roster_ticks_are_one_event_with_the_count(as_user, coordinator, participant, expert, past_session):
    as_user(coordinator).post(
        _attendance_url("sessions:manage_attendance", past_session), {"present": [participant.pk, expert.pk]}
    )

    event = _only(A.ATTENDANCE_ROSTER_SAVED)
    assert facts(event) == (
        A.ATTENDANCE_ROSTER_SAVED,
        coordinator.pk,
        SESSION,
        past_session.pk,
        past_session.program_id,
        IP,
    )
    assert event.extra == {"changed": 2}


def test_attendance_adjustment_records_minutes_before_and_after_not_the_reason(
    as_user, coordinator, participant, past_session
):
    AttendanceFactory(session=past_session, user=participant, minutes=30)

    as_user(coordinator).post(
        _attendance_url("sessions:manage_attendance_adjust", past_session),
        {"user": participant.pk, "minutes": 95, "reason": "Phoned in from the ward"},
    )

    event = _only(A.ATTENDANCE_ADJUSTED)
    assert facts(event) == (
        A.ATTENDANCE_ADJUSTED,
        coordinator.pk,
        SESSION,
        past_session.pk,
        past_session.program_id,
        IP,
    )
    assert event.extra == {"user_id": participant.pk, "minutes_before": 30, "minutes_after": 95}


def test_zoom_import_is_one_event_with_counts(as_user, coordinator, program, time_machine):
    # The meeting of the sample report, seen the next day.
    starts_at = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("America/Toronto"))
    time_machine.move_to(starts_at + timedelta(days=1), tick=False)
    session = SessionFactory(program=program, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90))
    EnrollmentFactory(program=program, user=UserFactory(email="m.tremblay@example.org"))
    EnrollmentFactory(program=program, user=UserFactory(email="r.singh@example.org"))
    client = as_user(coordinator)
    upload = SimpleUploadedFile("participants.csv", ZOOM_REPORT.read_bytes(), content_type="text/csv")
    client.post(_attendance_url("sessions:manage_attendance_import", session), {"file": upload})

    client.post(_attendance_url("sessions:manage_attendance_import_confirm", session))

    event = _only(A.ATTENDANCE_IMPORTED)
    assert facts(event) == (A.ATTENDANCE_IMPORTED, coordinator.pk, SESSION, session.pk, program.pk, IP)
    assert (event.extra["stored"], event.extra["kept"]) == (2, 0)
    assert event.extra["unmatched"] >= 1
    assert events() == [event]


def test_attendance_request_decision_is_recorded(as_user, coordinator, participant, program, past_session):
    claim = AttendanceClaimFactory(session=past_session, user=participant, minutes=80)

    as_user(coordinator).post(
        reverse("sessions:manage_attendance_claim_decide", args=[program.slug, claim.pk]),
        {"decision": "approve"},
    )

    event = _only(A.ATTENDANCE_CLAIM_DECIDED)
    assert facts(event) == (
        A.ATTENDANCE_CLAIM_DECIDED,
        coordinator.pk,
        SESSION,
        past_session.pk,
        program.pk,
        IP,
    )
    assert event.extra == {"user_id": participant.pk, "approved": True, "minutes": 80}


# certificates


def _earned(session, user) -> None:
    AttendanceFactory(session=session, user=user, minutes=120)
    EvaluationFactory(session=session, user=user)


def test_certificate_claim_is_recorded_with_the_holder_as_actor(as_user, participant, program, past_session):
    _earned(past_session, participant)

    as_user(participant).post(reverse("cpd:claim", args=[program.slug, past_session.pk]))

    certificate = Certificate.objects.get()
    event = _only(A.CERTIFICATE_ISSUED)
    assert facts(event) == (A.CERTIFICATE_ISSUED, participant.pk, CERTIFICATE, certificate.pk, program.pk, IP)
    assert event.object_label == f"Certificate {certificate.code[:8]}…"
    assert event.extra == {
        "holder_id": participant.pk,
        "kind": "session",
        "credits": "2.00",
        "credit_type_id": None,
        "bulk": False,
    }


def test_bulk_issue_records_one_event_per_certificate(as_user, coordinator, program, past_session):
    people = [EnrollmentFactory(program=program).user for _ in range(3)]
    for user in people:
        _earned(past_session, user)

    as_user(coordinator).post(reverse("cpd:bulk_issue", args=[program.slug]), {"session": past_session.pk})

    issued = events(A.CERTIFICATE_ISSUED)
    certificates = {c.user_id: c.pk for c in Certificate.objects.all()}
    assert sorted((e.extra["holder_id"], e.object_id, e.actor_id, e.extra["bulk"]) for e in issued) == sorted(
        (user.pk, certificates[user.pk], coordinator.pk, True) for user in people
    )
    assert {(e.program_id, e.ip) for e in issued} == {(program.pk, IP)}


def test_certificate_reissue_and_revoke_are_recorded(
    as_user, coordinator, participant, program, past_session
):
    certificate = CertificateFactory(user=participant, session=past_session)
    AttendanceFactory(session=past_session, user=participant, minutes=120)
    EvaluationFactory(session=past_session, user=participant)
    client = as_user(coordinator)

    client.post(reverse("cpd:reissue", args=[certificate.pk]))
    client.post(reverse("cpd:revoke", args=[certificate.pk]), {"reason": "Attendance entered by mistake"})

    reissued, revoked = events()
    assert facts(reissued) == (
        A.CERTIFICATE_REISSUED,
        coordinator.pk,
        CERTIFICATE,
        certificate.pk,
        program.pk,
        IP,
    )
    assert reissued.extra == {"issue_number": 2, "credits": "2.00"}
    assert facts(revoked) == (
        A.CERTIFICATE_REVOKED,
        coordinator.pk,
        CERTIFICATE,
        certificate.pk,
        program.pk,
        IP,
    )
    assert revoked.extra == {}


# enrollment and roles


def test_enrollment_approve_and_decline_are_recorded(as_user, coordinator, program):
    first = EnrollmentFactory(program=program, status=Enrollment.Status.PENDING)
    second = EnrollmentFactory(program=program, status=Enrollment.Status.PENDING)
    client = as_user(coordinator)

    client.post(reverse("sessions:manage_enrollment_approve", args=[program.slug, first.pk]))
    client.post(
        reverse("sessions:manage_enrollment_decline", args=[program.slug, second.pk]), {"reason": "Full"}
    )

    approved, declined = events()
    assert facts(approved) == (A.ENROLLMENT_APPROVED, coordinator.pk, ENROLLMENT, first.pk, program.pk, IP)
    assert approved.extra == {"user_id": first.user_id, "role": "participant"}
    assert facts(declined) == (A.ENROLLMENT_DECLINED, coordinator.pk, ENROLLMENT, second.pk, program.pk, IP)


def test_invitation_acceptance_is_recorded_with_the_role(as_user, coordinator, program):
    invitation = InvitationFactory(program=program, role=Role.EXPERT, invited_by=coordinator)
    newcomer = with_email_address(UserFactory(email=invitation.email))

    as_user(newcomer).post(reverse("sessions:invitation_accept", args=[invitation.token]))

    enrollment = Enrollment.objects.get(user=newcomer)
    event = _only(A.INVITATION_ACCEPTED)
    assert facts(event) == (A.INVITATION_ACCEPTED, newcomer.pk, ENROLLMENT, enrollment.pk, program.pk, IP)
    assert event.extra == {"user_id": newcomer.pk, "role": "expert", "invitation_id": invitation.pk}


def test_roster_import_records_each_person_added(as_user, coordinator, program, participant):
    body = "email,full_name,profession,organization\nnew.one@example.org,New One,Pharmacist,Timmins\n"
    body += "participant@example.org,Jordan K,Nurse practitioner,Sioux Lookout\n"
    client = as_user(coordinator)
    upload = SimpleUploadedFile("roster.csv", body.encode(), content_type="text/csv")
    client.post(reverse("sessions:manage_roster_import", args=[program.slug]), {"file": upload})

    client.post(reverse("sessions:manage_roster_import_confirm", args=[program.slug]))

    enrollment = Enrollment.objects.get(user__email="new.one@example.org")
    event = _only(A.ENROLLMENT_ADDED)
    assert facts(event) == (A.ENROLLMENT_ADDED, coordinator.pk, ENROLLMENT, enrollment.pk, program.pk, IP)
    assert event.extra == {
        "user_id": enrollment.user_id,
        "role": "participant",
        "source": "roster",
        "new_account": True,
    }


def test_program_creation_records_the_creators_coordinator_role(as_user, coordinator):
    as_user(coordinator).post(
        reverse("sessions:program_create"),
        {
            "name": "Hepatitis C",
            "time_zone": "America/Toronto",
            "default_weekday": 2,
            "default_start_time": "12:00",
            "default_duration_minutes": 120,
            "didactic_minutes": 30,
            "case_slots_per_session": 2,
            "attendance_threshold_percent": 75,
        },
    )

    enrollment = Enrollment.objects.get(program__name="Hepatitis C")
    event = _only(A.ENROLLMENT_ADDED)
    assert facts(event) == (
        A.ENROLLMENT_ADDED,
        coordinator.pk,
        ENROLLMENT,
        enrollment.pk,
        enrollment.program_id,
        IP,
    )
    assert event.extra["role"] == "coordinator"


# logins


@pytest.fixture
def verified_user(db):
    user = UserFactory(email="login@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_login_logout_and_failed_login_are_each_one_event(audited_client, verified_user):
    login = reverse("account_login")

    audited_client.post(login, {"login": "LOGIN@example.org", "password": "wrong-password-123"})
    audited_client.post(login, {"login": "login@example.org", "password": "correct-horse-battery"})
    audited_client.post(reverse("account_logout"))

    failed, logged_in, logged_out = AuditEvent.objects.order_by("pk")
    assert (failed.action, failed.actor, failed.actor_email, failed.ip) == (
        A.LOGIN_FAILED,
        None,
        "login@example.org",
        IP,
    )
    assert "wrong-password" not in str(AuditEvent.objects.values().get(pk=failed.pk))
    assert facts(logged_in) == (A.LOGGED_IN, verified_user.pk, "accounts.user", verified_user.pk, None, IP)
    assert facts(logged_out) == (A.LOGGED_OUT, verified_user.pk, "accounts.user", verified_user.pk, None, IP)


# MFA: the receivers directly here; through allauth's own pages further down.


@pytest.mark.parametrize(
    ("receiver", "action"),
    [
        (receivers.mfa_added, A.MFA_ADDED),
        (receivers.mfa_removed, A.MFA_REMOVED),
        (receivers.mfa_reset, A.MFA_RESET),
    ],
)
def test_mfa_changes_are_recorded_with_the_authenticator_type(receiver, action):
    user = UserFactory()
    request = RequestFactory().post("/accounts/2fa/totp/activate", REMOTE_ADDR=IP)

    receiver(sender=None, request=request, user=user, authenticator=SimpleNamespace(type="totp", pk=7))

    event = _only(action)
    assert facts(event) == (action, user.pk, "accounts.user", user.pk, None, IP)
    assert event.extra == {"authenticator": "totp"}


# denied access


def test_denied_case_is_recorded_with_path_and_object_in_one_insert(as_user, outsider, program):
    case = CaseFactory(program=program, status=Case.Status.SUBMITTED)
    client = as_user(outsider)

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("cases:detail", args=[case.pk]))

    assert response.status_code == 404
    event = _only(A.ACCESS_DENIED)
    assert facts(event) == (A.ACCESS_DENIED, outsider.pk, CASE, case.pk, None, IP)
    assert (event.path, event.extra) == (f"/cases/{case.pk}/", {"status": 404})
    writes = [
        q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SELECT", "SAVEPOINT", "RELEASE"))
    ]
    assert len(writes) == 1 and writes[0].startswith('INSERT INTO "audit_auditevent"'), writes


def test_denied_manage_page_is_recorded_against_the_program(as_user, participant, program):
    response = as_user(participant).get(reverse("sessions:manage_enrollment", args=[program.slug]))

    assert response.status_code == 403
    event = _only(A.ACCESS_DENIED)
    assert facts(event) == (
        A.ACCESS_DENIED,
        participant.pk,
        "echo_sessions.program",
        program.pk,
        program.pk,
        IP,
    )
    assert event.extra == {"status": 403}


def test_denied_certificate_of_someone_else_names_no_code(as_user, outsider, past_session):
    certificate = CertificateFactory(session=past_session)

    as_user(outsider).get(reverse("cpd:certificate_download", args=[certificate.pk]))

    event = _only(A.ACCESS_DENIED)
    assert facts(event) == (
        A.ACCESS_DENIED,
        outsider.pk,
        CERTIFICATE,
        certificate.pk,
        past_session.program_id,
        IP,
    )
    assert event.object_label == f"Certificate #{certificate.pk}"


def test_anonymous_visitors_of_public_pages_are_not_recorded(client):
    response = client.get(reverse("sessions:program_detail", args=["no-such-program"]))

    assert response.status_code == 404
    assert AuditEvent.objects.count() == 0


def test_recommendation_text_never_reaches_the_trail(as_user, expert, program, session):
    case = CaseSlotFactory(session=session, case__program=program, case__status=Case.Status.SCHEDULED).case
    RecommendationFactory(case=case, text="Existing advice")

    as_user(expert).post(
        reverse("cases:recommendations", args=[case.pk]), {"investigations": "Zebra MRI quartz"}
    )

    assert "Zebra" not in str(list(AuditEvent.objects.values()))
    assert [e.action for e in events()] == [A.RECOMMENDATIONS_SAVED]


def test_letter_refused_to_another_participant_is_recorded(as_user, participant, program):
    case = CaseFactory(program=program, status=Case.Status.LETTER_SENT)
    RecommendationLetterFactory(case=case)

    response = as_user(participant).get(reverse("cases:letter", args=[case.pk]))

    assert response.status_code == 404
    event = _only(A.ACCESS_DENIED)
    assert facts(event) == (A.ACCESS_DENIED, participant.pk, CASE, case.pk, program.pk, IP)
    assert events(A.CASE_EXPORTED) == []


def test_mfa_set_up_reset_and_removed_through_allauth_pages_are_recorded(
    audited_client, participant, django_capture_on_commit_callbacks
):
    from tests.accounts.test_mfa import totp_code

    client = audited_client
    client.force_login(participant)
    client.post(reverse("account_reauthenticate"), {"password": "correct-horse-battery"})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    code = totp_code(secret)

    # allauth sends most of these signals after commit.
    for url, data in [
        ("mfa_activate_totp", {"code": code}),
        ("mfa_generate_recovery_codes", {}),
        ("mfa_deactivate_totp", {}),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse(url), data)

    assert sorted((e.action, e.extra["authenticator"], e.actor_id, e.ip) for e in events()[:2]) == [
        (A.MFA_ADDED, "recovery_codes", participant.pk, IP),
        (A.MFA_ADDED, "totp", participant.pk, IP),
    ]
    assert [(e.action, e.extra["authenticator"], e.actor_id, e.ip) for e in events()[2:]] == [
        (A.MFA_RESET, "recovery_codes", participant.pk, IP),
        (A.MFA_REMOVED, "totp", participant.pk, IP),
        # The last authenticator gone, allauth drops the recovery codes too.
        (A.MFA_REMOVED, "recovery_codes", participant.pk, IP),
    ]
