import re
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from cases.deid import explain, find_identifiers
from cpd import services
from cpd.models import Certificate, Evaluation
from echo_hub.lib.timefmt import date_time
from sessions.models import Session
from tests.factories import (
    AttendanceFactory,
    CertificateFactory,
    CreditTypeFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    PastSessionFactory,
    SessionFactory,
    UserFactory,
)
from tests.storages import NO_SPACE

pytestmark = pytest.mark.django_db

ANSWERS = {
    "relevance": 5,
    "quality": 4,
    "objectives_met": "partly",
    "commitment_to_change": "Offer naloxone to every patient above 50 MME.",
    "comments": "The tapering case was the most useful part.",
}
IDENTIFYING = "Great case. Mrs. Jane Doe, OHIP 1234-567-890, is my patient."


def _member(program, **fields):
    return EnrollmentFactory(program=program, user=UserFactory(**fields)).user


def _earned(session: Session, user, minutes: int = 120) -> None:
    AttendanceFactory(session=session, user=user, minutes=minutes)
    EvaluationFactory(session=session, user=user)


def _pdf_text(certificate: Certificate) -> str:
    certificate.refresh_from_db()
    with certificate.file.open("rb") as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(handle.read())).pages)
    # Lines wrap wherever the layout puts them: compare with single spaces.
    return " ".join(text.split())


# evaluations


def test_submit_evaluation_stores_the_answers(past_session, participant):
    evaluation = services.submit_evaluation(session=past_session, user=participant, fields=ANSWERS)

    evaluation.refresh_from_db()
    assert (
        evaluation.session,
        evaluation.user,
        evaluation.relevance,
        evaluation.quality,
        evaluation.objectives_met,
        evaluation.commitment_to_change,
        evaluation.comments,
    ) == (past_session, participant, 5, 4, "partly", *list(ANSWERS.values())[3:])


@pytest.mark.parametrize("field", ["comments", "commitment_to_change"])
def test_submit_evaluation_with_an_identifier_stores_nothing(past_session, participant, field):
    with pytest.raises(ValidationError) as caught:
        services.submit_evaluation(
            session=past_session, user=participant, fields=ANSWERS | {field: IDENTIFYING}
        )

    assert caught.value.message_dict == {field: [explain(f) for f in find_identifiers(IDENTIFYING)]}
    assert len(caught.value.message_dict[field]) == 2
    assert Evaluation.objects.count() == 0


def test_submit_evaluation_twice_keeps_the_first(past_session, participant):
    services.submit_evaluation(session=past_session, user=participant, fields=ANSWERS)

    with pytest.raises(ValidationError) as caught:
        services.submit_evaluation(session=past_session, user=participant, fields=ANSWERS | {"relevance": 1})

    assert caught.value.messages == ["You have already evaluated this session. Thank you!"]
    assert list(Evaluation.objects.values_list("relevance", flat=True)) == [5]


def test_submit_evaluation_before_the_start_is_refused(session, participant):
    with pytest.raises(ValidationError) as caught:
        services.submit_evaluation(session=session, user=participant, fields=ANSWERS)

    assert caught.value.messages == [
        f"You can evaluate a session once it has started; this one starts {date_time(session.starts_at)}."
    ]
    assert Evaluation.objects.count() == 0


def test_submit_evaluation_of_a_cancelled_session_is_refused(past_session, participant):
    past_session.status = Session.Status.CANCELLED
    past_session.save()

    with pytest.raises(ValidationError) as caught:
        services.submit_evaluation(session=past_session, user=participant, fields=ANSWERS)

    assert caught.value.messages == ["This session was cancelled: there is nothing to evaluate."]


def test_submit_evaluation_by_a_non_member_is_refused(past_session, outsider, pending_user):
    for user in (outsider, pending_user):
        with pytest.raises(ValidationError) as caught:
            services.submit_evaluation(session=past_session, user=user, fields=ANSWERS)

        assert caught.value.messages == ["Only members of the program evaluate its sessions."]
    assert Evaluation.objects.count() == 0


