import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from echo_hub.accounts.models import Profession, User
from sessions import services
from sessions.models import Enrollment, Role, Session
from sessions.roster import RosterRow
from tests.factories import (
    CycleFactory,
    SessionFactory,
)

TORONTO = ZoneInfo("America/Toronto")


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _before_the_2026_series(time_machine):
    """The series below start in the fall of 2026: schedule them from the summer before."""
    time_machine.move_to(_utc(2026, 6, 1, 12, 0))


# schedule_weekly


@pytest.mark.django_db
def test_schedule_weekly_keeps_local_noon_across_the_fall_dst_change(program):
    sessions = services.schedule_weekly(
        program=program, first_date=date(2026, 10, 21), start_time=time(12, 0), count=3
    )

    assert [s.starts_at for s in sessions] == [
        _utc(2026, 10, 21, 16, 0),
        _utc(2026, 10, 28, 16, 0),
        _utc(2026, 11, 4, 17, 0),
    ]
    assert [s.ends_at - s.starts_at for s in sessions] == [timedelta(minutes=120)] * 3


@pytest.mark.django_db
def test_schedule_weekly_keeps_the_weekday_and_local_time(program):
    sessions = services.schedule_weekly(
        program=program, first_date=date(2027, 2, 24), start_time=time(12, 0), count=6
    )

    local = [s.starts_at.astimezone(TORONTO) for s in sessions]
    assert {when.weekday() for when in local} == {2}
    assert {when.time() for when in local} == {time(12, 0)}
    assert [when.date() for when in local] == [date(2027, 2, 24) + timedelta(weeks=n) for n in range(6)]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, -1, 53])
def test_schedule_weekly_refuses_count_outside_1_to_52(program, count):
    with pytest.raises(ValidationError) as caught:
        services.schedule_weekly(
            program=program, first_date=date(2026, 10, 21), start_time=time(12), count=count
        )

    assert caught.value.messages == ["Schedule between 1 and 52 sessions at a time."]
    assert Session.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 52])
def test_schedule_weekly_accepts_count_at_the_bounds(program, count):
    sessions = services.schedule_weekly(
        program=program, first_date=date(2026, 10, 21), start_time=time(12), count=count
    )

    assert len(sessions) == count
    assert Session.objects.filter(program=program).count() == count


@pytest.mark.django_db
def test_schedule_weekly_skip_dates_push_the_series_longer(program):
    sessions = services.schedule_weekly(
        program=program,
        first_date=date(2026, 12, 9),
        start_time=time(12, 0),
        count=3,
        skip_dates=[date(2026, 12, 23), date(2026, 12, 30)],
    )

    assert [s.starts_at.astimezone(TORONTO).date() for s in sessions] == [
        date(2026, 12, 9),
        date(2026, 12, 16),
        date(2027, 1, 6),
    ]
    skipped = [s.starts_at.astimezone(TORONTO).date() for s in Session.objects.filter(program=program)]
    assert date(2026, 12, 23) not in skipped
    assert date(2026, 12, 30) not in skipped


@pytest.mark.django_db
def test_schedule_weekly_uses_the_given_duration(program):
    sessions = services.schedule_weekly(
        program=program, first_date=date(2026, 12, 9), start_time=time(12), count=1, duration_minutes=90
    )

    assert sessions[0].ends_at == _utc(2026, 12, 9, 18, 30)
    assert sessions[0].join_url == program.default_join_url
    assert sessions[0].case_slots == program.case_slots_per_session


