from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from echo_hub.notifications.models import Notification
from echo_hub.site.waiting import waiting_for_coordinator
from sessions.models import Enrollment, Role, program_scope
from tests.factories import (
    AttendanceClaimFactory,
    AttendanceFactory,
    CaseFactory,
    CaseSlotFactory,
    EnrollmentFactory,
    NotificationFactory,
    PastSessionFactory,
    ProgramFactory,
    RecommendationFactory,
    RecommendationLetterFactory,
    UserFactory,
)
from tests.querycount import capture_render, sql

pytestmark = pytest.mark.django_db


def _fill(program) -> dict:
    """One of everything that waits for a coordinator of `program`."""
    past = PastSessionFactory(program=program)
    EnrollmentFactory(program=program, status=Enrollment.Status.PENDING)
    claim = AttendanceClaimFactory(session=past)
    AttendanceFactory(session=past, source="join", minutes=40)
    CaseFactory(program=program, status=Case.Status.SUBMITTED)
    to_finalize = CaseSlotFactory(case__program=program, session=past).case
    RecommendationFactory(case=to_finalize)
    NotificationFactory(status=Notification.Status.FAILED, scope=program_scope(program.pk))
    return {"session": past, "claim": claim}


def _labels(user) -> dict[str, list[str]]:
    return {w.program.name: [item.label for item in w.items] for w in waiting_for_coordinator(user)}


def test_waiting_lists_each_kind_of_work_with_its_count(coordinator, program):
    _fill(program)

    assert _labels(coordinator) == {
        program.name: [
            "1 enrollment request",
            "1 “I attended” request",
            "1 case to screen",
            "1 letter to finalise",
            "1 failed message",
            "1 provisional attendance to confirm",
        ]
    }


def test_waiting_is_empty_when_nothing_waits(coordinator, program):
    past = PastSessionFactory(program=program)
    AttendanceFactory(session=past, source="roster")  # verified
    AttendanceClaimFactory(session=past, status="approved")
    sent = CaseSlotFactory(case__program=program, case__status=Case.Status.LETTER_SENT, session=past).case
    RecommendationFactory(case=sent)
    RecommendationLetterFactory(case=sent)
    # Recommendations but the session has not started: nothing to finalise yet.
    RecommendationFactory(case=CaseSlotFactory(case__program=program).case)
    NotificationFactory(status=Notification.Status.SENT, scope=program_scope(program.pk))

    assert _labels(coordinator) == {program.name: []}


def test_waiting_counts_nothing_of_another_program(coordinator, program, other_program):
    _fill(other_program)

    assert _labels(coordinator) == {program.name: []}


def test_waiting_links_claims_and_provisional_attendance_to_the_oldest_session(coordinator, program):
    first = _fill(program)["session"]
    later = PastSessionFactory(program=program, starts_at=timezone.now() - timedelta(days=2))
    AttendanceClaimFactory(session=later)

    items = {item.label: item for item in waiting_for_coordinator(coordinator)[0].items}

    attendance_url = reverse("sessions:manage_attendance", args=[program.slug, first.pk])
    assert items["2 “I attended” requests"].count == 2
    assert items["2 “I attended” requests"].url == attendance_url
    assert items["1 provisional attendance to confirm"].url == attendance_url


def test_waiting_counts_overdue_letters_as_urgent(coordinator, program):
    long_ago = PastSessionFactory(program=program, starts_at=timezone.now() - timedelta(days=20))
    CaseSlotFactory(case__program=program, session=long_ago)

    items = waiting_for_coordinator(coordinator)[0].items

    assert [(i.label, i.urgent) for i in items] == [("1 overdue letter", True)]


def test_dashboard_shows_what_waits_with_links(client, coordinator, program):
    _fill(program)
    client.force_login(coordinator)

    body = client.get(reverse("home")).content.decode()

    assert "What waits for you" in body
    assert (
        f'href="{reverse("sessions:manage_enrollment", args=[program.slug])}">1 enrollment request</a>'
        in body
    )
    assert f'href="{reverse("cases:queue", args=[program.slug])}">1 letter to finalise</a>' in body
    assert ">1 “I attended” request</a>" in body
    assert ">1 provisional attendance to confirm</a>" in body


def test_dashboard_says_when_nothing_waits(client, coordinator, program):
    client.force_login(coordinator)

    body = client.get(reverse("home")).content.decode()

    assert "Nothing waits for you in this program." in body


def test_dashboard_shows_no_waiting_panel_to_a_participant(client, participant, program):
    _fill(program)
    client.force_login(participant)

    body = client.get(reverse("home")).content.decode()

    assert "What waits for you" not in body
    assert "enrollment request" not in body


def test_dashboard_waiting_query_count_does_not_grow_with_programs(client, coordinator, program):
    _fill(program)
    client.force_login(coordinator)
    ctx1, body1 = capture_render(client, reverse("home"))
    for _ in range(2):
        other = ProgramFactory()
        EnrollmentFactory(program=other, user=coordinator, role=Role.COORDINATOR)
        _fill(other)

    ctx3, body3 = capture_render(client, reverse("home"))

    assert body1.count("1 letter to finalise</a>") == 1
    assert body3.count("1 letter to finalise</a>") == 3
    assert len(ctx1) == len(ctx3), sql(ctx1, ctx3)


def test_dashboard_shows_a_superuser_what_waits_in_every_program(client, program):
    _fill(program)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    body = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("cases:queue", args=[program.slug])}">1 letter to finalise</a>' in body


def test_dashboard_shows_no_waiting_panel_while_the_coordinator_enrollment_is_pending(client, program):
    _fill(program)
    pending = EnrollmentFactory(program=program, role=Role.COORDINATOR, status=Enrollment.Status.PENDING).user
    client.force_login(pending)

    body = client.get(reverse("home")).content.decode()

    assert "What waits for you" not in body
