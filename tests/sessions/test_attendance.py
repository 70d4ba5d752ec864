from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sessions import attendance as services
from sessions import participant_report
from sessions.models import (
    Attendance,
    AttendanceChange,
    AttendanceClaim,
    Enrollment,
    ReportAlias,
    Session,
    SessionJoin,
)
from sessions.zoom import ZoomReport, parse_zoom_report
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    PastSessionFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room\n"


def _member(program, **fields):
    return EnrollmentFactory(program=program, user=UserFactory(**fields)).user


def _report(session: Session, *rows: tuple[str, str, int]) -> ZoomReport:
    """A report whose rows of one person follow each other from the session's start."""
    start = session.starts_at
    zone, cursor, lines = session.program.zone, {}, []
    for name, email, minutes in rows:
        joined = cursor.get((email or name).lower(), start)
        cursor[(email or name).lower()] = left = joined + timedelta(minutes=minutes)
        times = [f"{t.astimezone(zone):%m/%d/%Y %I:%M:%S %p}" for t in (joined, left)]
        lines.append(f"{name},{email},{times[0]},{times[1]},{minutes},No,No\n")
    return parse_zoom_report(HEADER + "".join(lines), zone=zone)


@pytest.fixture
def past_session(program):
    """A 120-minute session that ended a week ago, on a whole second as report times are."""
    starts_at = (timezone.now() - timedelta(days=7)).replace(microsecond=0)
    return PastSessionFactory(program=program, title="Past session", starts_at=starts_at)


def _changes(session: Session) -> list[tuple[str, int, int, str, str]]:
    return [
        (c.attendance.user.email, c.old_minutes, c.new_minutes, c.source, c.reason_display)
        for c in AttendanceChange.objects.filter(attendance__session=session).order_by("pk")
    ]


def _minutes(session: Session) -> dict[str, tuple[int, str]]:
    return {a.user.email: (a.minutes, a.source) for a in Attendance.objects.filter(session=session)}


# join clicks: a time, never minutes


def test_record_join_13_minutes_before_the_start_keeps_the_time_and_counts_nothing(session, participant):
    now = session.starts_at - timedelta(minutes=13)

    join = services.record_join(session=session, user=participant, now=now)

    join.refresh_from_db()
    assert (join.session, join.user, join.joined_at) == (session, participant, now)
    assert (Attendance.objects.count(), AttendanceChange.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    "offset", [timedelta(minutes=-15, seconds=-1), timedelta(hours=2, seconds=1), timedelta(days=-1)]
)
def test_record_join_outside_the_window_records_nothing(session, participant, offset):
    with pytest.raises(ValidationError) as caught:
        services.record_join(session=session, user=participant, now=session.starts_at + offset)

    assert caught.value.messages == [
        "Join opens 15 minutes before the session starts and closes when it ends."
    ]
    assert (SessionJoin.objects.count(), Attendance.objects.count()) == (0, 0)


def test_record_join_of_a_cancelled_session_records_nothing(session, participant):
    session.status = Session.Status.CANCELLED
    session.save()

    with pytest.raises(ValidationError) as caught:
        services.record_join(session=session, user=participant, now=session.starts_at)

    assert caught.value.messages == ["This session is cancelled."]
    assert (SessionJoin.objects.count(), Attendance.objects.count()) == (0, 0)


def test_record_join_a_second_time_later_keeps_the_first_time(session, participant):
    first = session.starts_at + timedelta(minutes=5)
    services.record_join(session=session, user=participant, now=first)

    join = services.record_join(
        session=session, user=participant, now=session.starts_at + timedelta(minutes=60)
    )

    assert (SessionJoin.objects.count(), join.joined_at) == (1, first)


def test_record_join_after_a_report_notes_the_time_and_keeps_the_minutes(session, participant):
    AttendanceFactory(session=session, user=participant, minutes=70, source=Attendance.Source.REPORT)
    now = session.starts_at + timedelta(minutes=10)

    services.record_join(session=session, user=participant, now=now)

    attendance = Attendance.objects.get()
    assert (attendance.minutes, attendance.source, attendance.verified, attendance.joined_at) == (
        70,
        "report",
        True,
        now,
    )
    assert AttendanceChange.objects.count() == 0


# roster


def test_set_roster_gives_ticked_members_the_whole_session(past_session, coordinator, participant, program):
    other = _member(program, email="second@example.org")

    changed = services.set_roster(
        session=past_session, present_user_ids=[participant.pk, other.pk], by=coordinator
    )

    assert changed == 2
    assert _minutes(past_session) == {
        "participant@example.org": (120, "roster"),
        "second@example.org": (120, "roster"),
    }
    assert sorted(_changes(past_session)) == [
        ("participant@example.org", 0, 120, "roster", "Ticked on the roster"),
        ("second@example.org", 0, 120, "roster", "Ticked on the roster"),
    ]
    assert {c.changed_by for c in AttendanceChange.objects.all()} == {coordinator}