@pytest.mark.django_db
def test_schedule_weekly_continues_numbering_within_a_cycle(program):
    cycle = CycleFactory(program=program, name="Fall 2026")
    other_cycle = CycleFactory(program=program, name="Winter 2027")
    services.schedule_weekly(
        program=program, cycle=cycle, first_date=date(2026, 9, 2), start_time=time(12), count=2
    )

    more = services.schedule_weekly(
        program=program, cycle=cycle, first_date=date(2026, 9, 16), start_time=time(12), count=2
    )
    fresh = services.schedule_weekly(
        program=program, cycle=other_cycle, first_date=date(2027, 1, 6), start_time=time(12), count=1
    )

    assert [(s.number, s.title) for s in more] == [(3, "Session 3"), (4, "Session 4")]
    assert [(s.number, s.title) for s in fresh] == [(1, "Session 1")]
    assert list(cycle.sessions.order_by("starts_at").values_list("number", flat=True)) == [1, 2, 3, 4]


@pytest.mark.django_db
def test_schedule_weekly_refuses_a_cycle_of_another_program(program, other_program):
    foreign_cycle = CycleFactory(program=other_program)

    with pytest.raises(ValidationError) as caught:
        services.schedule_weekly(
            program=program, cycle=foreign_cycle, first_date=date(2026, 9, 2), start_time=time(12), count=2
        )

    assert caught.value.messages == ["That cycle belongs to another program."]
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_schedule_weekly_refuses_a_clash_and_saves_nothing(program):
    SessionFactory(program=program, starts_at=_utc(2026, 11, 4, 17, 0))
    before = Session.objects.count()

    with pytest.raises(ValidationError) as caught:
        services.schedule_weekly(program=program, first_date=date(2026, 10, 21), start_time=time(12), count=4)

    assert caught.value.messages == ["This program already has a session at Wed 4 Nov 2026 12:00."]
    assert Session.objects.count() == before


@pytest.mark.django_db
def test_schedule_weekly_allows_the_same_time_in_another_program(program, other_program):
    SessionFactory(program=other_program, starts_at=_utc(2026, 11, 4, 17, 0))

    sessions = services.schedule_weekly(
        program=program, first_date=date(2026, 11, 4), start_time=time(12), count=1
    )

    assert [s.starts_at for s in sessions] == [_utc(2026, 11, 4, 17, 0)]


@pytest.mark.django_db
def test_schedule_weekly_refuses_a_time_in_the_spring_forward_gap(program):
    with pytest.raises(ValidationError) as caught:
        services.schedule_weekly(
            program=program, first_date=date(2027, 3, 14), start_time=time(2, 30), count=1
        )

    assert caught.value.messages == [
        "02:30 on Sunday 14 March 2027 does not exist in America/Toronto: the clocks spring forward "
        "that night. Choose a time outside the change, for example an hour later."
    ]
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_schedule_weekly_refuses_a_time_in_the_fall_back_fold(program):
    with pytest.raises(ValidationError) as caught:
        services.schedule_weekly(
            program=program, first_date=date(2026, 11, 1), start_time=time(1, 30), count=1
        )

    assert caught.value.messages == [
        "01:30 on Sunday 1 November 2026 happens twice in America/Toronto: the clocks fall back that night. "
        "Choose a time outside the change."
    ]
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_schedule_weekly_names_only_the_dst_date_of_a_longer_series(program):
    with pytest.raises(ValidationError) as caught:
        services.schedule_weekly(
            program=program, first_date=date(2027, 3, 7), start_time=time(2, 30), count=3
        )

    assert len(caught.value.messages) == 1
    assert caught.value.messages[0].startswith("02:30 on Sunday 14 March 2027 does not exist")
    assert Session.objects.count() == 0


# update_session, cancel_session, reschedule_session


@pytest.mark.django_db
def test_update_session_bumps_sequence_on_a_real_change(session):
    services.update_session(session=session, title="Opioid tapering in practice", case_slots=2)

    session.refresh_from_db()
    assert (session.title, session.case_slots, session.sequence) == ("Opioid tapering in practice", 2, 1)


@pytest.mark.django_db
def test_update_session_keeps_sequence_when_nothing_changes(session):
    updated_at = session.updated_at

    services.update_session(session=session, title=session.title, case_slots=session.case_slots)

    session.refresh_from_db()
    assert session.sequence == 0
    assert session.updated_at == updated_at