def test_evaluation_relevance_outside_one_to_five_is_refused_by_the_database(past_session, participant):
    with pytest.raises(IntegrityError):
        EvaluationFactory(session=past_session, user=participant, relevance=6)


# issuing


def test_issue_session_certificate_records_the_earned_credits(past_session, participant):
    _earned(past_session, participant, minutes=97)

    certificate = services.issue_session_certificate(user=participant, session=past_session)

    certificate.refresh_from_db()
    assert (
        certificate.user,
        certificate.kind,
        certificate.session,
        certificate.cycle,
        certificate.credits,
        certificate.status,
        certificate.issue_number,
        certificate.render_status,
    ) == (participant, "session", past_session, None, Decimal("1.50"), "valid", 1, "pending")


def test_issue_session_certificate_twice_yields_one(past_session, participant):
    _earned(past_session, participant)

    first = services.issue_session_certificate(user=participant, session=past_session)
    second = services.issue_session_certificate(user=participant, session=past_session)

    assert first == second
    assert Certificate.objects.count() == 1


def test_issue_session_certificate_without_credits_says_what_is_missing(past_session, participant):
    AttendanceFactory(session=past_session, user=participant, minutes=60)

    with pytest.raises(ValidationError) as caught:
        services.issue_session_certificate(user=participant, session=past_session)

    assert caught.value.messages == [
        "No credits yet for this session: Attendance: 60 of the 90 minutes needed; Evaluation not filled."
    ]
    assert Certificate.objects.count() == 0


def test_certificate_created_twice_for_a_session_hits_the_unique_constraint(past_session, participant):
    CertificateFactory(user=participant, session=past_session)

    with pytest.raises(IntegrityError):
        Certificate.objects.create(
            user=participant, kind="session", session=past_session, credits=Decimal("1")
        )


def test_certificate_created_twice_for_a_cycle_hits_the_unique_constraint(program, participant):
    cycle = CycleFactory(program=program)
    CertificateFactory(user=participant, kind="cycle", session=None, cycle=cycle)

    with pytest.raises(IntegrityError):
        Certificate.objects.create(user=participant, kind="cycle", cycle=cycle, credits=Decimal("1"))


def test_certificate_codes_are_long_and_differ(program, participant):
    certificates = [
        CertificateFactory(user=participant, session=PastSessionFactory(program=program)) for _ in range(5)
    ]

    codes = [c.code for c in certificates]

    assert min(len(code) for code in codes) >= 32
    assert len(set(codes)) == 5


def test_issue_cycle_certificate_adds_up_the_eligible_sessions_of_the_cycle(
    program, participant, coordinator
):
    cycle = CycleFactory(program=program)
    first, second, short = (
        PastSessionFactory(program=program, cycle=cycle, starts_at=timezone.now() - timedelta(days=d))
        for d in (21, 14, 7)
    )
    _earned(first, participant, minutes=120)
    _earned(second, participant, minutes=97)
    _earned(short, participant, minutes=60)
    _earned(PastSessionFactory(program=program), participant)  # outside the cycle
    SessionFactory(program=program, cycle=cycle)  # not held yet: the cycle is closed before it
    services.close_cycle_early(cycle=cycle, by=coordinator, reason="Program paused")

    certificate = services.issue_cycle_certificate(user=participant, cycle=cycle)
    again = services.issue_cycle_certificate(user=participant, cycle=cycle)

    assert again == certificate
    assert (certificate.kind, certificate.cycle, certificate.session, certificate.credits) == (
        "cycle",
        cycle,
        None,
        Decimal("3.50"),
    )
    assert Certificate.objects.count() == 1


def test_issue_cycle_certificate_without_credits_is_refused(program, participant):
    cycle = CycleFactory(program=program)
    AttendanceFactory(session=PastSessionFactory(program=program, cycle=cycle), user=participant, minutes=120)

    with pytest.raises(ValidationError) as caught:
        services.issue_cycle_certificate(user=participant, cycle=cycle)

    assert caught.value.messages == ["No credits earned in this cycle yet."]
    assert Certificate.objects.count() == 0


