"""Invitation services: a link emailed to one address that enrolls the owner of that address
once, until it expires or a coordinator revokes it. (Split from services.py, which passed
400 lines.)"""

from collections.abc import Sequence

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from echo_hub.audit.services import Action, record
from echo_hub.lib.timefmt import date_time
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.services import queue_email

from .hooks import membership_changed
from .models import Enrollment, Invitation, Program, Role, invitation_expiry, program_scope

HUB_ROLES = frozenset({Role.COORDINATOR, Role.EXPERT})


def _record(action: str, invitation: Invitation, *, by) -> None:
    record(action, actor=by, obj=invitation, extra={"role": invitation.role})


def _send(invitation: Invitation, *, by, object_key: str) -> None:
    program = invitation.program
    queue_email(
        email=invitation.email,
        kind="invitation",
        object_key=object_key,
        template="invitation",
        scope=program_scope(program.pk),
        # No account yet: the program's language (a bilingual one: the inviter's).
        language=program.written_language,
        context={
            "invitation": invitation,
            "program": program,
            "inviter": by,
            "accept_url": absolute_url("sessions:invitation_accept", token=invitation.token),
            # Written out when the message is, in its language.
            "expires": lazy(date_time, str)(invitation.expires_at, program.zone),
        },
    )


@transaction.atomic
def invite_to_program(*, program: Program, emails: Sequence[str], role: str, by) -> list[Invitation]:
    """Email each address a link that enrolls its owner with `role`, once, for
    INVITATION_EXPIRY_DAYS days."""
    invitations = []
    now = timezone.now()
    for email in emails:
        invitation = Invitation.objects.create(
            program=program,
            email=email.lower(),
            role=role,
            invited_by=by,
            sent_at=now,
            expires_at=invitation_expiry(now),
        )
        _send(invitation, by=by, object_key=f"invitation:{invitation.pk}")
        _record(Action.INVITATION_SENT, invitation, by=by)
        invitations.append(invitation)
    return invitations


def _lock(invitation: Invitation) -> Invitation:
    # Only the invitation's row: PostgreSQL cannot lock the nullable side of the inviter's join.
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("program", "invited_by")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def resend_invitation(*, invitation: Invitation, by) -> Invitation:
    """Email the invitation again with a new link and a new expiry; the old link stops working."""
    invitation = _lock(invitation)
    if invitation.accepted_at:
        raise ValidationError(
            _("%(email)s already accepted this invitation.") % {"email": invitation.email}, code="used"
        )
    if invitation.revoked_at:
        raise ValidationError(
            _("This invitation was revoked: send a new one from “Invite people”."), code="revoked"
        )
    invitation.token = Invitation._meta.get_field("token").get_default()
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation_expiry(invitation.sent_at)
    invitation.save(update_fields=["token", "sent_at", "expires_at"])
    _send(invitation, by=by, object_key=f"invitation:{invitation.pk}:{invitation.sent_at:%Y%m%d%H%M%S%f}")
    _record(Action.INVITATION_RESENT, invitation, by=by)
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by) -> Invitation:
    """Withdraw an invitation that was not accepted; its link then shows that it was withdrawn."""
    invitation = _lock(invitation)
    if invitation.revoked_at:
        return invitation
    if invitation.accepted_at:
        raise ValidationError(
            _("%(email)s already accepted this invitation: remove them from the roster instead.")
            % {"email": invitation.email},
            code="used",
        )
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = by
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    _record(Action.INVITATION_REVOKED, invitation, by=by)
    return invitation


def _ask_whom(invitation: Invitation) -> str:
    inviter = invitation.invited_by
    program = invitation.program.name
    if inviter:
        return _("%(inviter)s at %(program)s") % {"inviter": inviter.get_full_name(), "program": program}
    return _("the coordinators of %(program)s") % {"program": program}


def _address_refusal(invitation: Invitation, user) -> ValidationError | None:
    addresses = list(
        EmailAddress.objects.filter(user=user, email__iexact=invitation.email).values_list(
            "verified", flat=True
        )
    )
    if any(addresses):
        return None
    if addresses or user.email.lower() == invitation.email:
        return ValidationError(
            _(
                "Confirm your email address %(email)s first: use the link we emailed you, "
                "or send a new one from your email settings."
            )
            % {"email": invitation.masked_email},
            code="unverified",
        )
    return ValidationError(
        _("This invitation is for %(email)s, but you are signed in as %(current)s.")
        % {"email": invitation.masked_email, "current": user.email},
        code="wrong_address",
    )


