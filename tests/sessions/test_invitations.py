"""Accepting an invitation, at the service: used once, until it expires, unless revoked, only
by the invited (verified) address, never undoing a removal, a hub role only with an authenticator."""

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import ValidationError
from django.utils import timezone

from echo_hub.audit.models import AuditEvent
from sessions import invitations as services
from sessions import services as enrollment_services
from sessions.models import Enrollment, Invitation, Role
from tests.factories import EnrollmentFactory, InvitationFactory, UserFactory, with_email_address

pytestmark = pytest.mark.django_db

A = AuditEvent.Action
INVITATION = "echo_sessions.invitation"


def _at(time_machine, moment) -> None:
    time_machine.move_to(moment, tick=False)


def _refusal(invitation: Invitation, user) -> tuple[list[str], str]:
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(invitation=invitation, user=user)
    return caught.value.messages, caught.value.code


def _membership(user, program) -> tuple | None:
    enrollment = Enrollment.objects.filter(user=user, program=program).first()
    return (enrollment.role, enrollment.status) if enrollment else None


# accepting


def test_accept_invitation_enrolls_with_the_invited_role(program, coordinator, invitation, invitee):
    enrollment = services.accept_invitation(invitation=invitation, user=invitee)

    enrollment.refresh_from_db()
    invitation.refresh_from_db()
    assert (enrollment.user, enrollment.role, enrollment.status, enrollment.decided_by) == (
        invitee,
        Role.EXPERT,
        Enrollment.Status.APPROVED,
        coordinator,
    )
    assert invitation.accepted_by == invitee
    assert invitation.state == Invitation.State.ACCEPTED


def test_accept_invitation_approves_a_pending_request_with_the_invited_role(program, invitation, invitee):
    EnrollmentFactory(program=program, user=invitee, status=Enrollment.Status.PENDING)

    services.accept_invitation(invitation=invitation, user=invitee)

    assert _membership(invitee, program) == (Role.EXPERT, Enrollment.Status.APPROVED)


# expiry


def test_accept_invitation_one_second_before_expiry_enrolls(time_machine, program, invitation, invitee):
    _at(time_machine, invitation.expires_at - timedelta(seconds=1))

    services.accept_invitation(invitation=invitation, user=invitee)

    assert _membership(invitee, program) == (Role.EXPERT, Enrollment.Status.APPROVED)


def test_accept_invitation_at_expiry_is_refused(time_machine, program, invitation, invitee):
    _at(time_machine, invitation.expires_at)

    messages, code = _refusal(invitation, invitee)

    assert code == "expired"
    assert messages == [
        f"This invitation has expired. Ask {invitation.invited_by.full_name} at "
        "Chronic Pain & Opioid Stewardship for a new one."
    ]
    assert _membership(invitee, program) is None
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.accepted_by) == (None, None)


# used once


def test_accept_invitation_twice_by_the_same_member_changes_nothing(program, invitation, invitee):
    first = services.accept_invitation(invitation=invitation, user=invitee)
    invitation.refresh_from_db()
    accepted_at = invitation.accepted_at

    second = services.accept_invitation(invitation=invitation, user=invitee)

    invitation.refresh_from_db()
    assert second.pk == first.pk
    assert invitation.accepted_at == accepted_at
    assert AuditEvent.objects.filter(action=A.INVITATION_ACCEPTED).count() == 1


def test_accept_invitation_used_by_someone_else_is_refused(program, invitation, invitee):
    services.accept_invitation(invitation=invitation, user=invitee)
    latecomer = with_email_address(UserFactory(email="latecomer@example.org"))

    messages, code = _refusal(invitation, latecomer)

    assert (messages, code) == (["This invitation has already been used."], "used")
    assert _membership(latecomer, program) is None
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee


def test_removed_member_replaying_their_invitation_stays_removed(program, coordinator, invitation, invitee):
    enrollment = services.accept_invitation(invitation=invitation, user=invitee)
    enrollment_services.remove_member(enrollment=enrollment, by=coordinator)

    messages, code = _refusal(invitation, invitee)

    assert (messages, code) == (["This invitation has already been used."], "used")
    assert _membership(invitee, program) == (Role.EXPERT, Enrollment.Status.REMOVED)


def test_unused_invitation_sent_before_a_removal_cannot_undo_it(time_machine, program, coordinator, invitee):
    earlier = InvitationFactory(
        program=program, email=invitee.email, role=Role.EXPERT, invited_by=coordinator
    )
    member = EnrollmentFactory(program=program, user=invitee, role=Role.EXPERT)
    _at(time_machine, timezone.now() + timedelta(minutes=5))
    enrollment_services.remove_member(enrollment=member, by=coordinator)

    messages, code = _refusal(earlier, invitee)

    assert code == "removed"
    assert messages == [
        "You were removed from Chronic Pain & Opioid Stewardship after this invitation was sent, "
        "so it cannot bring you back. Ask a coordinator for a new invitation."
    ]
    assert _membership(invitee, program) == (Role.EXPERT, Enrollment.Status.REMOVED)