# bulk issue


def test_bulk_issue_for_session_issues_exactly_the_eligible(past_session, program):
    at_threshold, whole, already = (_member(program) for _ in range(3))
    short, unevaluated, absent = (_member(program) for _ in range(3))
    _earned(past_session, at_threshold, minutes=90)
    _earned(past_session, whole, minutes=150)
    _earned(past_session, already, minutes=120)
    CertificateFactory(user=already, session=past_session)
    _earned(past_session, short, minutes=89)
    AttendanceFactory(session=past_session, user=unevaluated, minutes=120)
    EvaluationFactory(session=past_session, user=absent)

    result = services.bulk_issue_for_session(session=past_session)
    again = services.bulk_issue_for_session(session=past_session)

    assert result == {"issued": 2, "existing": 1}
    assert again == {"issued": 0, "existing": 3}
    assert dict(Certificate.objects.values_list("user", "credits")) == {
        at_threshold.pk: Decimal("1.50"),
        whole.pk: Decimal("2.00"),
        already.pk: Decimal("2.00"),
    }


def test_bulk_issue_for_session_without_required_evaluation_counts_attendance_only(past_session, program):
    program.evaluation_required = False
    program.save()
    CreditTypeFactory(program=program, credits_per_hour=Decimal("1.50"))
    user = _member(program)
    AttendanceFactory(session=past_session, user=user, minutes=90)

    result = services.bulk_issue_for_session(session=past_session)

    assert result == {"issued": 1, "existing": 0}
    assert Certificate.objects.get().credits == Decimal("2.25")


def test_bulk_issue_for_session_takes_the_same_queries_for_3_or_30_people(past_session, program):
    def issue_all(count: int) -> int:
        Certificate.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            result = services.bulk_issue_for_session(session=past_session)
        assert result == {"issued": count, "existing": 0}
        return len(ctx)

    for _ in range(3):
        _earned(past_session, _member(program))
    few = issue_all(3)
    for _ in range(27):
        _earned(past_session, _member(program))

    assert issue_all(30) == few


def test_bulk_issue_for_session_issues_one_by_one_when_the_insert_conflicts(past_session, program):
    already, newcomer = _member(program), _member(program)
    _earned(past_session, already)
    _earned(past_session, newcomer)
    CertificateFactory(user=already, session=past_session)
    own = []

    def newcomer_gets_theirs_after_the_check(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not own and sql.startswith("SELECT") and 'FROM "cpd_certificate"' in sql:
            own.append("pressed")
            own.append(services.issue_session_certificate(user=newcomer, session=past_session))
        return result

    # The newcomer's own "get my certificate" commits between the bulk issue's check and its insert.
    with connection.execute_wrapper(newcomer_gets_theirs_after_the_check):
        result = services.bulk_issue_for_session(session=past_session)

    assert result == {"issued": 0, "existing": 2}
    assert sorted(Certificate.objects.values_list("user_id", "issue_number")) == sorted(
        [(already.pk, 1), (newcomer.pk, 1)]
    )
    assert Certificate.objects.get(user=newcomer) == own[1]


def test_bulk_issue_for_cycle_issues_one_summary_per_person_with_credits(program):
    cycle = CycleFactory(program=program)
    sessions = [
        PastSessionFactory(program=program, cycle=cycle, starts_at=timezone.now() - timedelta(days=d))
        for d in (14, 7)
    ]
    both, one, none = _member(program), _member(program), _member(program)
    for session in sessions:
        _earned(session, both)
    _earned(sessions[0], one)
    AttendanceFactory(session=sessions[1], user=one, minutes=30)
    AttendanceFactory(session=sessions[0], user=none, minutes=120)

    result = services.bulk_issue_for_cycle(cycle=cycle)
    again = services.bulk_issue_for_cycle(cycle=cycle)

    assert result == {"issued": 2, "existing": 0}
    assert again == {"issued": 0, "existing": 2}
    assert dict(Certificate.objects.values_list("user", "credits")) == {
        both.pk: Decimal("4.00"),
        one.pk: Decimal("2.00"),
    }
    assert set(Certificate.objects.values_list("kind", flat=True)) == {"cycle"}


# rendering


@pytest.fixture
def ana(program):
    CreditTypeFactory(program=program)
    return _member(
        program,
        email="ana.lopez@example.org",
        full_name="Ana Lopez",
        credentials="MD, CCFP",
        organization="Hearst CHC",
    )


def test_issued_certificate_renders_a_pdf_with_name_credits_type_and_code(
    past_session, ana, django_capture_on_commit_callbacks
):
    _earned(past_session, ana, minutes=97)

    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue_session_certificate(user=ana, session=past_session)

    text = _pdf_text(certificate)
    assert (certificate.render_status, certificate.last_error) == ("ready", "")
    assert certificate.file.name.endswith(".pdf")
    assert "Ana Lopez, MD, CCFP" in text
    assert re.search(r"\b1\.5 ?Mainpro\+ Certified credits", text)
    assert f"Verification code {certificate.code}" in text
    assert f"http://testserver/verify/{certificate.code}/" in text
    assert "DUPLICATE" not in text
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ana.lopez@example.org"], "Your CPD certificate is ready")
    ]


