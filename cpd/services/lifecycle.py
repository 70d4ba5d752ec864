"""After issue: copies, reissues with new facts, revocation, and certificates following a
later change of the attendance they count.

A certificate states facts (credits, credit type, statement). A copy of the same facts keeps
its code and says DUPLICATE; new facts make a new certificate with a new code, and the old one
is superseded, pointing to it (never DUPLICATE: it is not a copy of anything)."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from echo_hub.audit.services import Action, record
from sessions.issued import IssuedRecords
from sessions.models import Session

from ..models import Certificate, CreditType
from .accreditation import credit_rules
from .certificates import CERTIFICATE_RENDERS, credit_facts, cycle_credit_rows
from .cycles import cycle_sessions
from .evaluations import user_session_credit


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate of this person and session or cycle would state if issued now."""

    eligible: bool
    credits: Decimal
    credit_type: CreditType | None
    credit_name: str
    statement: str
    missing: tuple[str, ...] = ()

    def same_as(self, certificate: Certificate) -> bool:
        return (
            certificate.credits,
            certificate.credit_type_id,
            certificate.credit_name,
            certificate.statement,
        ) == (
            self.credits,
            self.credit_type.pk if self.credit_type else None,
            self.credit_name,
            self.statement,
        )


def recompute_facts(certificate: Certificate) -> CertificateFacts:
    """The facts the attendance, evaluation and credit rows give today for this certificate's
    holder and session or cycle, whatever the certificate says."""
    user, program = certificate.user, certificate.program
    if certificate.kind == Certificate.Kind.SESSION:
        result = user_session_credit(user=user, session=certificate.session)
        eligible, credits, credit_type = result.eligible, result.credits, result.credit_type
        missing = tuple(result.missing)
    else:
        rows = cycle_credit_rows(user=user, cycle=certificate.cycle)
        credits = sum((r.credits for _, r in rows if r.eligible), Decimal("0"))
        eligible = credits > 0
        missing = () if eligible else (gettext("no credits earned in this cycle"),)
        credit_type = credit_rules(program).credit_type_for(user.profession)
    facts = credit_facts(program=program, credit_type=credit_type)
    return CertificateFacts(
        eligible=eligible,
        credits=credits,
        credit_type=credit_type,
        credit_name=facts["credit_name"],
        statement=facts["statement"],
        missing=missing,
    )


def _program_id(certificate: Certificate) -> int:
    return certificate.session.program_id if certificate.session_id else certificate.cycle.program_id


def _locked(certificate: Certificate) -> Certificate:
    return (
        # Only the certificate's row: its session or cycle is on the nullable side of a join.
        Certificate.objects.select_for_update(of=("self",))
        .select_related("user", "session__program", "cycle__program")
        .get(pk=certificate.pk)
    )


def _supersede(certificate: Certificate, facts: CertificateFacts, *, by, reason: str) -> Certificate:
    """Replace a locked current certificate by a new one stating `facts`, with a new code."""
    now = timezone.now()
    # Clear the old row from the one-current-certificate constraint before the new one exists.
    status = (
        Certificate.Status.SUPERSEDED
        if certificate.status == Certificate.Status.VALID
        else certificate.status
    )
    Certificate.objects.filter(pk=certificate.pk).update(
        superseded_at=now, superseded_reason=reason[:300], status=status
    )
    new = Certificate.objects.create(
        user=certificate.user,
        kind=certificate.kind,
        session=certificate.session,
        cycle=certificate.cycle,
        credits=facts.credits,
        credit_type=facts.credit_type,
        credit_name=facts.credit_name,
        statement=facts.statement,
        holder_name=certificate.holder_name,
    )
    # Every earlier certificate points to the current one: /verify shows it without a walk.
    Certificate.objects.filter(Q(pk=certificate.pk) | Q(superseded_by=certificate)).update(superseded_by=new)
    record(
        Action.CERTIFICATE_REISSUED,
        actor=by,
        obj=new,
        program=_program_id(certificate),
        extra={"replaces_id": certificate.pk, "credits": facts.credits, "holder_id": certificate.user_id},
    )
    CERTIFICATE_RENDERS.enqueue(new.pk)
    return new