def test_set_roster_with_a_non_member_stores_nothing(
    past_session, coordinator, participant, outsider, pending_user
):
    declined = EnrollmentFactory(program=past_session.program, status=Enrollment.Status.DECLINED).user
    for stranger in (outsider, pending_user, declined):
        with pytest.raises(ValidationError) as caught:
            services.set_roster(
                session=past_session, present_user_ids=[participant.pk, stranger.pk], by=coordinator
            )

        assert caught.value.messages == ["Some ticked people are not members of this program."]
    assert (Attendance.objects.count(), AttendanceChange.objects.count()) == (0, 0)


def test_set_roster_keeps_a_reported_number_of_a_ticked_member(past_session, coordinator, participant):
    AttendanceFactory(session=past_session, user=participant, minutes=70, source=Attendance.Source.REPORT)

    changed = services.set_roster(session=past_session, present_user_ids=[participant.pk], by=coordinator)

    assert changed == 0
    assert _minutes(past_session) == {"participant@example.org": (70, "report")}


def test_set_roster_untick_sets_roster_minutes_to_zero_and_keeps_other_sources(
    past_session, coordinator, participant, program
):
    reported = _member(program, email="reported@example.org")
    AttendanceFactory(session=past_session, user=reported, minutes=70, source=Attendance.Source.REPORT)
    services.set_roster(session=past_session, present_user_ids=[participant.pk], by=coordinator)

    changed = services.set_roster(session=past_session, present_user_ids=[], by=coordinator)

    assert changed == 1
    assert _minutes(past_session) == {
        "participant@example.org": (0, "roster"),
        "reported@example.org": (70, "report"),
    }
    assert _changes(past_session)[-1] == (
        "participant@example.org",
        120,
        0,
        "roster",
        "Unticked on the roster",
    )


def test_set_roster_saved_twice_changes_nothing_the_second_time(
    past_session, coordinator, participant, program
):
    unticked = _member(program, email="unticked@example.org")
    services.set_roster(session=past_session, present_user_ids=[participant.pk, unticked.pk], by=coordinator)
    services.set_roster(session=past_session, present_user_ids=[participant.pk], by=coordinator)
    changes = _changes(past_session)

    changed = services.set_roster(session=past_session, present_user_ids=[participant.pk], by=coordinator)

    assert changed == 0
    assert _changes(past_session) == changes
    assert _minutes(past_session) == {
        "participant@example.org": (120, "roster"),
        "unticked@example.org": (0, "roster"),
    }


def test_set_roster_ticking_again_after_an_untick_gives_the_whole_session(
    past_session, coordinator, participant
):
    services.set_roster(session=past_session, present_user_ids=[participant.pk], by=coordinator)
    services.set_roster(session=past_session, present_user_ids=[], by=coordinator)

    changed = services.set_roster(session=past_session, present_user_ids=[participant.pk], by=coordinator)

    assert changed == 1
    assert _minutes(past_session) == {"participant@example.org": (120, "roster")}


# participant reports


def test_match_report_matches_emails_in_any_case_and_lists_the_unmatched(past_session, program):
    ravi = _member(program, email="R.Singh@Example.org", full_name="Ravi Singh")
    report = _report(
        past_session,
        ("Ravi Singh", "r.singh@EXAMPLE.org", 40),
        ("Louise Gagnon - Hearst CHC", "", 88),
        ("Stranger", "stranger@example.org", 30),
    )

    matches = participant_report.match_report(session=past_session, report=report)

    assert [(m.person.name, m.person.minutes, m.user, m.how) for m in matches] == [
        ("Ravi Singh", 40, ravi, "email"),
        ("Louise Gagnon - Hearst CHC", 88, None, ""),
        ("Stranger", 30, None, ""),
    ]


def test_match_report_ignores_emails_of_people_outside_the_program(past_session, pending_user, outsider):
    report = _report(
        past_session, ("Pending", "pending@example.org", 90), ("Outsider", "outsider@example.org", 90)
    )

    matches = participant_report.match_report(session=past_session, report=report)

    assert [(m.user, m.how) for m in matches] == [(None, ""), (None, "")]


