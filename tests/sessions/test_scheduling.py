"""The schedule's time rules, whatever calls them: no session in the past unless it is recorded
as one that took place, every session inside its cycle (or the cycle extended), numbers that
follow the dates, a held session's time kept, and each change in the audit trail."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from echo_hub.audit.models import AuditEvent
from echo_hub.notifications.models import Notification
from sessions import services
from sessions.models import Cycle, Program, Session
from tests.factories import AttendanceFactory, CycleFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
A = AuditEvent.Action
# Thursday 1 October 2026, 12:00 in Toronto.
NOW = datetime(2026, 10, 1, 16, 0, tzinfo=UTC)


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _local_dates(sessions) -> list[date]:
    return [s.starts_at.astimezone(TORONTO).date() for s in sessions]


def _numbers(program: Program, cycle: Cycle | None) -> list[tuple[date, int, str]]:
    sessions = Session.objects.filter(program=program, cycle=cycle).order_by("starts_at")
    return [(s.starts_at.astimezone(TORONTO).date(), s.number, s.title) for s in sessions]


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def fall(program) -> Cycle:
    """Wednesdays 7 October to 25 November 2026."""
    return CycleFactory(
        program=program, name="Fall 2026", start_date=date(2026, 10, 7), end_date=date(2026, 11, 25)
    )


def _weekly(program, first: date, count: int = 1, **options) -> list[Session]:
    return services.schedule_weekly(
        program=program, first_date=first, start_time=time(12), count=count, **options
    )


# the past


def test_schedule_weekly_refuses_a_series_that_starts_in_the_past_and_saves_nothing(program, coordinator):
    with pytest.raises(ValidationError) as caught:
        _weekly(program, date(2026, 9, 16), 4, by=coordinator)

    assert caught.value.message_dict == {
        "first_date": [
            "Wed 16 Sep 2026 12:00, Wed 23 Sep 2026 12:00 and Wed 30 Sep 2026 12:00 are in the past. "
            "Choose a time from now on, or tick “Record a past session” if they already took place."
        ]
    }
    assert Session.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_schedule_weekly_refuses_a_session_that_started_a_minute_ago(program, clock):
    clock.move_to(NOW + timedelta(minutes=1), tick=False)

    with pytest.raises(ValidationError) as caught:
        _weekly(program, date(2026, 10, 1))

    assert caught.value.message_dict["first_date"][0].startswith("Thu 1 Oct 2026 12:00 is in the past.")
    assert caught.value.error_dict["first_date"][0].code == "past"
    assert Session.objects.count() == 0


def test_schedule_weekly_accepts_a_session_starting_now(program):
    (session,) = _weekly(program, date(2026, 10, 1))

    assert session.starts_at == NOW


def test_schedule_weekly_records_sessions_that_took_place_when_told(program, coordinator):
    sessions = _weekly(program, date(2026, 9, 16), 4, record_past=True, by=coordinator)

    assert _local_dates(sessions) == [
        date(2026, 9, 16),
        date(2026, 9, 23),
        date(2026, 9, 30),
        date(2026, 10, 7),
    ]
    scheduled = AuditEvent.objects.filter(action=A.SESSION_SCHEDULED).order_by("object_id")
    assert [(e.object_id, e.actor_id, e.program_id) for e in scheduled] == [
        (s.pk, coordinator.pk, program.pk) for s in sessions
    ]
    assert [e.extra["recorded_past"] for e in scheduled] == [True, True, True, False]
    assert scheduled[0].extra == {
        "number": 1,
        "cycle_id": None,
        "starts_at": "2026-09-16T16:00:00+00:00",
        "recorded_past": True,
        "renumbered": 0,
    }


# the cycle


def test_schedule_weekly_refuses_dates_after_the_cycle_and_saves_nothing(program, fall):
    with pytest.raises(ValidationError) as caught:
        _weekly(program, date(2026, 11, 11), 4, cycle=fall)

    assert caught.value.message_dict == {
        "first_date": [
            "“Fall 2026” runs from Wed 7 Oct 2026 to Wed 25 Nov 2026; Wed 2 Dec 2026 falls outside it. "
            "Choose dates inside the cycle, or tick “Extend the cycle” to make it run from Wed 7 Oct 2026 "
            "to Wed 2 Dec 2026."
        ]
    }
    assert caught.value.error_dict["first_date"][0].code == "outside_cycle"
    fall.refresh_from_db()
    assert (fall.start_date, fall.end_date) == (date(2026, 10, 7), date(2026, 11, 25))
    assert Session.objects.count() == 0


def test_schedule_weekly_refuses_a_date_before_the_cycle_starts(program, fall):
    with pytest.raises(ValidationError) as caught:
        _weekly(program, date(2026, 10, 2), cycle=fall)

    assert caught.value.message_dict["first_date"] == [
        "“Fall 2026” runs from Wed 7 Oct 2026 to Wed 25 Nov 2026; Fri 2 Oct 2026 falls outside it. "
        "Choose dates inside the cycle, or tick “Extend the cycle” to make it run from Fri 2 Oct 2026 "
        "to Wed 25 Nov 2026."
    ]
    assert Session.objects.count() == 0


def test_schedule_weekly_extends_the_cycle_when_told_and_records_it(program, fall, coordinator):
    sessions = _weekly(program, date(2026, 11, 11), 4, cycle=fall, extend_cycle=True, by=coordinator)

    fall.refresh_from_db()
    assert (fall.start_date, fall.end_date) == (date(2026, 10, 7), date(2026, 12, 2))
    assert _local_dates(sessions)[-1] == date(2026, 12, 2)
    (event,) = AuditEvent.objects.filter(action=A.CYCLE_CHANGED)
    assert (event.actor_id, event.object_id, event.program_id) == (coordinator.pk, fall.pk, program.pk)
    assert event.extra == {"end_date": "2026-11-25 → 2026-12-02", "reason": "extended"}


def test_schedule_weekly_in_a_cycle_without_an_end_date_takes_any_later_date(program):
    open_cycle = CycleFactory(program=program, name="Ongoing", start_date=date(2026, 10, 7), end_date=None)

    sessions = _weekly(program, date(2027, 6, 2), 2, cycle=open_cycle)

    open_cycle.refresh_from_db()
    assert _local_dates(sessions) == [date(2027, 6, 2), date(2027, 6, 9)]
    assert open_cycle.end_date is None


# numbering


def test_schedule_weekly_numbers_an_inserted_session_by_date(program, fall):
    _weekly(program, date(2026, 10, 7), 3, cycle=fall, skip_dates=[date(2026, 10, 14)])
    renamed = Session.objects.get(program=program, number=2)
    renamed.title = "Buprenorphine in primary care"
    renamed.save()

    (inserted,) = _weekly(program, date(2026, 10, 14), cycle=fall)

    assert (inserted.number, inserted.title) == (2, "Session 2")
    assert _numbers(program, fall) == [
        (date(2026, 10, 7), 1, "Session 1"),
        (date(2026, 10, 14), 2, "Session 2"),
        (date(2026, 10, 21), 3, "Buprenorphine in primary care"),
        (date(2026, 10, 28), 4, "Session 4"),
    ]
    moved = Session.objects.get(program=program, number=4)
    assert moved.sequence == 1


def test_schedule_weekly_numbers_a_recorded_past_session_first(program, fall, coordinator):
    fall.start_date = date(2026, 9, 1)
    fall.save()
    _weekly(program, date(2026, 10, 7), 2, cycle=fall)

    (past,) = _weekly(program, date(2026, 9, 30), cycle=fall, record_past=True, by=coordinator)

    assert past.number == 1
    assert _numbers(program, fall) == [
        (date(2026, 9, 30), 1, "Session 1"),
        (date(2026, 10, 7), 2, "Session 2"),
        (date(2026, 10, 14), 3, "Session 3"),
    ]
    (event,) = AuditEvent.objects.filter(action=A.SESSION_SCHEDULED, object_id=past.pk)
    assert (event.extra["recorded_past"], event.extra["renumbered"]) == (True, 2)


def test_numbering_keeps_a_cancelled_sessions_place(program, fall):
    first, second, _third = _weekly(program, date(2026, 10, 7), 3, cycle=fall)
    services.cancel_session(session=second, reason="Statutory holiday")

    services.reschedule_session(
        session=first, new_date=date(2026, 10, 28), new_start_time=time(12), duration_minutes=120
    )

    assert _numbers(program, fall) == [
        (date(2026, 10, 14), 1, "Session 1"),
        (date(2026, 10, 21), 2, "Session 2"),
        (date(2026, 10, 28), 3, "Session 3"),
    ]
    second.refresh_from_db()
    assert (second.number, second.status) == (1, Session.Status.CANCELLED)


# rescheduling


def test_reschedule_session_renumbers_the_cycle_and_records_the_move(program, fall, coordinator):
    first, second = _weekly(program, date(2026, 10, 7), 2, cycle=fall)

    services.reschedule_session(
        session=first,
        new_date=date(2026, 10, 21),
        new_start_time=time(13),
        duration_minutes=90,
        by=coordinator,
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert [(second.number, second.title), (first.number, first.title)] == [
        (1, "Session 1"),
        (2, "Session 2"),
    ]
    (event,) = AuditEvent.objects.filter(action=A.SESSION_RESCHEDULED)
    assert (event.actor_id, event.object_id, event.program_id) == (coordinator.pk, first.pk, program.pk)
    assert event.extra == {
        "from": "2026-10-07T16:00:00+00:00",
        "to": "2026-10-21T17:00:00+00:00",
        "minutes": 90,
        "was_cancelled": False,
        "recorded_past": False,
        "renumbered": 2,
    }


def test_reschedule_session_refuses_a_past_time_unless_recorded(program, session):
    with pytest.raises(ValidationError) as caught:
        services.reschedule_session(
            session=session, new_date=date(2026, 9, 30), new_start_time=time(12), duration_minutes=120
        )

    assert caught.value.message_dict == {
        "new_date": [
            "Wed 30 Sep 2026 12:00 is in the past. Choose a time from now on, or tick “Record a past "
            "session” if it already took place."
        ]
    }
    stored = Session.objects.get(pk=session.pk)
    assert (stored.starts_at, stored.sequence) == (session.starts_at, 0)


def test_reschedule_session_to_a_recorded_past_time_tells_nobody(
    program, session, participant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_session(
            session=session, new_date=date(2026, 10, 14), new_start_time=time(12), duration_minutes=120
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_session(
            session=session,
            new_date=date(2026, 9, 30),
            new_start_time=time(12),
            duration_minutes=120,
            record_past=True,
        )

    session.refresh_from_db()
    assert session.starts_at == _utc(2026, 9, 30, 16, 0)
    assert list(Notification.objects.values_list("email", "object_key")) == [
        ("participant@example.org", f"session:{session.pk}:seq1")
    ]


def test_reschedule_session_out_of_its_cycle_is_refused_or_extends_it(program, fall):
    (session,) = _weekly(program, date(2026, 10, 7), cycle=fall)

    with pytest.raises(ValidationError) as caught:
        services.reschedule_session(
            session=session, new_date=date(2026, 12, 9), new_start_time=time(12), duration_minutes=120
        )
    services.reschedule_session(
        session=session,
        new_date=date(2026, 12, 9),
        new_start_time=time(12),
        duration_minutes=120,
        extend_cycle=True,
    )

    assert caught.value.error_dict["new_date"][0].code == "outside_cycle"
    fall.refresh_from_db()
    session.refresh_from_db()
    assert (fall.end_date, _local_dates([session])) == (date(2026, 12, 9), [date(2026, 12, 9)])


def test_reschedule_session_keeps_the_time_of_a_session_people_attended(program, participant):
    held = SessionFactory(program=program, title="Session 3", starts_at=NOW - timedelta(days=7))
    AttendanceFactory(session=held, user=participant, minutes=120)

    with pytest.raises(ValidationError) as caught:
        services.reschedule_session(
            session=held,
            new_date=date(2026, 9, 23),
            new_start_time=time(13),
            duration_minutes=120,
            record_past=True,
        )

    assert caught.value.messages == [
        "Session 3 has started and people attended it: its time is part of their attendance and "
        "certificates, so it cannot move."
    ]
    held.refresh_from_db()
    assert (held.starts_at, held.sequence) == (NOW - timedelta(days=7), 0)


def test_reschedule_session_brings_back_a_cancelled_past_session_only_as_a_record(program, coordinator):
    cancelled = SessionFactory(
        program=program,
        starts_at=NOW - timedelta(days=1),
        status=Session.Status.CANCELLED,
        cancel_reason="Ice",
    )
    local = cancelled.starts_at.astimezone(TORONTO)

    with pytest.raises(ValidationError):
        services.reschedule_session(
            session=cancelled, new_date=local.date(), new_start_time=local.time(), duration_minutes=120
        )
    services.reschedule_session(
        session=cancelled,
        new_date=local.date(),
        new_start_time=local.time(),
        duration_minutes=120,
        record_past=True,
    )

    cancelled.refresh_from_db()
    assert cancelled.status == Session.Status.SCHEDULED


# cancelling


def test_cancel_session_refuses_a_session_people_attended(program, participant, coordinator):
    held = SessionFactory(program=program, title="Session 3", starts_at=NOW - timedelta(days=7))
    AttendanceFactory(session=held, user=participant, minutes=120)

    with pytest.raises(ValidationError) as caught:
        services.cancel_session(session=held, reason="Nobody came", by=coordinator)

    assert caught.value.messages == [
        "Session 3 took place: people attended it, and their attendance and certificates stay as "
        "evidence. It cannot be cancelled."
    ]
    held.refresh_from_db()
    assert held.status == Session.Status.SCHEDULED
    assert AuditEvent.objects.filter(action=A.SESSION_CANCELLED).count() == 0


def test_cancel_session_is_recorded_once(program, session, coordinator):
    services.cancel_session(session=session, reason="Statutory holiday", by=coordinator)
    services.cancel_session(session=session, reason="Statutory holiday", by=coordinator)

    (event,) = AuditEvent.objects.filter(action=A.SESSION_CANCELLED)
    assert (event.actor_id, event.object_id, event.program_id) == (coordinator.pk, session.pk, program.pk)
    assert event.extra == {"starts_at": session.starts_at.isoformat()}


# cycles


def test_create_cycle_is_recorded(program, coordinator):
    cycle = services.create_cycle(
        program=program, name="Winter 2027", start_date=date(2027, 1, 6), end_date=None, by=coordinator
    )

    (event,) = AuditEvent.objects.filter(action=A.CYCLE_CREATED)
    assert (event.actor_id, event.object_id, event.program_id) == (coordinator.pk, cycle.pk, program.pk)
    assert event.extra == {"start_date": "2027-01-06", "end_date": None}


def test_update_cycle_refuses_dates_that_leave_sessions_outside(program, fall, coordinator):
    _weekly(program, date(2026, 10, 7), 8, cycle=fall)

    with pytest.raises(ValidationError) as caught:
        services.update_cycle(
            cycle=fall,
            name="Fall 2026",
            start_date=date(2026, 10, 7),
            end_date=date(2026, 11, 11),
            by=coordinator,
        )

    assert caught.value.message_dict == {
        "end_date": [
            "This cycle has sessions on Wed 18 Nov 2026 and Wed 25 Nov 2026: end on Wed 25 Nov 2026 or later."
        ]
    }
    fall.refresh_from_db()
    assert fall.end_date == date(2026, 11, 25)


def test_update_cycle_renames_and_moves_dates_and_records_them(program, fall, coordinator):
    services.update_cycle(
        cycle=fall,
        name="Autumn 2026",
        start_date=date(2026, 10, 1),
        end_date=date(2026, 12, 16),
        by=coordinator,
    )

    fall.refresh_from_db()
    assert (fall.name, fall.start_date, fall.end_date) == (
        "Autumn 2026",
        date(2026, 10, 1),
        date(2026, 12, 16),
    )
    (event,) = AuditEvent.objects.filter(action=A.CYCLE_CHANGED)
    assert event.extra == {
        "start_date": "2026-10-07 → 2026-10-01",
        "end_date": "2026-11-25 → 2026-12-16",
        "reason": "edited",
    }


# editing a session


def test_edit_session_refuses_its_time_and_status(session, coordinator):
    with pytest.raises(ValidationError) as caught:
        services.edit_session(
            session=session, changes={"starts_at": NOW, "status": "cancelled"}, by=coordinator
        )

    assert caught.value.messages == ["Reschedule or cancel the session to change starts_at, status."]
    assert Session.objects.get(pk=session.pk).sequence == 0


def test_edit_session_records_which_fields_changed_without_their_text(session, coordinator):
    services.edit_session(
        session=session,
        changes={"title": "Tapering opioids safely", "case_slots": 2, "join_url": session.join_url},
        by=coordinator,
    )

    (event,) = AuditEvent.objects.filter(action=A.SESSION_EDITED)
    assert (event.actor_id, event.object_id) == (coordinator.pk, session.pk)
    assert event.extra == {"title": "changed", "case_slots": "3 → 2"}


# programs


def test_create_program_uses_the_creators_time_zone_and_is_recorded():
    creator = UserFactory(time_zone="America/Vancouver")

    program = services.create_program(creator=creator, name="Hepatitis C")

    assert program.time_zone == "America/Vancouver"
    (event,) = AuditEvent.objects.filter(action=A.PROGRAM_CREATED)
    assert (event.actor_id, event.object_id, event.program_id) == (creator.pk, program.pk, program.pk)
    assert event.extra == {"time_zone": "America/Vancouver"}


def test_update_program_records_each_change_and_skips_a_no_op(program, coordinator):
    changes = {"attendance_threshold_percent": 50, "time_zone": "America/Winnipeg", "description": "New text"}

    services.update_program(program=program, changes=changes, by=coordinator)
    services.update_program(program=program, changes=changes, by=coordinator)

    program.refresh_from_db()
    assert (program.attendance_threshold_percent, program.time_zone) == (50, "America/Winnipeg")
    (event,) = AuditEvent.objects.filter(action=A.PROGRAM_CHANGED)
    assert (event.actor_id, event.object_id, event.program_id) == (coordinator.pk, program.pk, program.pk)
    assert event.extra == {
        "attendance_threshold_percent": "75 → 50",
        "time_zone": "America/Toronto → America/Winnipeg",
        "description": "changed",
    }