@transaction.atomic
def reissue_certificate(*, certificate: Certificate, by, reason: str = "") -> Certificate:
    """Render the certificate again. When its facts still hold, a copy: same code, marked
    DUPLICATE. When they changed (credits, credit type, statement), a reason is required and a
    new certificate with a new code replaces it (`supersede`); returns the current certificate."""
    certificate = _locked(certificate)
    if certificate.superseded_at is not None:
        raise ValidationError(gettext("This certificate was replaced by a newer one: reissue that one."))
    if certificate.status == Certificate.Status.REVOKED:
        raise ValidationError(gettext("A revoked certificate cannot be reissued."))
    facts = recompute_facts(certificate)
    if not facts.eligible:
        raise ValidationError(
            gettext(
                "This certificate no longer matches the attendance: %(missing)s. Revoke it with the reason instead."
            )
            % {"missing": "; ".join(facts.missing)}
        )
    if not facts.same_as(certificate):
        reason = reason.strip()
        if not reason:
            raise ValidationError(
                {
                    "reason": gettext(
                        "The credits or their wording changed since this certificate was issued: "
                        "give the reason, and a new certificate with a new code replaces it."
                    )
                }
            )
        return _supersede(certificate, facts, by=by, reason=reason)
    certificate.issue_number += 1
    certificate.save(update_fields=["issue_number"])
    CERTIFICATE_RENDERS.restart(certificate.pk)
    certificate.render_status = Certificate.RenderStatus.PENDING
    record(
        Action.CERTIFICATE_REISSUED,
        actor=by,
        obj=certificate,
        program=_program_id(certificate),
        extra={"issue_number": certificate.issue_number, "credits": certificate.credits},
    )
    return certificate


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, by, reason: str) -> Certificate:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {
                "reason": gettext(
                    "Say why the certificate is revoked; the verification page shows it is revoked."
                )
            }
        )
    program_id = _program_id(certificate)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status != Certificate.Status.VALID:
        return certificate
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_reason, certificate.revoked_at, certificate.revoked_by = (
        reason[:300],
        timezone.now(),
        by,
    )
    certificate.save(update_fields=["status", "revoked_reason", "revoked_at", "revoked_by"])
    # Render again so a downloaded copy says REVOKED too.
    CERTIFICATE_RENDERS.restart(certificate.pk)
    certificate.render_status = Certificate.RenderStatus.PENDING
    # Not the reason: it is free text, and stays on the certificate.
    record(Action.CERTIFICATE_REVOKED, actor=by, obj=certificate, program=program_id)
    return certificate


def bring_up_to_date(certificate: Certificate, *, by, reason: str) -> Certificate:
    """Make a current certificate state what its rows give now: unchanged when they agree,
    revoked with `reason` when its holder no longer qualifies, else replaced by a new
    certificate. A revoked one is replaced only when its holder qualifies again."""
    certificate = _locked(certificate)
    if certificate.superseded_at is not None:
        # Replaced by a concurrent change since it was read: the current one follows instead.
        return bring_up_to_date(certificate.superseded_by, by=by, reason=reason)
    facts = recompute_facts(certificate)
    if not facts.eligible:
        if certificate.status == Certificate.Status.VALID:
            return revoke_certificate(
                certificate=certificate, by=by, reason=f"No longer earns these credits: {reason}"
            )
        return certificate
    if certificate.status == Certificate.Status.VALID and facts.same_as(certificate):
        return certificate
    return _supersede(certificate, facts, by=by, reason=reason)


def _current_certificates(session: Session, user_ids):
    """Current certificates counting `session`'s attendance of `user_ids`: their session
    certificates, and their cycle certificates when the cycle counts the session."""
    target = Q(session=session)
    if session.cycle_id is not None and cycle_sessions(session.cycle).filter(pk=session.pk).exists():
        target |= Q(cycle_id=session.cycle_id)
    return Certificate.objects.filter(target, user_id__in=list(user_ids), superseded_at=None)


def _holders(session: Session, user_ids) -> dict[int, str]:
    # Only the names they print (the attendance roster asks this on every visit, for its page
    # of fifty members).
    certificates = (
        _current_certificates(session, user_ids)
        .select_related("user")
        .only("user_id", "holder_name", "user__full_name", "user__email", "user__credentials")
        .order_by()
    )
    return {c.user_id: c.printed_name for c in certificates}


def certificates_follow_attendance(*, session: Session, user_ids, by, reason: str) -> list[Certificate]:
    """Called by sessions (through sessions.issued) in the transaction that changed the rows:
    the certificates change in the same commit as the attendance, so /verify never shows a
    certificate its rows contradict, and a failure leaves both as they were. Only database
    rows are written here; the new PDFs render after commit (CERTIFICATE_RENDERS)."""
    return [
        bring_up_to_date(c, by=by, reason=reason)
        for c in _current_certificates(session, user_ids)
        .select_related("user", "session__program", "cycle__program")
        .order_by("pk")
    ]


ISSUED_CERTIFICATES = IssuedRecords(holders=_holders, changed=certificates_follow_attendance)