@pytest.mark.django_db
def test_update_session_bumps_sequence_once_per_change(session):
    services.update_session(session=session, title="First title")
    services.update_session(session=session, title="First title")
    services.update_session(session=session, title="Second title")

    session.refresh_from_db()
    assert (session.title, session.sequence) == ("Second title", 2)


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_cancel_session_requires_a_reason(session, reason):
    with pytest.raises(ValidationError) as caught:
        services.cancel_session(session=session, reason=reason)

    assert caught.value.message_dict == {
        "reason": ["Say why the session is cancelled; members will read it."]
    }
    session.refresh_from_db()
    assert (session.status, session.sequence) == (Session.Status.SCHEDULED, 0)


@pytest.mark.django_db
def test_cancel_session_records_the_reason_and_bumps_sequence(session):
    services.cancel_session(session=session, reason="  Statutory holiday ")

    session.refresh_from_db()
    assert (session.status, session.cancel_reason, session.sequence) == (
        Session.Status.CANCELLED,
        "Statutory holiday",
        1,
    )


@pytest.mark.django_db
def test_cancel_session_twice_changes_nothing_the_second_time(session):
    services.cancel_session(session=session, reason="Statutory holiday")

    services.cancel_session(session=session, reason="Another reason")

    session.refresh_from_db()
    assert (session.status, session.cancel_reason, session.sequence) == (
        Session.Status.CANCELLED,
        "Statutory holiday",
        1,
    )


@pytest.mark.django_db
def test_reschedule_session_moves_local_wall_clock_time_in_program_zone(program):
    session = SessionFactory(
        program=program, starts_at=_utc(2026, 10, 21, 16, 0), ends_at=_utc(2026, 10, 21, 18, 0)
    )

    services.reschedule_session(
        session=session, new_date=date(2026, 11, 4), new_start_time=time(13, 0), duration_minutes=90
    )

    session.refresh_from_db()
    assert session.starts_at == _utc(2026, 11, 4, 18, 0)
    assert session.ends_at == _utc(2026, 11, 4, 19, 30)
    assert session.sequence == 1


@pytest.mark.django_db
def test_reschedule_session_reactivates_a_cancelled_session(session):
    services.cancel_session(session=session, reason="Presenter ill")

    services.reschedule_session(
        session=session, new_date=date(2027, 1, 13), new_start_time=time(12, 0), duration_minutes=120
    )

    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == (Session.Status.SCHEDULED, "")
    assert session.starts_at == _utc(2027, 1, 13, 17, 0)
    assert session.sequence == 2


@pytest.mark.django_db
def test_reschedule_session_refuses_a_clash(program, session):
    SessionFactory(program=program, starts_at=_utc(2027, 1, 13, 17, 0))
    starts_at = session.starts_at

    with pytest.raises(ValidationError) as caught:
        services.reschedule_session(
            session=session, new_date=date(2027, 1, 13), new_start_time=time(12, 0), duration_minutes=120
        )

    assert caught.value.messages == ["This program already has a session at that time."]
    session.refresh_from_db()
    assert (session.starts_at, session.sequence) == (starts_at, 0)


@pytest.mark.django_db
def test_reschedule_session_refuses_a_time_in_the_dst_gap(session):
    with pytest.raises(ValidationError) as caught:
        services.reschedule_session(
            session=session, new_date=date(2027, 3, 14), new_start_time=time(2, 15), duration_minutes=60
        )

    assert caught.value.messages[0].startswith("02:15 on Sunday 14 March 2027 does not exist")
    session.refresh_from_db()
    assert session.sequence == 0


# enrollment


@pytest.mark.django_db
def test_request_enrollment_creates_a_pending_participant_request(program, outsider):
    enrollment = services.request_enrollment(user=outsider, program=program)

    enrollment.refresh_from_db()
    assert (enrollment.user, enrollment.program, enrollment.role, enrollment.status) == (
        outsider,
        program,
        Role.PARTICIPANT,
        Enrollment.Status.PENDING,
    )