def test_invitation_sent_after_a_removal_brings_the_member_back(time_machine, program, coordinator, invitee):
    member = EnrollmentFactory(program=program, user=invitee, role=Role.EXPERT)
    enrollment_services.remove_member(enrollment=member, by=coordinator)
    _at(time_machine, timezone.now() + timedelta(minutes=5))
    (fresh,) = services.invite_to_program(
        program=program, emails=[invitee.email], role=Role.PARTICIPANT, by=coordinator
    )

    services.accept_invitation(invitation=fresh, user=invitee)

    assert _membership(invitee, program) == (Role.PARTICIPANT, Enrollment.Status.APPROVED)


# the invited address only


def test_accept_invitation_by_another_account_is_refused(program, invitation):
    stranger = with_email_address(UserFactory(email="stranger@example.org"))

    messages, code = _refusal(invitation, stranger)

    assert code == "wrong_address"
    assert messages == [
        "This invitation is for j•••@example.org, but you are signed in as stranger@example.org."
    ]
    assert _membership(stranger, program) is None
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_accept_invitation_matches_the_address_whatever_its_case(program, coordinator):
    invitation = InvitationFactory(program=program, email="dr.lee@clinic.example", invited_by=coordinator)
    user = with_email_address(UserFactory(email="Dr.Lee@Clinic.Example"))

    services.accept_invitation(invitation=invitation, user=user)

    assert _membership(user, program) == (Role.PARTICIPANT, Enrollment.Status.APPROVED)


def test_accept_invitation_with_a_verified_second_address_enrolls(program, invitation):
    user = with_email_address(UserFactory(email="work@hospital.example"))
    with_email_address(user, "Jordan@example.org")

    services.accept_invitation(invitation=invitation, user=user)

    assert _membership(user, program) == (Role.EXPERT, Enrollment.Status.APPROVED)


def test_accept_invitation_with_the_address_unverified_is_refused(program, invitation):
    user = with_email_address(UserFactory(email="jordan@example.org"), verified=False)

    messages, code = _refusal(invitation, user)

    assert code == "unverified"
    assert messages == [
        "Confirm your email address j•••@example.org first: use the link we emailed you, "
        "or send a new one from your email settings."
    ]
    assert _membership(user, program) is None


def test_accept_invitation_with_no_address_record_is_refused(program, invitation):
    user = UserFactory(email="jordan@example.org")

    _, code = _refusal(invitation, user)

    assert code == "unverified"
    assert _membership(user, program) is None


# revoked


def test_revoked_invitation_cannot_be_accepted(program, coordinator, invitation, invitee):
    services.revoke_invitation(invitation=invitation, by=coordinator)

    messages, code = _refusal(invitation, invitee)

    assert code == "revoked"
    assert messages == [
        f"This invitation was withdrawn. Ask {coordinator.full_name} at "
        "Chronic Pain & Opioid Stewardship if you still want to join."
    ]
    assert _membership(invitee, program) is None


# two-factor authentication before a hub role


def test_accept_expert_invitation_needs_an_authenticator_first(settings, program, invitation, invitee):
    settings.MFA_REQUIRED_FOR_HUB_ROLES = True

    messages, code = _refusal(invitation, invitee)

    assert code == "mfa_required"
    assert messages == [
        "Hub experts sign in with an authenticator app. Set one up, then accept the invitation."
    ]
    assert _membership(invitee, program) is None
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_accept_expert_invitation_with_an_authenticator_enrolls(settings, program, invitation, invitee):
    settings.MFA_REQUIRED_FOR_HUB_ROLES = True
    TOTP.activate(invitee, generate_totp_secret())

    services.accept_invitation(invitation=invitation, user=invitee)

    assert _membership(invitee, program) == (Role.EXPERT, Enrollment.Status.APPROVED)


def test_accept_participant_invitation_needs_no_authenticator(settings, program, coordinator, invitee):
    settings.MFA_REQUIRED_FOR_HUB_ROLES = True
    invitation = InvitationFactory(program=program, email=invitee.email, invited_by=coordinator)

    services.accept_invitation(invitation=invitation, user=invitee)

    assert _membership(invitee, program) == (Role.PARTICIPANT, Enrollment.Status.APPROVED)


def test_accept_invitation_by_a_member_keeps_their_role_and_uses_it_up(program, invitation, invitee):
    EnrollmentFactory(program=program, user=invitee, role=Role.COORDINATOR)

    services.accept_invitation(invitation=invitation, user=invitee)

    invitation.refresh_from_db()
    assert _membership(invitee, program) == (Role.COORDINATOR, Enrollment.Status.APPROVED)
    assert (invitation.state, invitation.accepted_by) == (Invitation.State.ACCEPTED, invitee)


# audit trail


def test_invitation_accepted_is_recorded_on_the_enrollment(program, invitation, invitee):
    enrollment = services.accept_invitation(invitation=invitation, user=invitee)

    (event,) = AuditEvent.objects.filter(action=A.INVITATION_ACCEPTED)
    assert (event.actor_id, event.object_type, event.object_id, event.program_id, event.extra) == (
        invitee.pk,
        "echo_sessions.enrollment",
        enrollment.pk,
        program.pk,
        {"user_id": invitee.pk, "role": "expert", "invitation_id": invitation.pk},
    )
