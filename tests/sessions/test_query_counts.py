from datetime import timedelta

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions.models import Enrollment, Role
from sessions.permissions import visible_programs
from tests.factories import CycleFactory, EnrollmentFactory, ProgramFactory, SessionFactory, UserFactory
from tests.querycount import capture_render, sql

pytestmark = pytest.mark.django_db


def _capture(client, url: str, text: str, times: int) -> CaptureQueriesContext:
    ctx, body = capture_render(client, url)
    assert body.count(text) == times
    return ctx


def _add_sessions(program, count: int, *, past: bool = False) -> None:
    start = timezone.now() + timedelta(days=-30 if past else 30)
    for _ in range(count):
        SessionFactory(
            program=program,
            starts_at=start + timedelta(days=program.sessions.count()),
            didactic_topic="Opioid tapering",
            presenter=UserFactory(full_name="Dr Presenter"),
            cycle=CycleFactory(program=program),
        )


def _add_member_program(user, role: str = Role.PARTICIPANT) -> None:
    program = ProgramFactory(summary="A weekly telementoring series")
    EnrollmentFactory(user=user, program=program, role=role)
    EnrollmentFactory(program=program, status=Enrollment.Status.PENDING)
    _add_sessions(program, 1)


def test_home_for_participant_query_count_is_constant(client, participant, program):
    client.force_login(participant)
    url = reverse("home")
    _add_member_program(participant)
    ctx1 = _capture(client, url, '<span class="small text-secondary">Participant</span>', 2)
    _add_member_program(participant)
    _add_member_program(participant)

    ctx3 = _capture(client, url, '<span class="small text-secondary">Participant</span>', 4)

    assert len(ctx1) == len(ctx3) == 8, sql(ctx1, ctx3)


def test_home_for_coordinator_query_count_is_constant(client, coordinator, program):
    client.force_login(coordinator)
    url = reverse("home")
    _add_member_program(coordinator, Role.COORDINATOR)
    ctx1 = _capture(client, url, "1 enrollment request<", 1)
    _add_member_program(coordinator, Role.COORDINATOR)
    _add_member_program(coordinator, Role.COORDINATOR)

    ctx3 = _capture(client, url, "1 enrollment request<", 3)

    # What waits in the programs they coordinate, but no surveys: they take part in none.
    assert len(ctx1) == len(ctx3) == 8, sql(ctx1, ctx3)


def test_home_for_anonymous_query_count_is_constant(client, db):
    url = reverse("home")
    _add_sessions(ProgramFactory(summary="A weekly telementoring series"), 1)
    ctx1 = _capture(client, url, "1 upcoming session<", 1)
    for _ in range(2):
        _add_sessions(ProgramFactory(summary="A weekly telementoring series"), 1)

    ctx3 = _capture(client, url, "1 upcoming session<", 3)

    assert len(ctx1) == len(ctx3) == 1, sql(ctx1, ctx3)


def test_program_list_query_count_is_constant(client, participant, program):
    client.force_login(participant)
    url = reverse("sessions:program_list")
    ProgramFactory(summary="A weekly telementoring series")
    ctx1 = _capture(client, url, "A weekly telementoring series", 1)
    ProgramFactory.create_batch(2, summary="A weekly telementoring series")

    ctx3 = _capture(client, url, "A weekly telementoring series", 3)

    assert len(ctx1) == len(ctx3) == 6, sql(ctx1, ctx3)


def test_program_detail_query_count_is_constant(client, participant, program):
    client.force_login(participant)
    url = reverse("sessions:program_detail", kwargs={"slug": program.slug})
    _add_sessions(program, 1)
    ctx1 = _capture(client, url, "Dr Presenter", 1)
    _add_sessions(program, 2)

    ctx3 = _capture(client, url, "Dr Presenter", 3)

    # One of them reads the credit types the program is certified for.
    assert len(ctx1) == len(ctx3) == 8, sql(ctx1, ctx3)


