"""Manage › Failed messages belongs to the program that sent them: the coordinator of another
program never sees or resends them, not even for a member the two programs share."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from echo_hub.notifications.models import Notification
from sessions import invitations, services
from sessions.models import Enrollment
from tests.factories import EnrollmentFactory, UserFactory
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db

BOUNCED = "SMTPRecipientsRefused: 550 5.1.1 Mailbox unavailable"


@pytest.fixture
def shared_member(program, other_program):
    """A family physician in both programs, approved into Addiction Medicine just now."""
    user = UserFactory(email="dr.shared@example.org", full_name="Dana Shared")
    EnrollmentFactory(user=user, program=program)
    EnrollmentFactory(user=user, program=other_program, status=Enrollment.Status.PENDING)
    return user


@pytest.fixture
def other_programs_failed_message(other_program, other_coordinator, shared_member):
    """Addiction Medicine's approval email to the shared member, which bounced five times."""
    enrollment = Enrollment.objects.get(user=shared_member, program=other_program)
    services.approve_enrollment(enrollment=enrollment, by=other_coordinator)
    message = Notification.objects.get(kind="enrollment_approved", email=shared_member.email)
    Notification.objects.filter(pk=message.pk).update(
        status=Notification.Status.FAILED, attempts=5, last_error=BOUNCED
    )
    message.refresh_from_db()
    return message


def _failed_page(client, user, slug: str) -> str:
    client.force_login(user)
    return client.get(reverse("sessions:manage_failed_messages", args=[slug])).content.decode()


def _state(message: Notification) -> tuple:
    message.refresh_from_db()
    return message.status, message.attempts, message.last_error


def test_failed_messages_of_another_program_are_not_listed_for_a_shared_member(
    client, coordinator, program, other_programs_failed_message
):
    client.force_login(coordinator)

    response = client.get(reverse("sessions:manage_failed_messages", args=[program.slug]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "dr.shared@example.org" not in body
    assert escape(other_programs_failed_message.subject) not in body
    assert "550 5.1.1" not in body
    assert '<p class="h5">Every message went out</p>' in body


def test_retry_of_another_programs_message_to_a_shared_member_is_404_and_changes_nothing(
    client, coordinator, program, other_programs_failed_message, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("sessions:manage_retry_message", args=[program.slug, other_programs_failed_message.pk])
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 404
    assert "dr.shared@example.org" not in response.content.decode()
    assert _state(other_programs_failed_message) == (Notification.Status.FAILED, 5, BOUNCED)
    assert mail.outbox == []
    assert changes_since(before) == {}


def test_dashboard_counts_no_failed_message_of_another_program(
    client, coordinator, program, other_programs_failed_message
):
    client.force_login(coordinator)

    response = client.get(reverse("home"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "failed message" not in body


def test_the_sending_programs_coordinator_sees_and_resends_the_message(
    client,
    other_coordinator,
    other_program,
    other_programs_failed_message,
    django_capture_on_commit_callbacks,
):
    client.force_login(other_coordinator)
    listed = client.get(reverse("sessions:manage_failed_messages", args=[other_program.slug]))
    dashboard = client.get(reverse("home"))

    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(
            reverse(
                "sessions:manage_retry_message", args=[other_program.slug, other_programs_failed_message.pk]
            )
        )

    assert '<td data-label="To">dr.shared@example.org</td>' in listed.content.decode()
    assert escape(other_programs_failed_message.subject) in listed.content.decode()
    assert ">1 failed message</a>" in dashboard.content.decode()
    assert retried.status_code == 302
    assert _state(other_programs_failed_message) == (Notification.Status.SENT, 1, "")
    assert [m.to for m in mail.outbox] == [["dr.shared@example.org"]]


def test_failed_invitation_to_a_newcomer_is_listed_for_the_inviting_program(
    client, coordinator, program, other_program, other_coordinator
):
    invitations.invite_to_program(
        program=other_program, emails=["newcomer@example.org"], role="participant", by=other_coordinator
    )
    Notification.objects.update(status=Notification.Status.FAILED, attempts=5, last_error=BOUNCED)

    listings = {
        user.email: _failed_page(client, user, slug)
        for user, slug in ((other_coordinator, other_program.slug), (coordinator, program.slug))
    }

    assert ('<td data-label="To">newcomer@example.org</td>' in listings[other_coordinator.email]) is True
    assert ("newcomer@example.org" in listings[coordinator.email]) is False