def test_import_report_sums_the_rows_of_each_person(past_session, coordinator, program):
    _member(program, email="r.singh@example.org")
    _member(program, email="m.tremblay@example.org")
    report = _report(
        past_session,
        ("Ravi Singh", "r.singh@example.org", 40),
        ("Marie Tremblay", "m.tremblay@example.org", 34),
        ("ravi singh", "R.Singh@example.org", 46),
        ("Marie Tremblay", "m.tremblay@example.org", 25),
    )

    result = participant_report.import_report(
        session=past_session, report=report, chosen={}, by=coordinator, filename="p.csv"
    )

    assert (result["stored"], result["kept"], result["unmatched"]) == (2, 0, [])
    assert _minutes(past_session) == {
        "r.singh@example.org": (86, "report"),
        "m.tremblay@example.org": (59, "report"),
    }
    assert sorted(_changes(past_session)) == [
        ("m.tremblay@example.org", 0, 59, "report", "Imported p.csv"),
        ("r.singh@example.org", 0, 86, "report", "Imported p.csv"),
    ]


def test_import_report_caps_minutes_at_the_session_length(past_session, coordinator, participant):
    report = _report(
        past_session, ("P", "participant@example.org", 100), ("P", "participant@example.org", 45)
    )

    participant_report.import_report(session=past_session, report=report, chosen={}, by=coordinator)

    assert _minutes(past_session) == {"participant@example.org": (120, "report")}


def test_import_report_leaves_the_unmatched_out(past_session, coordinator, participant):
    report = _report(past_session, ("P", "participant@example.org", 90), ("Louise Gagnon", "", 88))

    result = participant_report.import_report(session=past_session, report=report, chosen={}, by=coordinator)

    assert [(p.name, p.minutes) for p in result["unmatched"]] == [("Louise Gagnon", 88)]
    assert _minutes(past_session) == {"participant@example.org": (90, "report")}
    assert ReportAlias.objects.count() == 0


def test_import_report_remembers_a_chosen_match_for_later_imports(
    past_session, coordinator, participant, program
):
    report = _report(past_session, ("Louise Gagnon - Hearst CHC", "", 88))
    key = report.people[0].key

    participant_report.import_report(
        session=past_session, report=report, chosen={key: participant.pk}, by=coordinator
    )

    alias = ReportAlias.objects.get()
    assert (alias.program, alias.key, alias.user, alias.created_by) == (
        program,
        "name:louise gagnon - hearst chc",
        participant,
        coordinator,
    )
    later = SessionFactory(program=program, starts_at=past_session.starts_at + timedelta(days=1))
    later_report = _report(later, ("LOUISE  Gagnon - Hearst CHC", "", 75))
    matches = participant_report.match_report(session=later, report=later_report)
    assert [(m.user, m.how) for m in matches] == [(participant, "remembered")]
    participant_report.import_report(session=later, report=later_report, chosen={}, by=coordinator)
    assert _minutes(later) == {"participant@example.org": (75, "report")}


def test_import_report_remembers_matches_per_program(past_session, coordinator, participant, other_program):
    report = _report(past_session, ("Louise Gagnon", "", 88))
    participant_report.import_report(
        session=past_session, report=report, chosen={report.people[0].key: participant.pk}, by=coordinator
    )
    EnrollmentFactory(program=other_program, user=participant)
    elsewhere = SessionFactory(program=other_program)

    matches = participant_report.match_report(
        session=elsewhere, report=_report(elsewhere, ("Louise Gagnon", "", 88))
    )

    assert [(m.user, m.how) for m in matches] == [(None, "")]


def test_import_report_ignores_a_chosen_non_member(past_session, coordinator, outsider):
    report = _report(past_session, ("Louise Gagnon", "", 88))

    result = participant_report.import_report(
        session=past_session, report=report, chosen={report.people[0].key: outsider.pk}, by=coordinator
    )

    assert (result["stored"], len(result["unmatched"])) == (0, 1)
    assert (Attendance.objects.count(), ReportAlias.objects.count()) == (0, 0)


def test_import_report_twice_changes_nothing(past_session, coordinator, participant, program):
    _member(program, email="r.singh@example.org")
    report = _report(
        past_session,
        ("P", "participant@example.org", 90),
        ("Ravi Singh", "r.singh@example.org", 40),
        ("Ravi Singh", "r.singh@example.org", 46),
        ("Louise Gagnon", "", 88),
    )
    chosen = {report.people[2].key: participant.pk}
    participant_report.import_report(session=past_session, report=report, chosen=chosen, by=coordinator)
    minutes, changes = _minutes(past_session), _changes(past_session)

    participant_report.import_report(session=past_session, report=report, chosen=chosen, by=coordinator)

    assert (
        _minutes(past_session)
        == minutes
        == {
            # Louise's 88 minutes were at the same time as the participant's 90: counted once.
            "participant@example.org": (90, "report"),
            "r.singh@example.org": (86, "report"),
        }
    )
    assert _changes(past_session) == changes
    assert (AttendanceChange.objects.count(), ReportAlias.objects.count()) == (2, 1)