def test_render_certificate_twice_keeps_the_first_file(past_session, ana, django_capture_on_commit_callbacks):
    _earned(past_session, ana)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue_session_certificate(user=ana, session=past_session)
    certificate.refresh_from_db()
    rendered = (certificate.file.name, certificate.sha256, certificate.rendered_at)

    assert services.render_certificate(certificate_id=certificate.pk) is False

    certificate.refresh_from_db()
    assert (certificate.file.name, certificate.sha256, certificate.rendered_at) == rendered
    assert len(mail.outbox) == 1


def test_reissued_copy_of_the_same_facts_says_duplicate_and_keeps_its_code(
    past_session, ana, coordinator, django_capture_on_commit_callbacks
):
    _earned(past_session, ana, minutes=97)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue_session_certificate(user=ana, session=past_session)
    code = certificate.code

    with django_capture_on_commit_callbacks(execute=True):
        copy = services.reissue_certificate(certificate=certificate, by=coordinator)

    text = _pdf_text(certificate)
    assert (copy.pk, certificate.code, certificate.issue_number, certificate.credits) == (
        certificate.pk,
        code,
        2,
        Decimal("1.50"),
    )
    assert "DUPLICATE" in text
    assert re.search(r"\b1\.5 ?Mainpro\+ Certified credits", text)
    assert f"Verification code {code}" in text
    assert Certificate.objects.count() == 1


def test_reissue_with_corrected_credits_makes_a_new_certificate_without_duplicate(
    past_session, ana, coordinator, django_capture_on_commit_callbacks
):
    _earned(past_session, ana, minutes=97)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue_session_certificate(user=ana, session=past_session)
    ana.attendances.update(minutes=120)

    with django_capture_on_commit_callbacks(execute=True):
        new = services.reissue_certificate(
            certificate=certificate, by=coordinator, reason="Report re-imported"
        )

    certificate.refresh_from_db()
    text = _pdf_text(new)
    assert (new.issue_number, new.credits, new.render_status) == (1, Decimal("2.00"), "ready")
    assert new.code != certificate.code
    assert (certificate.status, certificate.superseded_by, certificate.superseded_reason) == (
        "superseded",
        new,
        "Report re-imported",
    )
    assert "DUPLICATE" not in text
    assert re.search(r"\b2 ?Mainpro\+ Certified credits", text)
    assert f"Verification code {new.code}" in text


def test_reissue_with_corrected_credits_and_no_reason_is_refused(past_session, ana, coordinator):
    _earned(past_session, ana, minutes=97)
    certificate = services.issue_session_certificate(user=ana, session=past_session)
    ana.attendances.update(minutes=120)

    with pytest.raises(ValidationError) as caught:
        services.reissue_certificate(certificate=certificate, by=coordinator)

    certificate.refresh_from_db()
    assert caught.value.message_dict == {
        "reason": [
            "The credits or their wording changed since this certificate was issued: "
            "give the reason, and a new certificate with a new code replaces it."
        ]
    }
    assert (certificate.status, certificate.issue_number, Certificate.objects.count()) == ("valid", 1, 1)


