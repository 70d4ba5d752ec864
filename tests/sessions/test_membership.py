"""A coordinator changes a member's role or takes them off the roster; a program always
keeps a coordinator, and every change is in the audit trail."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from echo_hub.audit.models import AuditEvent
from sessions import services
from sessions.models import Enrollment, Role
from tests.factories import EnrollmentFactory
from tests.snapshot import changes_since, snapshot

Action = AuditEvent.Action


def _enrollment(user, program) -> Enrollment:
    return Enrollment.objects.get(user=user, program=program)


def _role_url(program, enrollment) -> str:
    return reverse("sessions:manage_enrollment_role", args=[program.slug, enrollment.pk])


def _remove_url(program, enrollment) -> str:
    return reverse("sessions:manage_enrollment_remove", args=[program.slug, enrollment.pk])


@pytest.mark.django_db
def test_coordinator_makes_a_participant_a_hub_expert(client, coordinator, participant, program):
    member = _enrollment(participant, program)
    client.force_login(coordinator)

    response = client.post(_role_url(program, member), {"role": Role.EXPERT}, follow=True)

    member.refresh_from_db()
    assert member.role == Role.EXPERT
    assert "is now hub expert" in response.content.decode()
    event = AuditEvent.objects.get(action=Action.ROLE_CHANGED)
    assert (event.actor, event.program_id, event.object_id) == (coordinator, program.pk, member.pk)
    assert event.extra["old_role"] == Role.PARTICIPANT
    assert event.extra["role"] == Role.EXPERT


@pytest.mark.django_db
def test_unknown_role_is_refused_and_changes_nothing(client, coordinator, participant, program):
    member = _enrollment(participant, program)
    client.force_login(coordinator)

    response = client.post(_role_url(program, member), {"role": "superuser"}, follow=True)

    member.refresh_from_db()
    assert member.role == Role.PARTICIPANT
    assert "Choose a role: participant, hub expert or coordinator." in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.ROLE_CHANGED).exists()


@pytest.mark.django_db
def test_the_only_coordinator_cannot_step_down_or_leave(client, coordinator, program):
    own = _enrollment(coordinator, program)
    client.force_login(coordinator)

    demoted = client.post(_role_url(program, own), {"role": Role.PARTICIPANT}, follow=True)
    removed = client.post(_remove_url(program, own), follow=True)

    own.refresh_from_db()
    assert (own.role, own.status) == (Role.COORDINATOR, Enrollment.Status.APPROVED)
    for response in (demoted, removed):
        assert "A program needs at least one coordinator" in response.content.decode()
    assert not AuditEvent.objects.filter(action__in=[Action.ROLE_CHANGED, Action.MEMBER_REMOVED]).exists()


@pytest.mark.django_db
def test_a_coordinator_with_a_colleague_may_step_down_and_leaves_the_manage_pages(
    client, coordinator, program
):
    EnrollmentFactory(program=program, role=Role.COORDINATOR)
    own = _enrollment(coordinator, program)
    client.force_login(coordinator)

    response = client.post(_role_url(program, own), {"role": Role.EXPERT})

    own.refresh_from_db()
    assert own.role == Role.EXPERT
    assert response["Location"] == reverse("home")
    assert client.get(reverse("sessions:manage_enrollment", args=[program.slug])).status_code == 403


@pytest.mark.django_db
def test_removed_member_loses_access_and_may_ask_again(client, coordinator, participant, program):
    member = _enrollment(participant, program)
    client.force_login(coordinator)

    client.post(_remove_url(program, member))

    member.refresh_from_db()
    assert member.status == Enrollment.Status.REMOVED
    assert member.decided_by == coordinator
    roster = client.get(reverse("sessions:manage_enrollment", args=[program.slug])).content.decode()
    assert participant.email not in roster
    event = AuditEvent.objects.get(action=Action.MEMBER_REMOVED)
    assert (event.actor, event.object_id, event.extra["user_id"]) == (coordinator, member.pk, participant.pk)

    client.force_login(participant)
    assert client.get(reverse("sessions:program_sessions", args=[program.slug])).status_code == 404
    page = client.get(reverse("sessions:program_detail", args=[program.slug])).content.decode()
    assert "A coordinator removed you from this program. You may ask to join again." in page
    client.post(reverse("sessions:program_enroll", args=[program.slug]))
    member.refresh_from_db()
    assert member.status == Enrollment.Status.PENDING


@pytest.mark.django_db
def test_only_current_members_can_be_changed(coordinator, pending_user, program):
    request = _enrollment(pending_user, program)

    with pytest.raises(ValidationError, match="Only a current member"):
        services.change_role(enrollment=request, role=Role.EXPERT, by=coordinator)
    with pytest.raises(ValidationError, match="Only a current member"):
        services.remove_member(enrollment=request, by=coordinator)

    request.refresh_from_db()
    assert (request.role, request.status) == (Role.PARTICIPANT, Enrollment.Status.PENDING)


@pytest.mark.django_db
def test_same_role_again_changes_nothing_and_records_nothing(coordinator, participant, program):
    member = _enrollment(participant, program)

    services.change_role(enrollment=member, role=Role.PARTICIPANT, by=coordinator)

    assert not AuditEvent.objects.filter(action=Action.ROLE_CHANGED).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["sessions:manage_enrollment_role", "sessions:manage_enrollment_remove"])
def test_another_programs_member_cannot_be_changed_through_either_slug(
    client, coordinator, program, other_program, name
):
    stranger = EnrollmentFactory(program=other_program, role=Role.PARTICIPANT)
    client.force_login(coordinator)
    before = snapshot()

    responses = [
        client.post(reverse(name, args=[slug, stranger.pk]), {"role": Role.COORDINATOR})
        for slug in (program.slug, other_program.slug)
    ]

    assert [r.status_code for r in responses] == [404, 404]
    stranger.refresh_from_db()
    assert (stranger.role, stranger.status) == (Role.PARTICIPANT, Enrollment.Status.APPROVED)
    assert changes_since(before) == {}


@pytest.mark.django_db
def test_roster_offers_each_members_role_and_removal(client, coordinator, expert, program):
    client.force_login(coordinator)

    page = client.get(reverse("sessions:manage_enrollment", args=[program.slug])).content.decode()

    member = _enrollment(expert, program)
    assert _role_url(program, member) in page
    assert _remove_url(program, member) in page
    assert f'<label class="visually-hidden" for="role-{member.pk}">Role of {expert.email}</label>' in page
    assert '<option value="expert" selected>' in page
