"""The time rules of attendance, whatever path records it: only for sessions that have
started, never more than the session's length, never time outside the session."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from sessions import attendance as services
from sessions import participant_report
from sessions.models import Attendance, AttendanceChange
from sessions.zoom import ZoomReport, parse_zoom_report
from tests.factories import AttendanceClaimFactory, EnrollmentFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
# Wed 25 Nov 2026, 12:00–13:30 EST: the session of the Zoom samples.
START = datetime(2026, 11, 25, 12, 0, tzinfo=TORONTO)
END = START + timedelta(minutes=90)
HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room\n"
NOT_STARTED = (
    "This session starts Wed 25 Nov 2026, 12:00 EST: attendance can be recorded once it has started."
)


@pytest.fixture
def clock(time_machine):
    """Three months before the session; tests move it on."""
    time_machine.move_to(START - timedelta(days=90), tick=False)
    return time_machine


@pytest.fixture
def noon(program, clock):
    return SessionFactory(program=program, title="Session 2", starts_at=START, ends_at=END)


def _member(program, email: str):
    return EnrollmentFactory(program=program, user=UserFactory(email=email)).user


def _row(name: str, email: str, join: str, leave: str, minutes: int) -> str:
    return f"{name},{email},11/25/2026 {join},11/25/2026 {leave},{minutes},No,No\n"


def _report(*rows: str) -> ZoomReport:
    return parse_zoom_report(HEADER + "".join(rows), zone=TORONTO)


def _stored(session) -> dict[str, tuple[int, str, bool]]:
    return {
        a.user.email: (a.minutes, a.source, a.verified)
        for a in Attendance.objects.filter(session=session).select_related("user")
    }


# before the start: nothing is recorded, whatever the path


def test_set_roster_of_a_session_months_away_stores_nothing(noon, coordinator, participant):
    with pytest.raises(ValidationError) as caught:
        services.set_roster(session=noon, present_user_ids=[participant.pk], by=coordinator)

    assert caught.value.messages == [NOT_STARTED]
    assert (Attendance.objects.count(), AttendanceChange.objects.count()) == (0, 0)


def test_set_roster_a_minute_before_the_start_stores_nothing(noon, coordinator, participant, clock):
    clock.move_to(START - timedelta(minutes=1), tick=False)

    with pytest.raises(ValidationError) as caught:
        services.set_roster(session=noon, present_user_ids=[participant.pk], by=coordinator)

    assert caught.value.messages == [NOT_STARTED]
    assert Attendance.objects.count() == 0


def test_set_roster_once_the_session_has_started_stores_the_tick(noon, coordinator, participant, clock):
    clock.move_to(START, tick=False)

    services.set_roster(session=noon, present_user_ids=[participant.pk], by=coordinator)

    assert _stored(noon) == {"participant@example.org": (90, "roster", True)}


def test_adjust_attendance_before_the_start_stores_nothing(noon, coordinator, participant):
    with pytest.raises(ValidationError) as caught:
        services.adjust_attendance(session=noon, user=participant, minutes=60, reason="Phone", by=coordinator)

    assert caught.value.messages == [NOT_STARTED]
    assert Attendance.objects.count() == 0


def test_import_report_before_the_start_stores_nothing(noon, coordinator, participant):
    report = _report(_row("P", "participant@example.org", "12:00:00 PM", "01:30:00 PM", 90))

    with pytest.raises(ValidationError) as caught:
        participant_report.import_report(session=noon, report=report, chosen={}, by=coordinator)

    assert caught.value.messages == [NOT_STARTED]
    assert Attendance.objects.count() == 0


def test_decide_claim_of_a_session_moved_to_the_future_stores_nothing(noon, coordinator, participant, clock):
    claim = AttendanceClaimFactory(session=noon, user=participant, minutes=60)

    with pytest.raises(ValidationError) as caught:
        services.decide_claim(claim=claim, approve=True, by=coordinator)

    claim.refresh_from_db()
    assert caught.value.messages == [NOT_STARTED]
    assert (claim.status, Attendance.objects.count()) == ("pending", 0)


# never more than the session


def test_adjust_attendance_above_the_session_length_stores_nothing(noon, coordinator, participant, clock):
    clock.move_to(END + timedelta(days=1), tick=False)

    with pytest.raises(ValidationError) as caught:
        services.adjust_attendance(session=noon, user=participant, minutes=91, reason="Phone", by=coordinator)

    assert caught.value.message_dict == {"minutes": ["Give 0 to 90 minutes: the session lasted 90 minutes."]}
    assert Attendance.objects.count() == 0


def test_adjust_attendance_to_the_whole_session_is_stored(noon, coordinator, participant, clock):
    clock.move_to(END + timedelta(days=1), tick=False)

    services.adjust_attendance(session=noon, user=participant, minutes=90, reason="Phone", by=coordinator)

    assert _stored(noon) == {"participant@example.org": (90, "adjusted", True)}


# participant reports: intervals merged per person and clipped to the session


def test_import_report_counts_two_devices_at_once_once(noon, coordinator, participant, clock):
    clock.move_to(END + timedelta(days=1), tick=False)
    report = _report(
        _row("P laptop", "participant@example.org", "12:00:00 PM", "01:00:00 PM", 60),
        _row("P phone", "participant@example.org", "12:15:00 PM", "12:45:00 PM", 30),
    )

    participant_report.import_report(session=noon, report=report, chosen={}, by=coordinator)

    assert _stored(noon) == {"participant@example.org": (60, "report", True)}


def test_import_report_counts_a_device_matched_by_name_with_the_same_person(
    noon, coordinator, participant, clock
):
    clock.move_to(END + timedelta(days=1), tick=False)
    report = _report(
        _row("P laptop", "participant@example.org", "12:00:00 PM", "01:00:00 PM", 60),
        _row("iPhone de P", "", "12:15:00 PM", "01:10:00 PM", 55),
    )
    phone = report.people[1].key

    participant_report.import_report(
        session=noon, report=report, chosen={phone: participant.pk}, by=coordinator
    )

    assert _stored(noon) == {"participant@example.org": (70, "report", True)}


def test_import_report_adds_up_rejoins(noon, coordinator, participant, clock):
    clock.move_to(END + timedelta(days=1), tick=False)
    report = _report(
        _row("P", "participant@example.org", "12:00:00 PM", "12:30:00 PM", 30),
        _row("P", "participant@example.org", "12:40:00 PM", "01:10:00 PM", 30),
    )

    participant_report.import_report(session=noon, report=report, chosen={}, by=coordinator)

    assert _stored(noon) == {"participant@example.org": (60, "report", True)}


def test_import_report_leaves_out_time_before_the_start_and_after_the_end(
    noon, coordinator, participant, clock
):
    clock.move_to(END + timedelta(days=1), tick=False)
    report = _report(
        _row("P", "participant@example.org", "11:40:00 AM", "12:30:00 PM", 50),
        _row("P", "participant@example.org", "01:20:00 PM", "01:54:00 PM", 34),
    )

    participant_report.import_report(session=noon, report=report, chosen={}, by=coordinator)

    assert _stored(noon) == {"participant@example.org": (40, "report", True)}


def test_import_report_counts_whole_minutes_only(noon, coordinator, participant, clock):
    clock.move_to(END + timedelta(days=1), tick=False)
    report = _report(_row("P", "participant@example.org", "12:00:10 PM", "12:45:09 PM", 45))

    participant_report.import_report(session=noon, report=report, chosen={}, by=coordinator)

    assert _stored(noon) == {"participant@example.org": (44, "report", True)}


# the preview is what is stored


def test_preview_report_gives_the_minutes_share_and_threshold_that_import_stores(
    noon, coordinator, participant, program, clock
):
    clock.move_to(END + timedelta(days=1), tick=False)
    second = _member(program, "second@example.org")
    report = _report(
        _row("P laptop", "participant@example.org", "11:50:00 AM", "01:00:00 PM", 70),
        _row("P phone", "participant@example.org", "12:15:00 PM", "12:49:00 PM", 34),
        _row("S", "second@example.org", "12:00:00 PM", "01:40:00 PM", 100),
    )

    preview = participant_report.preview_report(session=noon, report=report)
    participant_report.import_report(session=noon, report=report, chosen={}, by=coordinator)

    assert preview.needed_minutes == 68
    assert [(o.user, o.minutes, o.percent, o.meets_threshold, o.kept) for o in preview.outcomes] == [
        (participant, 60, 66, False, False),
        (second, 90, 100, True, False),
    ]
    assert {email: minutes for email, (minutes, _, _) in _stored(noon).items()} == {
        o.user.email: o.minutes for o in preview.outcomes
    }
    assert Attendance.objects.count() == 2


def test_preview_report_shows_adjusted_minutes_as_kept(noon, coordinator, participant, clock):
    clock.move_to(END + timedelta(days=1), tick=False)
    services.adjust_attendance(session=noon, user=participant, minutes=80, reason="Phone", by=coordinator)
    report = _report(_row("P", "participant@example.org", "12:00:00 PM", "12:30:00 PM", 30))

    [outcome] = participant_report.preview_report(session=noon, report=report).outcomes

    assert (outcome.minutes, outcome.percent, outcome.meets_threshold, outcome.kept) == (80, 88, True, True)


def test_import_report_of_another_day_stores_nothing(noon, coordinator, participant, clock):
    clock.move_to(END + timedelta(days=1), tick=False)
    report = parse_zoom_report(
        HEADER + "P,participant@example.org,11/18/2026 12:00 PM,11/18/2026 01:30 PM,90,No,No\n", zone=TORONTO
    )

    with pytest.raises(ValidationError) as caught:
        participant_report.import_report(session=noon, report=report, chosen={}, by=coordinator)

    assert caught.value.messages == [
        "No time in this report falls within the session (Wed 25 Nov 2026, 12:00–13:30 EST): "
        "it is the report of another meeting or day. Upload the participants report of this session."
    ]
    assert Attendance.objects.count() == 0


def test_import_report_with_rows_lacking_times_names_the_lines(noon, coordinator, participant, clock):
    clock.move_to(END + timedelta(days=1), tick=False)
    report = parse_zoom_report(
        HEADER
        + "P,participant@example.org,11/25/2026 12:00 PM,11/25/2026 12:30 PM,30,No,No\n"
        + "P,participant@example.org,,11/25/2026 01:00 PM,20,No,No\n"
        + "P,participant@example.org,11/25/2026 01:05 PM,,20,No,No\n",
        zone=TORONTO,
    )

    with pytest.raises(ValidationError) as caught:
        participant_report.import_report(session=noon, report=report, chosen={}, by=coordinator)

    assert caught.value.messages == [
        "Lines 3, 4 of the report lack a join or a leave time: only time within the session counts, "
        "so each row needs both. Fill them in or export the report from Zoom again."
    ]
    assert Attendance.objects.count() == 0


def test_import_report_without_any_times_is_refused(noon, coordinator, participant, clock):
    clock.move_to(END + timedelta(days=1), tick=False)
    report = parse_zoom_report(
        "Name (Original Name),User Email,Total Duration (Minutes)\nP,participant@example.org,90\n",
        zone=TORONTO,
    )

    with pytest.raises(ValidationError) as caught:
        participant_report.import_report(session=noon, report=report, chosen={}, by=coordinator)

    assert caught.value.messages == [participant_report.NO_TIMES]