@pytest.mark.django_db
def test_request_enrollment_twice_returns_the_same_request(program, outsider):
    first = services.request_enrollment(user=outsider, program=program)

    second = services.request_enrollment(user=outsider, program=program)

    assert second.pk == first.pk
    assert Enrollment.objects.filter(user=outsider, program=program).count() == 1


@pytest.mark.django_db
def test_request_enrollment_leaves_an_approved_member_as_is(program, participant):
    enrollment = services.request_enrollment(user=participant, program=program)

    assert (enrollment.status, enrollment.role) == (Enrollment.Status.APPROVED, Role.PARTICIPANT)


@pytest.mark.django_db
def test_request_enrollment_refuses_a_closed_program(program, outsider):
    program.is_open_for_enrollment = False
    program.save()

    with pytest.raises(ValidationError) as caught:
        services.request_enrollment(user=outsider, program=program)

    assert caught.value.messages == ["This program is not taking enrollment requests right now."]
    assert Enrollment.objects.filter(user=outsider).count() == 0


@pytest.mark.django_db
def test_request_enrollment_after_a_decline_asks_again(program, coordinator, pending_user):
    enrollment = Enrollment.objects.get(user=pending_user, program=program)
    services.decline_enrollment(enrollment=enrollment, by=coordinator, reason="Cycle is full")

    again = services.request_enrollment(user=pending_user, program=program)

    again.refresh_from_db()
    assert again.pk == enrollment.pk
    assert (again.status, again.decided_at, again.decided_by, again.decline_reason) == (
        Enrollment.Status.PENDING,
        None,
        None,
        "",
    )


@pytest.mark.django_db
def test_approve_enrollment_approves_and_emails_the_person(
    program, coordinator, pending_user, django_capture_on_commit_callbacks
):
    enrollment = Enrollment.objects.get(user=pending_user, program=program)

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_enrollment(enrollment=enrollment, by=coordinator)

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.decided_by) == (Enrollment.Status.APPROVED, coordinator)
    assert enrollment.decided_at is not None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["pending@example.org"], "You're enrolled in Chronic Pain & Opioid Stewardship")
    ]


@pytest.mark.django_db
def test_approve_enrollment_twice_sends_one_email(
    program, coordinator, pending_user, django_capture_on_commit_callbacks
):
    enrollment = Enrollment.objects.get(user=pending_user, program=program)

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_enrollment(enrollment=enrollment, by=coordinator)
        services.approve_enrollment(enrollment=enrollment, by=coordinator)

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_decline_enrollment_declines_and_emails_the_reason(
    program, coordinator, pending_user, django_capture_on_commit_callbacks
):
    enrollment = Enrollment.objects.get(user=pending_user, program=program)

    with django_capture_on_commit_callbacks(execute=True):
        services.decline_enrollment(
            enrollment=enrollment, by=coordinator, reason=" We're full until January. "
        )

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.decided_by, enrollment.decline_reason) == (
        Enrollment.Status.DECLINED,
        coordinator,
        "We're full until January.",
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["pending@example.org"], "Your request to join Chronic Pain & Opioid Stewardship")
    ]


@pytest.mark.django_db
def test_decline_enrollment_email_text_keeps_the_reason_as_typed(
    program, coordinator, pending_user, django_capture_on_commit_callbacks
):
    enrollment = Enrollment.objects.get(user=pending_user, program=program)

    with django_capture_on_commit_callbacks(execute=True):
        services.decline_enrollment(enrollment=enrollment, by=coordinator, reason="We're full until January.")

    assert "The coordinator's note: We're full until January.\n" in mail.outbox[0].body