def closed_reason(invitation: Invitation) -> ValidationError | None:
    """Why nobody can accept `invitation` any more (revoked, used, expired), or None."""
    if invitation.revoked_at:
        return ValidationError(
            _("This invitation was withdrawn. Ask %(whom)s if you still want to join.")
            % {"whom": _ask_whom(invitation)},
            code="revoked",
        )
    if invitation.accepted_at:
        return ValidationError(_("This invitation has already been used."), code="used")
    if invitation.state == Invitation.State.EXPIRED:
        return ValidationError(
            _("This invitation has expired. Ask %(whom)s for a new one.") % {"whom": _ask_whom(invitation)},
            code="expired",
        )
    return None


def _removal_refusal(invitation: Invitation, enrollment: Enrollment | None) -> ValidationError | None:
    # A coordinator's removal stands against every invitation sent before it.
    if enrollment is None or enrollment.status != Enrollment.Status.REMOVED:
        return None
    if enrollment.decided_at and enrollment.decided_at < invitation.sent_at:
        return None
    return ValidationError(
        _(
            "You were removed from %(program)s after this invitation was sent, "
            "so it cannot bring you back. Ask a coordinator for a new invitation."
        )
        % {"program": invitation.program.name},
        code="removed",
    )


def _refusal(invitation: Invitation, user, enrollment: Enrollment | None) -> ValidationError | None:
    for refusal in (
        closed_reason(invitation),
        _address_refusal(invitation, user),
        _removal_refusal(invitation, enrollment),
    ):
        if refusal is not None:
            return refusal
    if needs_authenticator_first(invitation, user):
        message = (
            _("Coordinators sign in with an authenticator app. Set one up, then accept the invitation.")
            if invitation.role == Role.COORDINATOR
            else _("Hub experts sign in with an authenticator app. Set one up, then accept the invitation.")
        )
        return ValidationError(message, code="mfa_required")
    return None


def refusal_for(invitation: Invitation, user) -> ValidationError | None:
    """Why the signed-in `user` may not accept `invitation` now, or None when they may: what
    `accept_invitation` would raise, for pages that explain it before anyone presses a button."""
    enrollment = Enrollment.objects.filter(user=user, program_id=invitation.program_id).first()
    return _refusal(invitation, user, enrollment)


def needs_authenticator_first(invitation: Invitation, user) -> bool:
    """A hub role is granted only to an account that already has an authenticator app, so the
    role never exists without its second factor."""
    return (
        settings.MFA_REQUIRED_FOR_HUB_ROLES
        and invitation.role in HUB_ROLES
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user) -> Enrollment:
    """Enroll `user` as the invitation says and use the invitation up. Accepting again as the
    member it enrolled changes nothing; every other refusal raises ValidationError with the
    reason's code (revoked, used, expired, unverified, wrong_address, removed, mfa_required)."""
    invitation = _lock(invitation)
    enrollment = Enrollment.objects.select_for_update().filter(user=user, program=invitation.program).first()
    if (
        invitation.accepted_by_id == user.pk
        and enrollment
        and enrollment.status == Enrollment.Status.APPROVED
    ):
        return enrollment
    refusal = _refusal(invitation, user, enrollment)
    if refusal is not None:
        raise refusal
    now = timezone.now()
    if enrollment is None:
        enrollment = Enrollment(user=user, program=invitation.program, requested_at=now)
    if enrollment.status != Enrollment.Status.APPROVED:
        enrollment.role = invitation.role
        enrollment.status = Enrollment.Status.APPROVED
        enrollment.decided_at = now
        enrollment.decided_by = invitation.invited_by
        enrollment.decline_reason = ""
        enrollment.save()
        membership_changed(program_id=enrollment.program_id, user_id=user.pk)
    record(
        Action.INVITATION_ACCEPTED,
        actor=user,
        obj=enrollment,
        extra={"user_id": user.pk, "role": enrollment.role, "invitation_id": invitation.pk},
    )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return enrollment
