"""The rules of invitations, at the service: used once, expire, can be revoked or resent,
only for the invited (verified) address, and never undo a removal."""

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from echo_hub.audit.models import AuditEvent
from echo_hub.lib.timefmt import date_time
from sessions import invitations as services
from sessions import services as enrollment_services
from sessions.models import Enrollment, Invitation, Role
from tests.factories import EnrollmentFactory, InvitationFactory, UserFactory, with_email_address

pytestmark = pytest.mark.django_db

A = AuditEvent.Action
INVITATION = "echo_sessions.invitation"


@pytest.fixture
def invitee(db):
    return with_email_address(UserFactory(email="jordan@example.org"))


@pytest.fixture
def invitation(program, coordinator):
    return InvitationFactory(
        program=program, email="jordan@example.org", role=Role.EXPERT, invited_by=coordinator
    )


def _at(monkeypatch, moment) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _refusal(invitation: Invitation, user) -> tuple[list[str], str]:
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(invitation=invitation, user=user)
    return caught.value.messages, caught.value.code


def _membership(user, program) -> tuple | None:
    enrollment = Enrollment.objects.filter(user=user, program=program).first()
    return (enrollment.role, enrollment.status) if enrollment else None


# sending


def test_invite_to_program_expires_after_the_configured_days(
    settings, monkeypatch, program, coordinator, django_capture_on_commit_callbacks
):
    settings.INVITATION_EXPIRY_DAYS = 3
    moment = timezone.now()
    _at(monkeypatch, moment)

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


def test_invitation_state_follows_its_dates(monkeypatch, invitation, invitee):
    before = invitation.state
    _at(monkeypatch, invitation.expires_at)
    expired = Invitation.objects.get(pk=invitation.pk).state

    assert (before, expired) == (Invitation.State.PENDING, Invitation.State.EXPIRED)


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


def test_accept_invitation_one_second_before_expiry_enrolls(monkeypatch, program, invitation, invitee):
    _at(monkeypatch, invitation.created_at + timedelta(days=14, seconds=-1))

    services.accept_invitation(invitation=invitation, user=invitee)

    assert _membership(invitee, program) == (Role.EXPERT, Enrollment.Status.APPROVED)


def test_accept_invitation_at_expiry_is_refused(monkeypatch, program, invitation, invitee):
    _at(monkeypatch, invitation.created_at + timedelta(days=14))

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


def test_unused_invitation_sent_before_a_removal_cannot_undo_it(monkeypatch, program, coordinator, invitee):
    earlier = InvitationFactory(
        program=program, email=invitee.email, role=Role.EXPERT, invited_by=coordinator
    )
    member = EnrollmentFactory(program=program, user=invitee, role=Role.EXPERT)
    _at(monkeypatch, timezone.now() + timedelta(minutes=5))
    enrollment_services.remove_member(enrollment=member, by=coordinator)

    messages, code = _refusal(earlier, invitee)

    assert code == "removed"
    assert messages == [
        "You were removed from Chronic Pain & Opioid Stewardship after this invitation was sent, "
        "so it cannot bring you back. Ask a coordinator for a new invitation."
    ]
    assert _membership(invitee, program) == (Role.EXPERT, Enrollment.Status.REMOVED)


def test_invitation_sent_after_a_removal_brings_the_member_back(monkeypatch, program, coordinator, invitee):
    member = EnrollmentFactory(program=program, user=invitee, role=Role.EXPERT)
    enrollment_services.remove_member(enrollment=member, by=coordinator)
    _at(monkeypatch, timezone.now() + timedelta(minutes=5))
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


# revoke


def test_revoked_invitation_cannot_be_accepted(program, coordinator, invitation, invitee):
    services.revoke_invitation(invitation=invitation, by=coordinator)

    messages, code = _refusal(invitation, invitee)

    assert code == "revoked"
    assert messages == [
        f"This invitation was withdrawn. Ask {coordinator.full_name} at "
        "Chronic Pain & Opioid Stewardship if you still want to join."
    ]
    assert _membership(invitee, program) is None


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
    monkeypatch, coordinator, invitation, invitee, django_capture_on_commit_callbacks
):
    old_token = invitation.token
    later = timezone.now() + timedelta(days=10)
    _at(monkeypatch, later)

    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(invitation=invitation, by=coordinator)

    invitation.refresh_from_db()
    assert invitation.token != old_token
    assert (invitation.sent_at, invitation.expires_at) == (later, later + timedelta(days=14))
    assert [m.to for m in mail.outbox] == [["jordan@example.org"]]
    assert f"http://testserver/invitations/{invitation.token}/" in mail.outbox[0].body
    assert Invitation.objects.filter(token=old_token).exists() is False


def test_resend_revives_an_expired_invitation(monkeypatch, program, coordinator, invitation, invitee):
    _at(monkeypatch, invitation.expires_at + timedelta(days=1))
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
