"""Coordinators' side of invitations, at the service: sending, sending again with a new link
and expiry, revoking, and the audit trail of each."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from echo_hub.audit.models import AuditEvent
from echo_hub.lib.timefmt import date_time
from sessions import invitations as services
from sessions.models import Enrollment, Invitation, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

A = AuditEvent.Action
INVITATION = "echo_sessions.invitation"


def _at(time_machine, moment) -> None:
    time_machine.move_to(moment, tick=False)


def _membership(user, program) -> tuple | None:
    enrollment = Enrollment.objects.filter(user=user, program=program).first()
    return (enrollment.role, enrollment.status) if enrollment else None


# sending


def test_invite_to_program_expires_after_the_configured_days(
    settings, time_machine, program, coordinator, django_capture_on_commit_callbacks
):
    settings.INVITATION_EXPIRY_DAYS = 3
    moment = timezone.now()
    _at(time_machine, moment)

    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = services.invite_to_program(
            program=program, emails=["Jordan@Example.org"], role=Role.EXPERT, by=coordinator
        )

    invitation.refresh_from_db()
    assert (invitation.email, invitation.sent_at, invitation.expires_at) == (
        "jordan@example.org",
        moment,
        moment + timedelta(days=3),
    )
    expires = date_time(moment + timedelta(days=3), program.zone)
    assert f"This link works once, until {expires}. If it has expired, ask {coordinator.full_name}" in (
        mail.outbox[0].body
    )


def test_invite_to_program_emails_each_address_a_link(
    program, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitations = services.invite_to_program(
            program=program,
            emails=["Dr.Lee@Clinic.example", "np@fht.example"],
            role=Role.EXPERT,
            by=coordinator,
        )

    assert [(i.email, i.role, i.invited_by) for i in invitations] == [
        ("dr.lee@clinic.example", Role.EXPERT, coordinator),
        ("np@fht.example", Role.EXPERT, coordinator),
    ]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["dr.lee@clinic.example"], "You're invited to join Chronic Pain & Opioid Stewardship on ECHO Hub"),
        (["np@fht.example"], "You're invited to join Chronic Pain & Opioid Stewardship on ECHO Hub"),
    ]
    assert f"http://testserver/invitations/{invitations[0].token}/" in mail.outbox[0].body


def test_invitation_state_follows_its_dates(time_machine, invitation, invitee):
    before = invitation.state
    _at(time_machine, invitation.expires_at)
    expired = Invitation.objects.get(pk=invitation.pk).state

    assert (before, expired) == (Invitation.State.PENDING, Invitation.State.EXPIRED)


# revoke


def test_revoke_invitation_twice_keeps_the_first_revocation(coordinator, invitation):
    services.revoke_invitation(invitation=invitation, by=coordinator)
    invitation.refresh_from_db()
    revoked_at = invitation.revoked_at

    services.revoke_invitation(invitation=invitation, by=UserFactory())

    invitation.refresh_from_db()
    assert (invitation.revoked_at, invitation.revoked_by) == (revoked_at, coordinator)
    assert AuditEvent.objects.filter(action=A.INVITATION_REVOKED).count() == 1


def test_revoke_accepted_invitation_is_refused(coordinator, invitation, invitee):
    services.accept_invitation(invitation=invitation, user=invitee)

    with pytest.raises(ValidationError) as caught:
        services.revoke_invitation(invitation=invitation, by=coordinator)

    assert caught.value.messages == [
        "jordan@example.org already accepted this invitation: remove them from the roster instead."
    ]
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# resend


def test_resend_invitation_gives_a_new_link_and_expiry(
    time_machine, coordinator, invitation, invitee, django_capture_on_commit_callbacks
):
    old_token = invitation.token
    later = timezone.now() + timedelta(days=10)
    _at(time_machine, later)

    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(invitation=invitation, by=coordinator)

    invitation.refresh_from_db()
    assert invitation.token != old_token
    assert (invitation.sent_at, invitation.expires_at) == (later, later + timedelta(days=14))
    assert [m.to for m in mail.outbox] == [["jordan@example.org"]]
    assert f"http://testserver/invitations/{invitation.token}/" in mail.outbox[0].body
    assert Invitation.objects.filter(token=old_token).exists() is False


def test_resend_revives_an_expired_invitation(time_machine, program, coordinator, invitation, invitee):
    _at(time_machine, invitation.expires_at + timedelta(days=1))
    services.resend_invitation(invitation=invitation, by=coordinator)
    invitation.refresh_from_db()

    services.accept_invitation(invitation=invitation, user=invitee)

    assert _membership(invitee, program) == (Role.EXPERT, Enrollment.Status.APPROVED)


@pytest.mark.parametrize("outcome", ["accepted", "revoked"])
def test_resend_of_a_closed_invitation_is_refused(coordinator, invitation, invitee, outcome):
    if outcome == "accepted":
        services.accept_invitation(invitation=invitation, user=invitee)
    else:
        services.revoke_invitation(invitation=invitation, by=coordinator)
    invitation.refresh_from_db()
    token = invitation.token

    with pytest.raises(ValidationError) as caught:
        services.resend_invitation(invitation=invitation, by=coordinator)

    assert caught.value.messages == [
        {
            "accepted": "jordan@example.org already accepted this invitation.",
            "revoked": "This invitation was revoked: send a new one from “Invite people”.",
        }[outcome]
    ]
    invitation.refresh_from_db()
    assert invitation.token == token
    assert mail.outbox == []


# audit trail


def test_invitation_sent_resent_and_revoked_are_recorded(program, coordinator):
    first, second = services.invite_to_program(
        program=program, emails=["a@example.org", "b@example.org"], role=Role.EXPERT, by=coordinator
    )
    services.resend_invitation(invitation=first, by=coordinator)
    services.revoke_invitation(invitation=second, by=coordinator)

    events = AuditEvent.objects.order_by("pk")
    assert [
        (e.action, e.actor_id, e.program_id, e.object_type, e.object_id, e.object_label, e.extra)
        for e in events
    ] == [
        (
            A.INVITATION_SENT,
            coordinator.pk,
            program.pk,
            INVITATION,
            first.pk,
            f"Invitation #{first.pk}",
            {"role": "expert"},
        ),
        (
            A.INVITATION_SENT,
            coordinator.pk,
            program.pk,
            INVITATION,
            second.pk,
            f"Invitation #{second.pk}",
            {"role": "expert"},
        ),
        (
            A.INVITATION_RESENT,
            coordinator.pk,
            program.pk,
            INVITATION,
            first.pk,
            f"Invitation #{first.pk}",
            {"role": "expert"},
        ),
        (
            A.INVITATION_REVOKED,
            coordinator.pk,
            program.pk,
            INVITATION,
            second.pk,
            f"Invitation #{second.pk}",
            {"role": "expert"},
        ),
    ]
