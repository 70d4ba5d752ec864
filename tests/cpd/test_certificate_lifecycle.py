"""After issue: a cycle certificate only once the cycle is over or closed early; a change of the
attendance behind an issued certificate needs a reason and reissues it with a new code (or
revokes it), whatever path changes the attendance."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpd import services
from cpd.models import Certificate
from echo_hub.audit.models import AuditEvent
from sessions import attendance, participant_report
from sessions.issued import holders_of_issued_records
from sessions.models import Attendance, Session
from sessions.zoom import parse_zoom_report
from tests.factories import (
    AttendanceClaimFactory,
    AttendanceFactory,
    CreditTypeFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    PastSessionFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

A = AuditEvent.Action
NEEDS_REASON = (
    "Ana Lopez already holds an issued certificate that counts this attendance. Give the reason for "
    "the change: the certificate is reissued with it."
)


@pytest.fixture
def ana(program):
    CreditTypeFactory(program=program)
    return EnrollmentFactory(
        program=program, user=UserFactory(email="ana@example.org", full_name="Ana Lopez")
    ).user


def _earned(session: Session, user, minutes: int = 120) -> None:
    AttendanceFactory(session=session, user=user, minutes=minutes)
    EvaluationFactory(session=session, user=user)


def _current(user, **target) -> Certificate:
    return Certificate.objects.get(user=user, superseded_at=None, **target)


@pytest.fixture
def cycle_of_three(program, time_machine):
    """A cycle of three weekly sessions; the clock is an hour after the second one ended."""
    cycle = CycleFactory(program=program, name="Fall 2026")
    first = PastSessionFactory(program=program, cycle=cycle, title="One")
    sessions = [
        first,
        PastSessionFactory(
            program=program, cycle=cycle, title="Two", starts_at=first.starts_at + timedelta(days=7)
        ),
        PastSessionFactory(
            program=program, cycle=cycle, title="Three", starts_at=first.starts_at + timedelta(days=14)
        ),
    ]
    time_machine.move_to(sessions[1].ends_at + timedelta(hours=1), tick=False)
    return cycle, sessions


# a cycle certificate waits for the end of the cycle


def test_cycle_certificate_before_the_last_session_ends_is_refused(cycle_of_three, ana):
    cycle, (one, _two, three) = cycle_of_three
    _earned(one, ana)

    with pytest.raises(ValidationError) as caught:
        services.issue_cycle_certificate(user=ana, cycle=cycle)

    assert caught.value.messages == [
        f"The cycle Fall 2026 is not over: its certificates can be issued once its last session ends, "
        f"{_date_time(three.ends_at)}, or after a coordinator closes it early."
    ]
    assert Certificate.objects.count() == 0


def _date_time(value) -> str:
    from echo_hub.lib.timefmt import date_time

    return date_time(value)


def test_cycle_certificate_once_the_last_session_has_ended(cycle_of_three, ana, time_machine):
    cycle, (one, two, three) = cycle_of_three
    for session in (one, two, three):
        _earned(session, ana, minutes=90)
    time_machine.move_to(three.ends_at + timedelta(minutes=1), tick=False)

    certificate = services.issue_cycle_certificate(user=ana, cycle=cycle)

    assert (certificate.kind, certificate.credits, certificate.status) == ("cycle", Decimal("4.50"), "valid")


def test_a_cancelled_last_session_does_not_hold_the_cycle_open(cycle_of_three, ana):
    cycle, (one, _two, three) = cycle_of_three
    _earned(one, ana)
    Session.objects.filter(pk=three.pk).update(status=Session.Status.CANCELLED)

    certificate = services.issue_cycle_certificate(user=ana, cycle=cycle)

    assert certificate.credits == Decimal("2.00")


def test_bulk_issue_of_a_cycle_before_its_end_is_refused(cycle_of_three, ana, coordinator):
    cycle, (one, *_) = cycle_of_three
    _earned(one, ana)

    with pytest.raises(ValidationError):
        services.bulk_issue_for_cycle(cycle=cycle, by=coordinator)

    assert Certificate.objects.count() == 0


# closing a cycle early


def test_close_cycle_early_lets_its_certificates_count_the_sessions_held(cycle_of_three, ana, coordinator):
    cycle, (one, two, _three) = cycle_of_three
    for session in (one, two):
        _earned(session, ana)

    services.close_cycle_early(cycle=cycle, by=coordinator, reason="Program paused for the holidays")
    certificate = services.issue_cycle_certificate(user=ana, cycle=cycle)

    cycle.refresh_from_db()
    assert (cycle.closed_reason, cycle.closed_by, cycle.closed_at is not None) == (
        "Program paused for the holidays",
        coordinator,
        True,
    )
    assert certificate.credits == Decimal("4.00")
    (event,) = AuditEvent.objects.filter(action=A.CYCLE_CLOSED)
    assert (event.actor, event.object_id, event.program_id, event.extra) == (
        coordinator,
        cycle.pk,
        cycle.program_id,
        {"sessions_left": 1},
    )


def test_a_session_after_the_close_counts_neither_on_the_cycle_nor_needs_a_reason(
    cycle_of_three, ana, coordinator, time_machine
):
    cycle, (one, _two, three) = cycle_of_three
    _earned(one, ana)
    services.close_cycle_early(cycle=cycle, by=coordinator, reason="Program paused")
    certificate = services.issue_cycle_certificate(user=ana, cycle=cycle)
    time_machine.move_to(three.ends_at + timedelta(minutes=5), tick=False)

    attendance.adjust_attendance(session=three, user=ana, minutes=120, reason="Was there", by=coordinator)

    certificate.refresh_from_db()
    assert (certificate.status, certificate.credits, Certificate.objects.count()) == (
        "valid",
        Decimal("2.00"),
        1,
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_close_cycle_early_without_a_reason_is_refused(cycle_of_three, coordinator, reason):
    cycle, _ = cycle_of_three

    with pytest.raises(ValidationError) as caught:
        services.close_cycle_early(cycle=cycle, by=coordinator, reason=reason)

    cycle.refresh_from_db()
    assert caught.value.message_dict == {
        "reason": ["Say why the cycle closes early: it is kept with the cycle for accreditation audits."]
    }
    assert (cycle.closed_at, AuditEvent.objects.filter(action=A.CYCLE_CLOSED).count()) == (None, 0)


def test_close_cycle_early_twice_is_refused(cycle_of_three, coordinator):
    cycle, _ = cycle_of_three
    services.close_cycle_early(cycle=cycle, by=coordinator, reason="Paused")

    with pytest.raises(ValidationError) as caught:
        services.close_cycle_early(cycle=cycle, by=coordinator, reason="Again")

    assert caught.value.messages[0].startswith("The cycle Fall 2026 was already closed on ")
    assert AuditEvent.objects.filter(action=A.CYCLE_CLOSED).count() == 1


def test_close_of_a_cycle_that_is_over_is_refused(cycle_of_three, coordinator, time_machine):
    cycle, (*_, three) = cycle_of_three
    time_machine.move_to(three.ends_at + timedelta(minutes=1), tick=False)

    with pytest.raises(ValidationError) as caught:
        services.close_cycle_early(cycle=cycle, by=coordinator, reason="Done")

    assert caught.value.messages == [
        f"The cycle Fall 2026 is over (its last session ended {_date_time(three.ends_at)}): "
        "its certificates can be issued without closing it."
    ]


def test_close_during_a_session_is_refused(cycle_of_three, coordinator, time_machine):
    cycle, (*_, three) = cycle_of_three
    time_machine.move_to(three.starts_at + timedelta(minutes=30), tick=False)

    with pytest.raises(ValidationError) as caught:
        services.close_cycle_early(cycle=cycle, by=coordinator, reason="Paused")

    assert caught.value.messages == [
        f"Three is under way until {_date_time(three.ends_at)}: close the cycle after it ends."
    ]
    cycle.refresh_from_db()
    assert cycle.closed_at is None


def test_a_stale_cycle_certificate_is_replaced_when_issued_again_at_the_end(
    cycle_of_three, ana, coordinator, time_machine
):
    cycle, (one, two, three) = cycle_of_three
    for session in (one, two, three):
        _earned(session, ana)
    # Issued before these rules, while the cycle was running: it counts one session.
    stale = Certificate.objects.create(user=ana, kind="cycle", cycle=cycle, credits=Decimal("1.87"))
    time_machine.move_to(three.ends_at + timedelta(minutes=1), tick=False)

    current = services.issue_cycle_certificate(user=ana, cycle=cycle, by=coordinator)

    stale.refresh_from_db()
    assert (current.credits, current.issue_number, current.code != stale.code) == (Decimal("6.00"), 1, True)
    assert (stale.status, stale.superseded_by) == ("superseded", current)


# a change of attendance behind an issued certificate


def test_adjustment_reissues_the_certificate_with_a_new_code(past_session, ana, coordinator):
    _earned(past_session, ana, minutes=120)
    old = services.issue_session_certificate(user=ana, session=past_session)

    attendance.adjust_attendance(
        session=past_session, user=ana, minutes=105, reason="Left after the second case", by=coordinator
    )

    old.refresh_from_db()
    new = _current(ana, session=past_session)
    assert (new.credits, new.issue_number, new.status, new.code != old.code) == (
        Decimal("1.75"),
        1,
        "valid",
        True,
    )
    assert (old.status, old.superseded_by, old.superseded_reason, old.credits) == (
        "superseded",
        new,
        "Left after the second case",
        Decimal("2.00"),
    )
    event = AuditEvent.objects.filter(action=A.CERTIFICATE_REISSUED).get()
    assert (event.object_id, event.actor, event.extra) == (
        new.pk,
        coordinator,
        {"replaces_id": old.pk, "credits": "1.75", "holder_id": ana.pk},
    )


def test_roster_untick_of_a_holder_without_a_reason_changes_nothing(past_session, ana, coordinator):
    AttendanceFactory(session=past_session, user=ana, minutes=120, source="roster")
    EvaluationFactory(session=past_session, user=ana)
    certificate = services.issue_session_certificate(user=ana, session=past_session)

    with pytest.raises(ValidationError) as caught:
        attendance.set_roster(session=past_session, present_user_ids=[], by=coordinator)

    certificate.refresh_from_db()
    assert caught.value.message_dict == {"correction_reason": [NEEDS_REASON]}
    assert Attendance.objects.get(session=past_session, user=ana).minutes == 120
    assert (certificate.status, Certificate.objects.count()) == ("valid", 1)


def test_roster_untick_with_a_reason_revokes_a_certificate_no_longer_earned(past_session, ana, coordinator):
    AttendanceFactory(session=past_session, user=ana, minutes=120, source="roster")
    EvaluationFactory(session=past_session, user=ana)
    certificate = services.issue_session_certificate(user=ana, session=past_session)

    attendance.set_roster(
        session=past_session, present_user_ids=[], by=coordinator, correction_reason="Ticked by mistake"
    )

    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoked_reason, certificate.revoked_by) == (
        "revoked",
        "No longer earns these credits: Ticked by mistake",
        coordinator,
    )
    assert Certificate.objects.count() == 1


def test_a_revoked_certificate_comes_back_with_a_new_code_when_attendance_is_restored(
    past_session, ana, coordinator
):
    _earned(past_session, ana)
    first = services.issue_session_certificate(user=ana, session=past_session)
    attendance.adjust_attendance(
        session=past_session, user=ana, minutes=0, reason="Wrong person", by=coordinator
    )

    attendance.adjust_attendance(
        session=past_session, user=ana, minutes=120, reason="Right person after all", by=coordinator
    )

    first.refresh_from_db()
    current = _current(ana, session=past_session)
    assert (first.status, first.superseded_by) == ("revoked", current)
    assert (current.status, current.credits) == ("valid", Decimal("2.00"))


def test_each_superseded_certificate_points_to_the_current_one(past_session, ana, coordinator):
    _earned(past_session, ana)
    first = services.issue_session_certificate(user=ana, session=past_session)
    for minutes in (110, 95):
        attendance.adjust_attendance(
            session=past_session, user=ana, minutes=minutes, reason=f"Report says {minutes}", by=coordinator
        )

    current = _current(ana, session=past_session)
    assert current.credits == Decimal("1.50")
    assert list(
        Certificate.objects.filter(superseded_at__isnull=False).values_list("superseded_by", flat=True)
    ) == [current.pk, current.pk]
    first.refresh_from_db()
    assert first.superseded_by == current


def test_a_change_that_leaves_the_facts_as_they_are_keeps_the_certificate(
    program, past_session, ana, coordinator
):
    program.credit_types.update(max_per_session=Decimal("1.5"))
    _earned(past_session, ana, minutes=120)
    certificate = services.issue_session_certificate(user=ana, session=past_session)

    attendance.adjust_attendance(
        session=past_session, user=ana, minutes=100, reason="Report says 100", by=coordinator
    )

    certificate.refresh_from_db()
    assert (certificate.status, certificate.credits, Certificate.objects.count()) == (
        "valid",
        Decimal("1.50"),
        1,
    )


def test_a_change_for_someone_without_a_certificate_needs_no_reason(past_session, ana, coordinator):
    AttendanceFactory(session=past_session, user=ana, minutes=120, source="roster")

    attendance.set_roster(session=past_session, present_user_ids=[], by=coordinator)

    assert Attendance.objects.get(session=past_session, user=ana).minutes == 0


def test_approving_an_attended_request_of_a_holder_needs_a_note(past_session, ana, coordinator):
    _earned(past_session, ana, minutes=95)
    certificate = services.issue_session_certificate(user=ana, session=past_session)
    claim = AttendanceClaimFactory(session=past_session, user=ana, minutes=120)

    with pytest.raises(ValidationError):
        attendance.decide_claim(claim=claim, approve=True, by=coordinator)
    attendance.decide_claim(claim=claim, approve=True, by=coordinator, note="Phone line, confirmed")

    certificate.refresh_from_db()
    current = _current(ana, session=past_session)
    assert (certificate.status, current.credits, current.superseded_certificates.get()) == (
        "superseded",
        Decimal("2.00"),
        certificate,
    )


ZOOM = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room\n"
    "Ana Lopez,ana@example.org,{start},{end},100,No,No\n"
)


def test_a_participant_report_changing_a_holders_minutes_needs_a_reason(past_session, ana, coordinator):
    _earned(past_session, ana, minutes=120)
    certificate = services.issue_session_certificate(user=ana, session=past_session)
    zone = past_session.program.zone
    start = past_session.starts_at.astimezone(zone)
    text = ZOOM.format(
        start=f"{start:%m/%d/%Y %I:%M:%S %p}", end=f"{start + timedelta(minutes=100):%m/%d/%Y %I:%M:%S %p}"
    )
    report = parse_zoom_report(text, zone=zone)

    with pytest.raises(ValidationError) as caught:
        participant_report.import_report(session=past_session, report=report, chosen={}, by=coordinator)
    assert caught.value.message_dict == {"correction_reason": [NEEDS_REASON]}
    assert Attendance.objects.get(session=past_session, user=ana).minutes == 120

    participant_report.import_report(
        session=past_session,
        report=report,
        chosen={},
        by=coordinator,
        correction_reason="Zoom report arrived",
    )

    certificate.refresh_from_db()
    assert (certificate.status, _current(ana, session=past_session).credits) == (
        "superseded",
        Decimal("1.50"),
    )


def test_confirming_provisional_attendance_reissues_the_cycle_certificate(cycle_of_three, ana, coordinator):
    cycle, (one, two, _three) = cycle_of_three
    _earned(one, ana)
    AttendanceFactory(session=two, user=ana, minutes=120, source="join")  # provisional: no credit yet
    EvaluationFactory(session=two, user=ana)
    services.close_cycle_early(cycle=cycle, by=coordinator, reason="Paused")
    certificate = services.issue_cycle_certificate(user=ana, cycle=cycle)
    assert certificate.credits == Decimal("2.00")

    with pytest.raises(ValidationError):
        attendance.confirm_provisional_attendance(session=two, by=coordinator)
    attendance.confirm_provisional_attendance(session=two, by=coordinator, correction_reason="Seen on camera")

    certificate.refresh_from_db()
    assert (certificate.status, _current(ana, cycle=cycle).credits) == ("superseded", Decimal("4.00"))


def test_an_attendance_change_reissues_the_cycle_certificate_too(
    cycle_of_three, ana, coordinator, time_machine
):
    cycle, (one, two, three) = cycle_of_three
    for session in (one, two, three):
        _earned(session, ana)
    time_machine.move_to(three.ends_at + timedelta(minutes=1), tick=False)
    session_certificate = services.issue_session_certificate(user=ana, session=two)
    cycle_certificate = services.issue_cycle_certificate(user=ana, cycle=cycle)

    attendance.adjust_attendance(session=two, user=ana, minutes=90, reason="Report says 90", by=coordinator)

    session_certificate.refresh_from_db()
    cycle_certificate.refresh_from_db()
    assert (session_certificate.status, cycle_certificate.status) == ("superseded", "superseded")
    assert (_current(ana, session=two).credits, _current(ana, cycle=cycle).credits) == (
        Decimal("1.50"),
        Decimal("5.50"),
    )


def test_a_superseded_certificate_cannot_be_reissued_or_revoked(past_session, ana, coordinator):
    _earned(past_session, ana)
    old = services.issue_session_certificate(user=ana, session=past_session)
    attendance.adjust_attendance(session=past_session, user=ana, minutes=90, reason="Report", by=coordinator)
    old.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        services.reissue_certificate(certificate=old, by=coordinator)
    services.revoke_certificate(certificate=old, by=coordinator, reason="Try")

    old.refresh_from_db()
    assert caught.value.messages == ["This certificate was replaced by a newer one: reissue that one."]
    assert old.status == "superseded"


def test_a_session_not_yet_over_keeps_its_cycle_open_even_with_sessions_ahead(program, ana):
    cycle = CycleFactory(program=program)
    SessionFactory(program=program, cycle=cycle)

    with pytest.raises(ValidationError):
        services.issue_cycle_certificate(user=ana, cycle=cycle)


def test_a_late_evaluation_reissues_the_cycle_certificate_with_its_credits(cycle_of_three, ana, coordinator):
    cycle, (one, two, _three) = cycle_of_three
    _earned(one, ana)
    AttendanceFactory(session=two, user=ana, minutes=120)  # not evaluated yet: no credits
    services.close_cycle_early(cycle=cycle, by=coordinator, reason="Paused")
    certificate = services.issue_cycle_certificate(user=ana, cycle=cycle)

    services.submit_evaluation(
        session=two, user=ana, fields={"relevance": 5, "quality": 5, "objectives_met": "yes"}
    )

    certificate.refresh_from_db()
    current = _current(ana, cycle=cycle)
    assert (certificate.status, certificate.superseded_reason, current.credits) == (
        "superseded",
        "Evaluation of Two submitted",
        Decimal("4.00"),
    )


def test_a_certificate_replaced_meanwhile_hands_the_change_to_the_current_one(past_session, ana, coordinator):
    _earned(past_session, ana)
    stale = services.issue_session_certificate(user=ana, session=past_session)
    attendance.adjust_attendance(
        session=past_session, user=ana, minutes=110, reason="First report", by=coordinator
    )
    between = _current(ana, session=past_session)
    # A second change that read `stale` before the first one committed.
    Attendance.objects.filter(session=past_session, user=ana).update(minutes=95)

    result = services.bring_up_to_date(stale, by=coordinator, reason="Second report")

    between.refresh_from_db()
    assert result == _current(ana, session=past_session)
    assert (result.credits, between.status, between.superseded_by) == (Decimal("1.50"), "superseded", result)
    assert Certificate.objects.filter(superseded_at=None).count() == 1


def test_holders_are_named_as_printed_from_one_read_without_the_sessions_and_programs(
    program, past_session, ana
):
    """The attendance roster asks on every visit who holds a certificate resting on the
    session: the names come from the certificates and their holders alone."""
    ben = EnrollmentFactory(program=program, user=UserFactory(full_name="Ben Roy", credentials="MD")).user
    cleo = EnrollmentFactory(program=program, user=UserFactory(full_name="Cleo Ng")).user
    for person in (ana, ben):
        _earned(past_session, person)
        services.issue_session_certificate(user=person, session=past_session)
    Certificate.objects.filter(user=ana).update(holder_name="Dr. Ana María López")
    past_session = Session.objects.select_related("program", "cycle").get(pk=past_session.pk)

    with CaptureQueriesContext(connection) as ctx:
        held = holders_of_issued_records(past_session, {ana.pk, ben.pk, cleo.pk})

    assert held == {ana.pk: "Dr. Ana María López", ben.pk: "Ben Roy, MD"}
    assert len(ctx) == 1
    assert '"echo_sessions_program"' not in ctx.captured_queries[0]["sql"]
    assert '"echo_sessions_session"."title"' not in ctx.captured_queries[0]["sql"]