def test_import_report_replaces_join_and_roster_estimates(past_session, coordinator, participant, program):
    ticked = _member(program, email="ticked@example.org")
    AttendanceFactory(session=past_session, user=participant, minutes=120, source=Attendance.Source.JOIN)
    AttendanceFactory(session=past_session, user=ticked, minutes=120, source=Attendance.Source.ROSTER)
    report = _report(past_session, ("P", "participant@example.org", 60), ("T", "ticked@example.org", 95))

    participant_report.import_report(session=past_session, report=report, chosen={}, by=coordinator)

    assert _minutes(past_session) == {
        "participant@example.org": (60, "report"),
        "ticked@example.org": (95, "report"),
    }


def test_import_report_keeps_adjusted_and_claimed_minutes(past_session, coordinator, participant, program):
    claimant = _member(program, email="claimant@example.org")
    services.adjust_attendance(
        session=past_session, user=participant, minutes=100, reason="Phone", by=coordinator
    )
    claim = services.file_claim(session=past_session, user=claimant, minutes=110)
    services.decide_claim(claim=claim, approve=True, by=coordinator)
    changes = _changes(past_session)
    report = _report(past_session, ("P", "participant@example.org", 30), ("C", "claimant@example.org", 20))

    result = participant_report.import_report(session=past_session, report=report, chosen={}, by=coordinator)

    assert (result["stored"], result["kept"]) == (0, 2)
    assert _minutes(past_session) == {
        "participant@example.org": (100, "adjusted"),
        "claimant@example.org": (110, "claim"),
    }
    assert _changes(past_session) == changes


def test_import_report_of_a_cancelled_session_stores_nothing(past_session, coordinator, participant):
    past_session.status = Session.Status.CANCELLED
    past_session.save()

    with pytest.raises(ValidationError) as caught:
        participant_report.import_report(
            session=past_session,
            report=_report(past_session, ("P", "participant@example.org", 90)),
            chosen={},
            by=coordinator,
        )

    assert caught.value.messages == ["This session is cancelled: there is no attendance to import."]
    assert Attendance.objects.count() == 0


# adjustments


def test_adjust_attendance_keeps_who_when_and_why(past_session, coordinator, participant):
    AttendanceFactory(session=past_session, user=participant, minutes=60, source=Attendance.Source.REPORT)
    before = timezone.now()

    attendance = services.adjust_attendance(
        session=past_session,
        user=participant,
        minutes=105,
        reason="  Joined by phone at 12:15  ",
        by=coordinator,
    )

    attendance.refresh_from_db()
    change = AttendanceChange.objects.get()
    assert (attendance.minutes, attendance.source) == (105, Attendance.Source.ADJUSTED)
    assert (
        change.attendance,
        change.changed_by,
        change.old_minutes,
        change.new_minutes,
        change.source,
        change.reason,
    ) == (
        attendance,
        coordinator,
        60,
        105,
        Attendance.Source.ADJUSTED,
        "Joined by phone at 12:15",
    )
    assert before <= change.changed_at <= timezone.now()


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_adjust_attendance_without_a_reason_stores_nothing(past_session, coordinator, participant, reason):
    with pytest.raises(ValidationError) as caught:
        services.adjust_attendance(
            session=past_session, user=participant, minutes=90, reason=reason, by=coordinator
        )

    assert caught.value.message_dict == {
        "reason": ["Say why you change the attendance: accreditation audits ask."]
    }
    assert (Attendance.objects.count(), AttendanceChange.objects.count()) == (0, 0)


@pytest.mark.parametrize("minutes", [-1, 121, 1441])
def test_adjust_attendance_refuses_minutes_outside_the_session(
    past_session, coordinator, participant, minutes
):
    with pytest.raises(ValidationError) as caught:
        services.adjust_attendance(
            session=past_session, user=participant, minutes=minutes, reason="Typo", by=coordinator
        )

    assert caught.value.message_dict == {
        "minutes": ["Give 0 to 120 minutes: the session lasted 120 minutes."]
    }
    assert Attendance.objects.count() == 0


