"""Provisional attendance: a Join click becomes attendance only after the session, labelled
provisional until a coordinator confirms it or a participant report replaces it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from echo_hub.audit.models import AuditEvent
from echo_hub.site.tasks import sweep_due_messages_task
from sessions import attendance as services
from sessions import participant_report
from sessions.models import Attendance, AttendanceChange, AttendanceClaim, Session
from sessions.zoom import parse_zoom_report
from tests.factories import AttendanceFactory, EnrollmentFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
START = datetime(2026, 11, 25, 12, 0, tzinfo=TORONTO)
END = START + timedelta(minutes=90)
PROVISIONAL = "Joined from ECHO Hub at Wed 25 Nov 2026, 11:47 EST: provisional until confirmed"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START - timedelta(minutes=13), tick=False)
    return time_machine


@pytest.fixture
def noon(program, clock):
    return SessionFactory(program=program, title="Session 2", starts_at=START, ends_at=END)


@pytest.fixture
def joined(noon, participant):
    """The participant clicked Join 13 minutes before the start."""
    return services.record_join(session=noon, user=participant)


def _after_the_end(clock, minutes: int = 1) -> None:
    clock.move_to(END + timedelta(minutes=minutes), tick=False)


def _rows(session) -> dict[str, tuple[int, str, bool]]:
    return {
        a.user.email: (a.minutes, a.source, a.verified)
        for a in Attendance.objects.filter(session=session).select_related("user")
    }


def _member(program, email: str):
    return EnrollmentFactory(program=program, user=UserFactory(email=email)).user


# becoming provisional after the end


def test_record_provisional_attendance_after_the_end_counts_an_early_join_from_the_start(noon, joined, clock):
    _after_the_end(clock)

    created = services.record_provisional_attendance()

    attendance = Attendance.objects.get()
    assert created == 1
    assert _rows(noon) == {"participant@example.org": (90, "join", False)}
    assert attendance.joined_at == START - timedelta(minutes=13)
    change = AttendanceChange.objects.get()
    assert (
        change.changed_by,
        change.old_minutes,
        change.new_minutes,
        change.source,
        change.reason_display,
    ) == (
        None,
        0,
        90,
        "join",
        PROVISIONAL,
    )
    with translation.override("fr-ca"):
        assert change.reason_display == (
            "A rejoint la séance depuis ECHO Hub le mercredi 25 novembre 2026, 11\xa0h\xa047 EST : "
            "présence provisoire jusqu'à confirmation"
        )


def test_record_provisional_attendance_counts_a_late_join_from_the_click(noon, participant, clock):
    clock.move_to(START + timedelta(minutes=30, seconds=20), tick=False)
    services.record_join(session=noon, user=participant)
    _after_the_end(clock)

    services.record_provisional_attendance()

    assert _rows(noon) == {"participant@example.org": (59, "join", False)}


def test_record_provisional_attendance_during_the_session_creates_nothing(noon, joined, clock):
    clock.move_to(END - timedelta(minutes=1), tick=False)

    assert services.record_provisional_attendance() == 0
    assert Attendance.objects.count() == 0


def test_record_provisional_attendance_keeps_a_roster_tick(noon, joined, coordinator, participant, clock):
    clock.move_to(START + timedelta(minutes=5), tick=False)
    services.set_roster(session=noon, present_user_ids=[participant.pk], by=coordinator)
    _after_the_end(clock)

    assert services.record_provisional_attendance() == 0
    assert _rows(noon) == {"participant@example.org": (90, "roster", True)}


def test_record_provisional_attendance_twice_creates_one_row(noon, joined, clock):
    _after_the_end(clock)
    services.record_provisional_attendance()

    assert services.record_provisional_attendance() == 0
    assert (Attendance.objects.count(), AttendanceChange.objects.count()) == (1, 1)


def test_record_provisional_attendance_skips_a_cancelled_session(noon, joined, clock):
    Session.objects.filter(pk=noon.pk).update(status=Session.Status.CANCELLED)
    _after_the_end(clock)

    assert services.record_provisional_attendance() == 0


def test_record_provisional_attendance_skips_a_join_before_a_reschedule(noon, joined, clock):
    Session.objects.filter(pk=noon.pk).update(
        starts_at=START + timedelta(days=7), ends_at=END + timedelta(days=7)
    )
    clock.move_to(END + timedelta(days=8), tick=False)

    assert services.record_provisional_attendance() == 0


# what counts for credits


def test_creditable_minutes_of_provisional_attendance_are_zero_by_default(noon, joined, clock, program):
    _after_the_end(clock)
    services.record_provisional_attendance()
    attendance = Attendance.objects.select_related("session__program").get()

    assert (attendance.creditable_minutes, services.creditable_minutes(attendance, program)) == (0, 0)


def test_creditable_minutes_of_provisional_attendance_count_where_the_program_allows(
    noon, joined, clock, program
):
    program.provisional_attendance_earns_credit = True
    program.save()
    _after_the_end(clock)
    services.record_provisional_attendance()
    attendance = Attendance.objects.select_related("session__program").get()

    assert (attendance.creditable_minutes, services.creditable_minutes(attendance, program)) == (90, 90)


@pytest.mark.parametrize("source", ["roster", "report", "adjusted", "claim"])
def test_creditable_minutes_of_verified_attendance_are_its_minutes(
    past_session, participant, source, program
):
    attendance = AttendanceFactory(session=past_session, user=participant, minutes=75, source=source)

    assert services.creditable_minutes(attendance, program) == 75


# confirming


def test_confirm_provisional_attendance_of_one_member_verifies_that_row_only(
    noon, joined, clock, coordinator, program
):
    other = _member(program, "second@example.org")
    services.record_join(session=noon, user=other)
    _after_the_end(clock)
    services.record_provisional_attendance()

    confirmed = services.confirm_provisional_attendance(session=noon, by=coordinator, user_id=joined.user_id)

    assert confirmed == 1
    assert _rows(noon) == {
        "participant@example.org": (90, "join", True),
        "second@example.org": (90, "join", False),
    }
    change = AttendanceChange.objects.filter(changed_by=coordinator).get()
    assert (change.attendance.user_id, change.old_minutes, change.new_minutes, change.reason) == (
        joined.user_id,
        90,
        90,
        "Provisional attendance confirmed",
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.ATTENDANCE_CONFIRMED)
    assert (event.actor, event.program_id, event.extra) == (
        coordinator,
        program.pk,
        {"confirmed": 1, "user_id": joined.user_id},
    )


def test_confirm_provisional_attendance_of_all_right_after_the_end_includes_joins_not_yet_swept(
    noon, joined, clock, coordinator, program
):
    reported = _member(program, "reported@example.org")
    clock.move_to(START + timedelta(minutes=1), tick=False)
    services.adjust_attendance(session=noon, user=reported, minutes=80, reason="Phone", by=coordinator)
    _after_the_end(clock)

    confirmed = services.confirm_provisional_attendance(session=noon, by=coordinator)

    assert confirmed == 1
    assert _rows(noon) == {
        "participant@example.org": (90, "join", True),
        "reported@example.org": (80, "adjusted", True),
    }
    assert AuditEvent.objects.get(action=AuditEvent.Action.ATTENDANCE_CONFIRMED).extra == {"confirmed": 1}


def test_confirm_provisional_attendance_twice_confirms_nothing_more(noon, joined, clock, coordinator):
    _after_the_end(clock)
    services.confirm_provisional_attendance(session=noon, by=coordinator)

    assert services.confirm_provisional_attendance(session=noon, by=coordinator) == 0
    assert AttendanceChange.objects.filter(reason="Provisional attendance confirmed").count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE_CONFIRMED).count() == 1


def test_confirm_provisional_attendance_before_the_end_is_refused(noon, joined, clock, coordinator):
    clock.move_to(START + timedelta(minutes=30), tick=False)

    with pytest.raises(ValidationError) as caught:
        services.confirm_provisional_attendance(session=noon, by=coordinator)

    assert caught.value.messages == ["Provisional attendance can be confirmed once the session has ended."]
    assert Attendance.objects.count() == 0


# replaced by better evidence


def test_import_report_replaces_provisional_attendance_with_the_reported_minutes(
    noon, joined, clock, coordinator
):
    _after_the_end(clock)
    services.record_provisional_attendance()
    report = parse_zoom_report(
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "P,participant@example.org,11/25/2026 12:20:00 PM,11/25/2026 01:10:00 PM,50\n",
        zone=TORONTO,
    )

    participant_report.import_report(session=noon, report=report, chosen={}, by=coordinator)

    assert _rows(noon) == {"participant@example.org": (50, "report", True)}


def test_set_roster_unticking_provisional_attendance_sets_it_to_zero(noon, joined, clock, coordinator):
    _after_the_end(clock)
    services.record_provisional_attendance()

    changed = services.set_roster(session=noon, present_user_ids=[], by=coordinator)

    assert changed == 1
    assert _rows(noon) == {"participant@example.org": (0, "roster", True)}


def test_set_roster_keeps_ticked_provisional_attendance_provisional(
    noon, joined, clock, coordinator, participant
):
    _after_the_end(clock)
    services.record_provisional_attendance()

    changed = services.set_roster(session=noon, present_user_ids=[participant.pk], by=coordinator)

    assert changed == 0
    assert _rows(noon) == {"participant@example.org": (90, "join", False)}


def test_file_claim_over_provisional_minutes_is_filed(noon, joined, clock, participant):
    _after_the_end(clock)
    services.record_provisional_attendance()

    claim = services.file_claim(session=noon, user=participant, minutes=90)

    assert (claim.minutes, claim.status) == (90, AttendanceClaim.Status.PENDING)


def test_the_beat_sweep_records_provisional_attendance_once_the_session_ends(noon, joined, clock):
    _after_the_end(clock, minutes=3)

    result = sweep_due_messages_task()

    assert (result["provisional_attendance"], result["evaluation_requests"]) == (1, 1)
    assert _rows(noon) == {"participant@example.org": (90, "join", False)}