@pytest.mark.django_db
def test_decline_enrollment_refuses_a_request_that_is_not_pending(
    program, coordinator, participant, django_capture_on_commit_callbacks
):
    enrollment = Enrollment.objects.get(user=participant, program=program)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as caught:
        services.decline_enrollment(enrollment=enrollment, by=coordinator)

    assert caught.value.messages == ["Only a pending request can be declined."]
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.APPROVED
    assert mail.outbox == []


# import_roster


def _row(email: str, name: str = "Ravi Singh") -> RosterRow:
    return RosterRow(
        email=email, full_name=name, profession=Profession.PHARMACIST, organization="Timmins Pharmacy"
    )


@pytest.mark.django_db
def test_import_roster_creates_accounts_and_approved_enrollments(
    program, coordinator, django_capture_on_commit_callbacks
):
    rows = [_row("r.singh@example.org"), _row("l.gagnon@example.org", "Louise Gagnon")]

    with django_capture_on_commit_callbacks(execute=True):
        added = services.import_roster(program=program, rows=rows, by=coordinator)

    user = User.objects.get(email="r.singh@example.org")
    assert (user.full_name, user.profession, user.organization) == (
        "Ravi Singh",
        Profession.PHARMACIST,
        "Timmins Pharmacy",
    )
    assert user.has_usable_password() is False
    assert sorted((e.user.email, e.role, e.status, e.decided_by) for e in added) == [
        ("l.gagnon@example.org", Role.PARTICIPANT, Enrollment.Status.APPROVED, coordinator),
        ("r.singh@example.org", Role.PARTICIPANT, Enrollment.Status.APPROVED, coordinator),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["l.gagnon@example.org", "r.singh@example.org"]


@pytest.mark.django_db
def test_import_roster_refuses_rows_with_invisible_characters_naming_their_lines(program, coordinator):
    rows = [
        _row("r.singh@example.org"),
        dataclasses.replace(_row("l.gagnon@example.org", "Louise \u202eGagnon"), line=7),
    ]

    with pytest.raises(ValidationError) as caught:
        services.import_roster(program=program, rows=rows, by=coordinator)

    assert caught.value.messages == [
        "Line 7: the full name holds an invisible formatting character (U+202E RIGHT-TO-LEFT OVERRIDE), "
        "which can reverse or hide letters where it is shown or printed. Retype it without it."
    ]
    assert User.objects.filter(email__in=["r.singh@example.org", "l.gagnon@example.org"]).count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_import_roster_stores_names_composed(program, coordinator):
    services.import_roster(
        program=program,
        rows=[_row("h.cote@example.org", "He\u0301le\u0300ne Co\u0302te\u0301")],
        by=coordinator,
    )

    assert User.objects.get(email="h.cote@example.org").full_name == "Hélène Côté"


@pytest.mark.django_db
def test_import_roster_leaves_members_alone_and_approves_pending_ones(
    program, coordinator, participant, pending_user, outsider, django_capture_on_commit_callbacks
):
    member = Enrollment.objects.get(user=participant, program=program)
    rows = [
        _row("participant@example.org"),
        _row("pending@example.org"),
        _row("outsider@example.org"),
        _row("new.person@example.org"),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        added = services.import_roster(program=program, rows=rows, by=coordinator)

    assert sorted(e.user.email for e in added) == [
        "new.person@example.org",
        "outsider@example.org",
        "pending@example.org",
    ]
    refreshed = Enrollment.objects.get(pk=member.pk)
    assert (refreshed.status, refreshed.decided_by, refreshed.decided_at) == (
        Enrollment.Status.APPROVED,
        member.decided_by,
        member.decided_at,
    )
    assert Enrollment.objects.get(user=pending_user, program=program).status == Enrollment.Status.APPROVED
    assert User.objects.get(email="outsider@example.org").full_name == outsider.full_name
    assert sorted(m.to[0] for m in mail.outbox) == [
        "new.person@example.org",
        "outsider@example.org",
        "pending@example.org",
    ]