def test_adjust_attendance_of_a_non_member_stores_nothing(past_session, coordinator, pending_user):
    with pytest.raises(ValidationError) as caught:
        services.adjust_attendance(
            session=past_session, user=pending_user, minutes=90, reason="Phone", by=coordinator
        )

    assert caught.value.messages == ["This person is not a member of the program."]
    assert Attendance.objects.count() == 0


def test_adjust_attendance_to_the_same_number_adds_no_change(past_session, coordinator, participant):
    services.adjust_attendance(
        session=past_session, user=participant, minutes=90, reason="Phone", by=coordinator
    )

    services.adjust_attendance(
        session=past_session, user=participant, minutes=90, reason="Phone again", by=coordinator
    )

    assert _changes(past_session) == [("participant@example.org", 0, 90, "adjusted", "Phone")]


# "I attended" requests


def test_file_claim_creates_a_pending_request(past_session, participant):
    claim = services.file_claim(session=past_session, user=participant, minutes=100, note=" By phone ")

    claim.refresh_from_db()
    assert (claim.session, claim.user, claim.minutes, claim.note, claim.status) == (
        past_session,
        participant,
        100,
        "By phone",
        AttendanceClaim.Status.PENDING,
    )
    assert Attendance.objects.count() == 0


def test_file_claim_again_while_pending_updates_the_request(past_session, participant):
    services.file_claim(session=past_session, user=participant, minutes=100)

    services.file_claim(session=past_session, user=participant, minutes=110, note="Whole session")

    claim = AttendanceClaim.objects.get()
    assert (claim.minutes, claim.note) == (110, "Whole session")


def test_file_claim_before_the_session_ends_is_refused(session, participant):
    with pytest.raises(ValidationError) as caught:
        services.file_claim(session=session, user=participant, minutes=100)

    assert caught.value.messages == ["You can say you attended once the session has ended."]
    assert AttendanceClaim.objects.count() == 0


@pytest.mark.parametrize("minutes", [0, 121])
def test_file_claim_with_minutes_outside_the_session_is_refused(past_session, participant, minutes):
    with pytest.raises(ValidationError) as caught:
        services.file_claim(session=past_session, user=participant, minutes=minutes)

    assert caught.value.message_dict == {"minutes": ["Give the minutes you attended, from 1 to 120."]}


def test_file_claim_for_fewer_minutes_than_counted_is_refused(past_session, participant):
    AttendanceFactory(session=past_session, user=participant, minutes=95)

    with pytest.raises(ValidationError) as caught:
        services.file_claim(session=past_session, user=participant, minutes=95)

    assert caught.value.messages == ["You are already counted for 95 minutes."]


def test_file_claim_after_a_decision_is_refused(past_session, participant, coordinator):
    claim = services.file_claim(session=past_session, user=participant, minutes=100)
    services.decide_claim(claim=claim, approve=False, by=coordinator)

    with pytest.raises(ValidationError) as caught:
        services.file_claim(session=past_session, user=participant, minutes=110)

    assert caught.value.messages == ["A coordinator has already decided your request for this session."]


def test_decide_claim_approved_sets_the_minutes_with_source_claim(past_session, participant, coordinator):
    AttendanceFactory(session=past_session, user=participant, minutes=40, source=Attendance.Source.REPORT)
    claim = services.file_claim(session=past_session, user=participant, minutes=100)

    services.decide_claim(claim=claim, approve=True, by=coordinator, note=" Seen on the phone line ")

    claim.refresh_from_db()
    assert (claim.status, claim.decided_by, claim.decision_note) == (
        "approved",
        coordinator,
        "Seen on the phone line",
    )
    assert claim.decided_at is not None
    assert _minutes(past_session) == {"participant@example.org": (100, "claim")}
    assert _changes(past_session) == [
        ("participant@example.org", 40, 100, "claim", "“I attended” request approved: Seen on the phone line")
    ]
    assert AttendanceChange.objects.get().changed_by == coordinator


def test_decide_claim_declined_leaves_attendance_alone(past_session, participant, coordinator):
    claim = services.file_claim(session=past_session, user=participant, minutes=100)

    services.decide_claim(claim=claim, approve=False, by=coordinator)

    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (AttendanceClaim.Status.DECLINED, coordinator)
    assert (Attendance.objects.count(), AttendanceChange.objects.count()) == (0, 0)


def test_decide_claim_twice_keeps_the_first_decision(past_session, participant, coordinator):
    claim = services.file_claim(session=past_session, user=participant, minutes=100)
    services.decide_claim(claim=claim, approve=False, by=coordinator)

    services.decide_claim(claim=claim, approve=True, by=coordinator)

    claim.refresh_from_db()
    assert claim.status == AttendanceClaim.Status.DECLINED
    assert Attendance.objects.count() == 0
