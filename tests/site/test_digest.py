from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse

from echo_hub.notifications.models import Notification
from echo_hub.site.digest import DIGEST_KIND, send_coordinator_digests
from echo_hub.site.tasks import send_coordinator_digests_task
from sessions.models import Enrollment
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

# 08:00 in Toronto, where the coordinators live.
MORNING = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def morning(time_machine):
    time_machine.move_to(MORNING)


@pytest.fixture
def request_waiting(program, morning):
    return EnrollmentFactory(program=program, status=Enrollment.Status.PENDING)


def _digests() -> list[Notification]:
    return list(Notification.objects.filter(kind=DIGEST_KIND))


def test_digest_lists_what_waits_with_links(
    coordinator, program, request_waiting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = send_coordinator_digests()

    assert queued == 1
    [message] = mail.outbox
    assert message.to == ["coord@example.org"]
    assert message.subject == "1 thing waits for you in ECHO Hub"
    enrollment_url = "http://testserver" + reverse("sessions:manage_enrollment", args=[program.slug])
    assert f"- 1 enrollment request: {enrollment_url}" in message.body
    assert program.name in message.body
    assert reverse("accounts:profile") in message.body
    html = message.alternatives[0][0]
    assert f'<a href="{enrollment_url}">1 enrollment request</a>' in html


def test_digest_goes_out_once_a_day(coordinator, request_waiting, time_machine):
    send_coordinator_digests()
    time_machine.move_to(MORNING.replace(hour=18))
    again = send_coordinator_digests()

    assert again == 0
    assert [n.object_key for n in _digests()] == ["digest:2026-10-01"]


def test_digest_goes_out_again_the_next_day(coordinator, request_waiting, time_machine):
    send_coordinator_digests()
    time_machine.move_to(MORNING.replace(day=2))

    assert send_coordinator_digests() == 1
    assert sorted(n.object_key for n in _digests()) == ["digest:2026-10-01", "digest:2026-10-02"]


def test_digest_waits_for_the_coordinators_morning(coordinator, request_waiting, time_machine):
    time_machine.move_to(MORNING.replace(hour=10))  # 06:00 in Toronto

    assert send_coordinator_digests() == 0
    assert _digests() == []


def test_no_digest_when_nothing_waits(coordinator, program, morning):
    assert send_coordinator_digests() == 0
    assert _digests() == []


def test_no_digest_for_a_coordinator_who_opted_out(coordinator, request_waiting):
    coordinator.daily_digest = False
    coordinator.save(update_fields=["daily_digest"])

    assert send_coordinator_digests() == 0
    assert _digests() == []


def test_no_digest_about_another_programs_work(coordinator, other_coordinator, other_program, morning):
    EnrollmentFactory(program=other_program, status=Enrollment.Status.PENDING)

    assert send_coordinator_digests() == 1
    assert [n.email for n in _digests()] == ["other-coord@example.org"]


def test_no_digest_for_participants(participant, program, request_waiting):
    assert send_coordinator_digests() == 0


def test_digest_task_queues_through_the_outbox(coordinator, request_waiting):
    assert send_coordinator_digests_task() == 1
    assert [(n.email, n.status) for n in _digests()] == [("coord@example.org", Notification.Status.PENDING)]


def test_profile_turns_the_digest_off(client, coordinator):
    client.force_login(coordinator)
    data = {
        "full_name": coordinator.full_name,
        "profession": coordinator.profession,
        "organization": coordinator.organization,
        "community_type": coordinator.community_type,
        "time_zone": coordinator.time_zone,
        "language": coordinator.language,
    }

    response = client.post(reverse("accounts:profile"), data)

    coordinator.refresh_from_db()
    assert response.status_code == 302
    assert coordinator.daily_digest is False


def test_profile_offers_the_digest_ticked_by_default(client, coordinator):
    client.force_login(coordinator)

    body = client.get(reverse("accounts:profile")).content.decode()

    assert 'name="daily_digest"' in body
    assert coordinator.daily_digest is True
