"""The schedule's time rules through the coordinator's pages: what they say, what they keep of
what was typed, what they offer next, and what the audit trail records."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from echo_hub.audit.models import AuditEvent
from sessions.models import Cycle, Program, Session
from tests.factories import AttendanceFactory, CycleFactory, SessionFactory

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
A = AuditEvent.Action
NOW = datetime(2026, 10, 1, 16, 0, tzinfo=UTC)  # Thursday 1 October 2026, 12:00 in Toronto


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def fall(program) -> Cycle:
    return CycleFactory(
        program=program, name="Fall 2026", start_date=date(2026, 10, 7), end_date=date(2026, 11, 25)
    )


def _messages(response) -> list[str]:
    return [message.message for message in get_messages(response.wsgi_request)]


def _schedule(client, program, **data):
    fields = {"cycle": "", "start_time": "12:00", "duration_minutes": "120", "count": "1", "skip_dates": ""}
    return client.post(reverse("sessions:manage_schedule_new", args=[program.slug]), fields | data)


def _reschedule(client, session, **data):
    fields = {"new_start_time": "12:00", "duration_minutes": "120"}
    url = reverse("sessions:manage_session_reschedule", args=[session.program.slug, session.pk])
    return client.post(url, fields | data)


def _local_dates(program) -> list[date]:
    return [s.starts_at.astimezone(TORONTO).date() for s in program.sessions.order_by("starts_at")]


# scheduling


def test_schedule_new_in_the_past_shows_why_keeps_the_input_and_saves_nothing(client, program, coordinator):
    client.force_login(coordinator)

    response = _schedule(client, program, first_date="2026-09-30", count="3")

    form = response.context["form"]
    message = (
        "Wed 30 Sep 2026 12:00 is in the past. Choose a time from now on, or tick “Record a past session” "
        "if it already took place."
    )
    assert form.errors == {"first_date": [message]}
    assert (form["first_date"].value(), form["count"].value()) == ("2026-09-30", "3")
    html = response.content.decode()
    assert message in html
    assert 'name="record_past"' in html
    assert Session.objects.count() == 0


def test_schedule_new_records_a_past_session_when_ticked(client, program, coordinator):
    client.force_login(coordinator)

    response = _schedule(client, program, first_date="2026-09-30", record_past="on")

    assert response.url == reverse("sessions:manage_schedule", args=[program.slug])
    assert _messages(response) == ["1 session scheduled."]
    assert _local_dates(program) == [date(2026, 9, 30)]
    (event,) = AuditEvent.objects.filter(action=A.SESSION_SCHEDULED)
    assert (event.actor_id, event.program_id, event.extra["recorded_past"]) == (
        coordinator.pk,
        program.pk,
        True,
    )


def test_schedule_new_outside_the_cycle_asks_to_extend_it(client, program, coordinator, fall):
    client.force_login(coordinator)
    before = client.get(reverse("sessions:manage_schedule_new", args=[program.slug]))

    response = _schedule(client, program, cycle=fall.pk, first_date="2026-11-18", count="3")

    assert 'name="extend_cycle"' not in before.content.decode()
    html = response.content.decode()
    assert response.context["form"].errors == {
        "first_date": [
            "“Fall 2026” runs from Wed 7 Oct 2026 to Wed 25 Nov 2026; Wed 2 Dec 2026 falls outside it. "
            "Choose dates inside the cycle, or tick “Extend the cycle” to make it run from Wed 7 Oct 2026 "
            "to Wed 2 Dec 2026."
        ]
    }
    assert 'name="extend_cycle"' in html
    assert f'<option value="{fall.pk}" selected>Fall 2026 (7 Oct 2026 – 25 Nov 2026)</option>' in html
    assert Session.objects.count() == 0


def test_schedule_new_with_extend_ticked_extends_the_cycle(client, program, coordinator, fall):
    client.force_login(coordinator)

    response = _schedule(
        client, program, cycle=fall.pk, first_date="2026-11-18", count="3", extend_cycle="on"
    )

    fall.refresh_from_db()
    assert _messages(response) == ["3 sessions scheduled."]
    assert fall.end_date == date(2026, 12, 2)
    actions = AuditEvent.objects.exclude(action=A.LOGGED_IN).order_by("pk").values_list("action", flat=True)
    assert list(actions) == [A.CYCLE_CHANGED, A.SESSION_SCHEDULED, A.SESSION_SCHEDULED, A.SESSION_SCHEDULED]


def test_schedule_new_inserted_session_takes_its_number_by_date(client, program, coordinator, fall):
    for day in (7, 21):
        SessionFactory(
            program=program,
            cycle=fall,
            number=1 if day == 7 else 2,
            title="Session 1" if day == 7 else "Session 2",
            starts_at=datetime(2026, 10, day, 16, tzinfo=UTC),
        )
    client.force_login(coordinator)

    _schedule(client, program, cycle=fall.pk, first_date="2026-10-14")

    page = client.get(reverse("sessions:manage_schedule", args=[program.slug]))
    titles = [s.title for s in page.context["page"].object_list]
    assert titles == ["Session 1", "Session 2", "Session 3"]
    assert [s.number for s in program.sessions.order_by("starts_at")] == [1, 2, 3]


def test_schedule_page_lists_cycles_with_their_dates_and_an_edit_link(client, program, coordinator, fall):
    client.force_login(coordinator)

    response = client.get(reverse("sessions:manage_schedule", args=[program.slug]))

    edit = reverse("sessions:manage_cycle_edit", args=[program.slug, fall.pk])
    assert (
        f'Fall 2026 (7 Oct 2026 – 25 Nov 2026) <a href="{edit}">Edit<span class="visually-hidden"> Fall 2026'
        in response.content.decode()
    )


# rescheduling and cancelling


def test_session_reschedule_to_the_past_shows_why_and_keeps_the_session(
    client, program, coordinator, session
):
    client.force_login(coordinator)
    starts_at = session.starts_at

    response = _reschedule(client, session, new_date="2026-09-30")

    assert response.context["form"].errors == {
        "new_date": [
            "Wed 30 Sep 2026 12:00 is in the past. Choose a time from now on, or tick “Record a past "
            "session” if it already took place."
        ]
    }
    assert response.context["form"]["new_date"].value() == "2026-09-30"
    session.refresh_from_db()
    assert session.starts_at == starts_at


def test_session_reschedule_outside_its_cycle_offers_to_extend_it(client, program, coordinator, fall):
    session = SessionFactory(program=program, cycle=fall, starts_at=datetime(2026, 10, 7, 16, tzinfo=UTC))
    client.force_login(coordinator)

    refused = _reschedule(client, session, new_date="2026-12-09")
    moved = _reschedule(client, session, new_date="2026-12-09", extend_cycle="on")

    assert 'name="extend_cycle"' in refused.content.decode()
    assert moved.url == session.get_absolute_url()
    fall.refresh_from_db()
    assert fall.end_date == date(2026, 12, 9)
    (event,) = AuditEvent.objects.filter(action=A.SESSION_RESCHEDULED)
    assert (event.actor_id, event.object_id) == (coordinator.pk, session.pk)


def test_session_reschedule_of_an_attended_session_says_it_cannot_move(
    client, program, coordinator, participant
):
    held = SessionFactory(program=program, title="Session 3", starts_at=NOW - timedelta(days=7))
    AttendanceFactory(session=held, user=participant)
    client.force_login(coordinator)

    response = _reschedule(client, held, new_date="2026-09-17", record_past="on")

    assert response.context["form"].non_field_errors() == [
        "Session 3 has started and people attended it: its time is part of their attendance and "
        "certificates, so it cannot move."
    ]
    held.refresh_from_db()
    assert held.starts_at == NOW - timedelta(days=7)


def test_session_cancel_of_an_attended_session_says_why_and_keeps_it(
    client, program, coordinator, participant
):
    held = SessionFactory(program=program, title="Session 3", starts_at=NOW - timedelta(days=7))
    AttendanceFactory(session=held, user=participant)
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_session_cancel", args=[program.slug, held.pk]), {"reason": "Nobody came"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Session 3 took place: people attended it, and their attendance and certificates stay as "
        "evidence. It cannot be cancelled."
    ]
    assert response.context["form"]["reason"].value() == "Nobody came"
    assert response.content.decode().count("It cannot be cancelled.") == 1
    held.refresh_from_db()
    assert held.status == Session.Status.SCHEDULED


def test_session_cancel_is_recorded(client, program, coordinator, session):
    client.force_login(coordinator)

    client.post(
        reverse("sessions:manage_session_cancel", args=[program.slug, session.pk]), {"reason": "Holiday"}
    )

    (event,) = AuditEvent.objects.filter(action=A.SESSION_CANCELLED)
    assert (event.actor_id, event.object_id, event.program_id) == (coordinator.pk, session.pk, program.pk)


def test_session_edit_is_recorded_with_the_fields_it_changed(client, program, coordinator, session):
    client.force_login(coordinator)

    client.post(
        reverse("sessions:manage_session_edit", args=[program.slug, session.pk]),
        {
            "title": session.title,
            "didactic_topic": "Naloxone",
            "join_url": session.join_url,
            "case_slots": "2",
        },
    )

    (event,) = AuditEvent.objects.filter(action=A.SESSION_EDITED)
    assert event.extra == {"didactic_topic": "changed", "case_slots": "3 → 2"}


# cycles


def test_cycle_edit_shows_the_cycle_and_saves_new_dates(client, program, coordinator, fall):
    client.force_login(coordinator)
    url = reverse("sessions:manage_cycle_edit", args=[program.slug, fall.pk])

    page = client.get(url)
    response = client.post(url, {"name": "Fall 2026", "start_date": "2026-10-07", "end_date": "2026-12-16"})

    assert page.context["form"].initial == {
        "name": "Fall 2026",
        "start_date": date(2026, 10, 7),
        "end_date": date(2026, 11, 25),
    }
    assert response.url == reverse("sessions:manage_schedule", args=[program.slug])
    assert _messages(response) == ["Cycle “Fall 2026” saved."]
    fall.refresh_from_db()
    assert fall.end_date == date(2026, 12, 16)
    (event,) = AuditEvent.objects.filter(action=A.CYCLE_CHANGED)
    assert (event.actor_id, event.extra) == (
        coordinator.pk,
        {"end_date": "2026-11-25 → 2026-12-16", "reason": "edited"},
    )


def test_cycle_edit_refuses_to_leave_a_session_outside_and_keeps_the_input(
    client, program, coordinator, fall
):
    SessionFactory(program=program, cycle=fall, starts_at=datetime(2026, 11, 25, 17, tzinfo=UTC))
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_cycle_edit", args=[program.slug, fall.pk]),
        {"name": "Fall 2026", "start_date": "2026-10-07", "end_date": "2026-11-18"},
    )

    assert response.context["form"].errors == {
        "end_date": ["This cycle has sessions on Wed 25 Nov 2026: end on Wed 25 Nov 2026 or later."]
    }
    assert response.context["form"]["end_date"].value() == "2026-11-18"
    fall.refresh_from_db()
    assert fall.end_date == date(2026, 11, 25)


def test_cycle_create_is_recorded(client, program, coordinator):
    client.force_login(coordinator)

    client.post(
        reverse("sessions:manage_cycle_create", args=[program.slug]),
        {"name": "Winter 2027", "start_date": "2027-01-06", "end_date": "2027-04-21"},
    )

    (event,) = AuditEvent.objects.filter(action=A.CYCLE_CREATED)
    assert (event.actor_id, event.extra) == (
        coordinator.pk,
        {"start_date": "2027-01-06", "end_date": "2027-04-21"},
    )


# programs


def test_program_create_form_starts_in_the_coordinators_time_zone(client, coordinator):
    coordinator.time_zone = "America/Vancouver"
    coordinator.save()
    client.force_login(coordinator)

    response = client.get(reverse("sessions:program_create"))

    html = response.content.decode()
    assert '<option value="America/Vancouver" selected>' in html
    assert '<option value="America/St_Johns" selected>' not in html


def test_program_edit_is_recorded_with_what_changed(client, program, coordinator):
    client.force_login(coordinator)
    data = {
        "name": program.name,
        "summary": "",
        "description": "",
        "is_open_for_enrollment": "on",
        "time_zone": "America/Toronto",
        "default_weekday": "2",
        "default_start_time": "12:00",
        "default_duration_minutes": "120",
        "didactic_minutes": "30",
        "case_slots_per_session": "3",
        "default_join_url": program.default_join_url,
        "attendance_threshold_percent": "80",
        "evaluation_required": "on",
    }

    response = client.post(reverse("sessions:manage_program_edit", args=[program.slug]), data)

    assert _messages(response) == ["Program settings saved."]
    assert Program.objects.get(pk=program.pk).attendance_threshold_percent == 80
    (event,) = AuditEvent.objects.filter(action=A.PROGRAM_CHANGED)
    assert (event.actor_id, event.program_id, event.extra) == (
        coordinator.pk,
        program.pk,
        {"attendance_threshold_percent": "75 → 80"},
    )


def test_a_french_programs_sessions_are_titled_in_french_whoever_schedules_them(
    client, program, coordinator, fall
):
    program.language = "fr-ca"
    program.save()
    SessionFactory(
        program=program,
        cycle=fall,
        number=1,
        title="Séance 1",
        starts_at=datetime(2026, 10, 21, 16, tzinfo=UTC),
    )
    client.force_login(coordinator)  # an English-speaking coordinator

    _schedule(client, program, cycle=fall.pk, first_date="2026-10-14")

    assert [s.title for s in program.sessions.order_by("starts_at")] == ["Séance 1", "Séance 2"]