@pytest.mark.parametrize("when", ["upcoming", "past"])
def test_program_sessions_query_count_is_constant(client, participant, program, when):
    client.force_login(participant)
    url = reverse("sessions:program_sessions", kwargs={"slug": program.slug}) + f"?when={when}"
    _add_sessions(program, 1, past=when == "past")
    ctx1 = _capture(client, url, "Dr Presenter", 1)
    _add_sessions(program, 2, past=when == "past")

    ctx3 = _capture(client, url, "Dr Presenter", 3)

    assert len(ctx1) == len(ctx3) == 7, sql(ctx1, ctx3)


def test_my_sessions_query_count_is_constant(client, participant, program):
    client.force_login(participant)
    url = reverse("sessions:my_sessions")
    _add_member_program(participant)
    ctx1 = _capture(client, url, "Dr Presenter", 1)
    _add_member_program(participant)
    _add_sessions(program, 1)
    _add_sessions(program, 2, past=True)

    ctx3 = _capture(client, url, "Dr Presenter", 5)

    # The user's programs, then one query for every program's upcoming sessions, one for the past.
    assert len(ctx1) == len(ctx3) == 6, sql(ctx1, ctx3)


@pytest.mark.parametrize("when", ["upcoming", "past"])
def test_manage_schedule_query_count_is_constant(client, coordinator, program, when):
    client.force_login(coordinator)
    url = reverse("sessions:manage_schedule", kwargs={"slug": program.slug}) + f"?when={when}"
    _add_sessions(program, 1, past=when == "past")
    ctx1 = _capture(client, url, "Dr Presenter", 1)
    _add_sessions(program, 2, past=when == "past")

    ctx3 = _capture(client, url, "Dr Presenter", 3)

    assert len(ctx1) == len(ctx3) == 7, sql(ctx1, ctx3)


def _add_pending_and_member(program) -> None:
    EnrollmentFactory(
        program=program, status=Enrollment.Status.PENDING, user=UserFactory(organization="Pending Site")
    )
    EnrollmentFactory(program=program, user=UserFactory(organization="Member Site"))


def test_manage_enrollment_query_count_is_constant(client, coordinator, program):
    client.force_login(coordinator)
    url = reverse("sessions:manage_enrollment", kwargs={"slug": program.slug})
    _add_pending_and_member(program)
    ctx1 = _capture(client, url, "Pending Site", 1)
    _add_pending_and_member(program)
    _add_pending_and_member(program)

    ctx3 = _capture(client, url, "Member Site", 3)

    assert len(ctx1) == len(ctx3) == 8, sql(ctx1, ctx3)


def test_calendar_feed_query_count_is_constant(client, participant, program):
    url = reverse("calendar_feed", kwargs={"token": participant.calendar_token})
    _add_member_program(participant)
    ctx1 = _capture(client, url, "BEGIN:VEVENT", 1)
    _add_member_program(participant)
    _add_sessions(program, 1)

    ctx3 = _capture(client, url, "BEGIN:VEVENT", 3)

    assert len(ctx1) == len(ctx3) == 2, sql(ctx1, ctx3)


def test_visible_programs_checks_membership_without_joining_every_enrollment():
    open_program = ProgramFactory(name="Open", is_open_for_enrollment=True)
    closed_mine = ProgramFactory(name="Closed, mine", is_open_for_enrollment=False)
    ProgramFactory(name="Closed, not mine", is_open_for_enrollment=False)
    user = UserFactory()
    EnrollmentFactory(program=closed_mine, user=user)
    EnrollmentFactory(program=open_program, user=user)
    for _ in range(3):
        EnrollmentFactory(program=open_program)

    programs = visible_programs(user).order_by("name")

    assert list(programs) == [closed_mine, open_program]  # each once, though 4 are enrolled in Open
    sql = str(programs.query).upper()
    assert "EXISTS" in sql
    assert " JOIN " not in sql and "DISTINCT" not in sql