def test_cycle_certificate_pdf_lists_the_sessions_and_the_total(
    program, ana, django_capture_on_commit_callbacks
):
    cycle = CycleFactory(program=program, name="Fall 2026")
    for days, title in ((14, "Tapering basics"), (7, "Buprenorphine starts")):
        session = PastSessionFactory(
            program=program, cycle=cycle, title=title, starts_at=timezone.now() - timedelta(days=days)
        )
        _earned(session, ana)

    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue_cycle_certificate(user=ana, cycle=cycle)

    text = _pdf_text(certificate)
    assert "Ana Lopez, MD, CCFP" in text
    assert "Fall 2026 cycle" in text
    assert "Tapering basics" in text
    assert "Buprenorphine starts" in text
    assert re.search(r"\b4 ?Mainpro\+ Certified credits", text)
    assert "Total Mainpro+ Certified credits 4" in text
    assert certificate.code in text


def test_failed_render_keeps_its_reason_for_the_next_try(
    past_session, ana, full_disk, django_capture_on_commit_callbacks
):
    _earned(past_session, ana)

    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue_session_certificate(user=ana, session=past_session)

    certificate.refresh_from_db()
    assert (certificate.render_status, certificate.render_attempts, certificate.last_error) == (
        "pending",
        1,
        NO_SPACE,
    )
    assert not certificate.file
    assert mail.outbox == []


# revoking and reissuing


def test_revoke_certificate_keeps_who_when_and_why(past_session, participant, coordinator):
    certificate = CertificateFactory(user=participant, session=past_session)

    services.revoke_certificate(
        certificate=certificate, by=coordinator, reason="  Attendance was misrecorded "
    )

    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoked_by, certificate.revoked_reason) == (
        "revoked",
        coordinator,
        "Attendance was misrecorded",
    )
    assert certificate.revoked_at is not None


@pytest.mark.parametrize("reason", ["", "   "])
def test_revoke_certificate_without_a_reason_is_refused(past_session, participant, coordinator, reason):
    certificate = CertificateFactory(user=participant, session=past_session)

    with pytest.raises(ValidationError) as caught:
        services.revoke_certificate(certificate=certificate, by=coordinator, reason=reason)

    certificate.refresh_from_db()
    assert caught.value.message_dict == {
        "reason": ["Say why the certificate is revoked; the verification page shows it is revoked."]
    }
    assert (certificate.status, certificate.revoked_at) == ("valid", None)


def test_revoke_certificate_twice_keeps_the_first_reason(past_session, participant, coordinator):
    certificate = CertificateFactory(user=participant, session=past_session)
    services.revoke_certificate(certificate=certificate, by=coordinator, reason="Misrecorded")

    services.revoke_certificate(certificate=certificate, by=coordinator, reason="Second thoughts")

    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Misrecorded"


def test_reissue_of_a_revoked_certificate_is_refused(past_session, participant, coordinator):
    certificate = CertificateFactory(user=participant, session=past_session, status="revoked")

    with pytest.raises(ValidationError) as caught:
        services.reissue_certificate(certificate=certificate, by=coordinator)

    certificate.refresh_from_db()
    assert caught.value.messages == ["A revoked certificate cannot be reissued."]
    assert certificate.issue_number == 1


def test_certificate_prints_the_session_title_and_topic_without_a_doubled_prefix(
    past_session, ana, django_capture_on_commit_callbacks
):
    Session.objects.filter(pk=past_session.pk).update(
        title="Session 3", didactic_topic="Opioid tapering: when and how"
    )
    past_session.refresh_from_db()
    _earned(past_session, ana, minutes=97)

    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue_session_certificate(user=ana, session=past_session)

    text = " ".join(_pdf_text(certificate).split())
    assert "Session 3 — Opioid tapering: when and how" in text
    assert "Session 3: Opioid tapering" not in text
