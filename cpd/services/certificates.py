"""Certificates: issued one by one or in bulk, and queued to render to PDF once (what a
certificate prints and its render: certificate_pdf.py)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from echo_hub.audit.services import Action, record, record_many
from echo_hub.lib.renders import Renders
from sessions.attendance import pending_joins, record_provisional_attendance
from sessions.models import Attendance, Cycle, Session

from ..credits import CreditResult
from ..models import Certificate, CreditType, Evaluation
from .accreditation import accreditation_of, credit_rules
from .cycles import cycle_sessions, require_cycle_certifiable
from .evaluations import attendance_credit, user_session_credit

RENDER_TASK = "cpd.render_certificate"
CERTIFICATE_RENDERS = Renders(
    model=Certificate,
    status_field="render_status",
    waiting=Certificate.RenderStatus.PENDING,
    failed=Certificate.RenderStatus.FAILED,
    created_field="issued_at",
    task_name=RENDER_TASK,
    id_name="certificate_id",
)


def credit_facts(*, program, credit_type: CreditType | None) -> dict:
    """What a certificate prints about its credits, fixed when it is issued: the credit type's
    name and statement, or (no credit type) hours of attendance and the program's statement."""
    if credit_type is not None:
        return {
            "credit_type": credit_type,
            "credit_name": credit_type.name,
            "statement": credit_type.statement,
        }
    statement = accreditation_of(program).attendance_statement
    return {"credit_type": None, "credit_name": "", "statement": statement}


def _issue(
    *,
    user,
    kind: str,
    credits: Decimal,
    credit_type: CreditType | None,
    session: Session | None = None,
    cycle: Cycle | None = None,
    by=None,
    bulk: bool = False,
):
    target = {"session": session} if session else {"cycle": cycle}
    program = (session or cycle).program
    facts = credit_facts(program=program, credit_type=credit_type)
    try:
        with transaction.atomic():
            certificate, created = Certificate.objects.get_or_create(
                user=user, superseded_at=None, **target, defaults={"kind": kind, "credits": credits, **facts}
            )
    except IntegrityError:
        # A concurrent issue won the unique constraint: use the row it made.
        certificate, created = Certificate.objects.get(user=user, superseded_at=None, **target), False
    if created:
        # One event per certificate, bulk or not: each is an accreditation record an
        # auditor asks about by itself ("who issued this one, when?").
        record(
            Action.CERTIFICATE_ISSUED,
            actor=by,
            obj=certificate,
            program=(session or cycle).program_id,
            extra={
                "holder_id": user.pk,
                "kind": kind,
                "credits": credits,
                "credit_type_id": credit_type.pk if credit_type else None,
                "bulk": bulk,
            },
        )
        CERTIFICATE_RENDERS.enqueue(certificate.pk)
    return certificate, created


@transaction.atomic
def issue_session_certificate(*, user, session: Session, by=None, bulk: bool = False) -> Certificate:
    """Issue the certificate for one session as soon as the credits are earned. Idempotent."""
    existing = Certificate.objects.filter(user=user, session=session, superseded_at=None).first()
    if existing is not None:
        return existing
    if session.is_cancelled:
        raise ValidationError(gettext("This session was cancelled: it earns no credits."))
    _require_name(user)
    result = user_session_credit(user=user, session=session)
    if not result.eligible:
        raise ValidationError(
            gettext("No credits yet for this session: %(missing)s.") % {"missing": "; ".join(result.missing)}
        )
    certificate, _ = _issue(
        user=user,
        kind=Certificate.Kind.SESSION,
        credits=result.credits,
        credit_type=result.credit_type,
        session=session,
        by=by,
        bulk=bulk,
    )
    return certificate


def cycle_credit_rows(*, user, cycle: Cycle) -> list[tuple[Session, CreditResult]]:
    sessions = list(
        cycle_sessions(cycle)
        .filter(ends_at__lt=timezone.now())
        .select_related("program")
        .order_by("starts_at")
    )
    attendances = {a.session_id: a for a in Attendance.objects.filter(session__in=sessions, user=user)}
    evaluated = set(
        Evaluation.objects.filter(session__in=sessions, user=user).values_list("session_id", flat=True)
    )
    rules = credit_rules(cycle.program)
    return [
        (
            s,
            attendance_credit(
                session=s,
                attendance=attendances.get(s.pk),
                evaluation_done=s.pk in evaluated,
                profession=user.profession,
                rules=rules,
            ),
        )
        for s in sessions
    ]


def _sweep_cycle_joins(cycle: Cycle) -> None:
    # Joins of the cycle's last session become provisional attendance a few minutes after it
    # ends (the beat sweep); a certificate issued in between must count them already.
    sessions = cycle_sessions(cycle).filter(ends_at__lte=timezone.now())
    for session_id in set(pending_joins().filter(session__in=sessions).values_list("session_id", flat=True)):
        record_provisional_attendance(session=Session.objects.get(pk=session_id))


@transaction.atomic
def issue_cycle_certificate(*, user, cycle: Cycle, by=None, bulk: bool = False) -> Certificate:
    """Issue the certificate of a cycle that is over (its last session ended, or closed early).
    Idempotent; a current certificate whose facts no longer hold (issued before these rules)
    is replaced by one that states them."""
    # Read again: whether and when the cycle was closed decides what the certificate counts.
    cycle = Cycle.objects.select_related("program").get(pk=cycle.pk)
    require_cycle_certifiable(cycle)
    _sweep_cycle_joins(cycle)
    existing = Certificate.objects.filter(user=user, cycle=cycle, superseded_at=None).first()
    if existing is not None:
        if existing.status != Certificate.Status.VALID:
            return existing
        from .lifecycle import bring_up_to_date  # lifecycle builds on this module

        return bring_up_to_date(existing, by=by, reason="Brought up to date with the cycle's attendance")
    _require_name(user)
    total = sum((r.credits for _, r in cycle_credit_rows(user=user, cycle=cycle) if r.eligible), Decimal("0"))
    if total <= 0:
        raise ValidationError(gettext("No credits earned in this cycle yet."))
    credit_type = credit_rules(cycle.program).credit_type_for(user.profession)
    certificate, _ = _issue(
        user=user,
        kind=Certificate.Kind.CYCLE,
        credits=total,
        credit_type=credit_type,
        cycle=cycle,
        by=by,
        bulk=bulk,
    )
    return certificate


def _require_name(user) -> None:
    # A certificate names its holder; never fall back to the email on a public document.
    if not user.full_name.strip():
        raise ValidationError(
            gettext("Add your full name to your profile first: it is printed on the certificate.")
        )


def _eligible_credits(*, session: Session) -> list[tuple]:
    """(user, result) of everyone whose attendance and evaluation earn credits for the session."""
    attendances = Attendance.objects.filter(session=session, minutes__gt=0).select_related("user")
    evaluated = set(Evaluation.objects.filter(session=session).values_list("user_id", flat=True))
    rules = credit_rules(session.program)
    results = (
        (
            a.user,
            attendance_credit(
                session=session,
                attendance=a,
                evaluation_done=a.user_id in evaluated,
                profession=a.user.profession,
                rules=rules,
            ),
        )
        for a in attendances
    )
    return [(user, result) for user, result in results if result.eligible]


def bulk_issue_for_session(*, session: Session, by=None) -> dict:
    """Issue every certificate the session's attendance and evaluations have earned, in one
    insert (and one insert of their audit events): one by one, a thousand attendees cost eight
    queries each (20 s) while the workers wait for the renders."""
    if session.is_cancelled:
        return {"issued": 0, "existing": 0}
    # As issue_session_certificate: no certificate without the holder's name on it.
    eligible = [
        (user, result) for user, result in _eligible_credits(session=session) if user.full_name.strip()
    ]
    have = set(
        Certificate.objects.filter(session=session, superseded_at=None).values_list("user_id", flat=True)
    )
    facts = {
        ct: credit_facts(program=session.program, credit_type=ct)
        for ct in {r.credit_type for _, r in eligible}
    }
    new = [
        Certificate(
            user=user,
            session=session,
            kind=Certificate.Kind.SESSION,
            credits=result.credits,
            **facts[result.credit_type],
        )
        for user, result in eligible
        if user.pk not in have
    ]
    try:
        with transaction.atomic():
            created = Certificate.objects.bulk_create(new, batch_size=500)
            record_many(
                Action.CERTIFICATE_ISSUED,
                created,
                actor=by,
                program=session.program_id,
                extra_of=lambda c: {
                    "holder_id": c.user_id,
                    "kind": c.kind,
                    "credits": c.credits,
                    "credit_type_id": c.credit_type_id,
                    "bulk": True,
                },
            )
            CERTIFICATE_RENDERS.enqueue(*(c.pk for c in created))
    except IntegrityError:
        # Someone's own "get my certificate" won a row meanwhile: issue one by one instead.
        return _bulk_issue_one_by_one(session=session, users=[user for user, _ in eligible], by=by)
    return {"issued": len(created), "existing": len(eligible) - len(created)}


def _bulk_issue_one_by_one(*, session: Session, users: list, by) -> dict:
    issued = existing = 0
    for user in users:
        with transaction.atomic():
            had = Certificate.objects.filter(user=user, session=session, superseded_at=None).exists()
            try:
                issue_session_certificate(user=user, session=session, by=by, bulk=True)
            except ValidationError:
                continue
        existing += had
        issued += not had
    return {"issued": issued, "existing": existing}


def bulk_issue_for_cycle(*, cycle: Cycle, by=None) -> dict:
    cycle = Cycle.objects.select_related("program").get(pk=cycle.pk)
    require_cycle_certifiable(cycle)
    issued = existing = 0
    users = {
        a.user for a in Attendance.objects.filter(session__cycle=cycle, minutes__gt=0).select_related("user")
    }
    for user in users:
        with transaction.atomic():
            had = Certificate.objects.filter(user=user, cycle=cycle, superseded_at=None).exists()
            try:
                issue_cycle_certificate(user=user, cycle=cycle, by=by, bulk=True)
            except ValidationError:
                continue
        existing += had
        issued += not had
    return {"issued": issued, "existing": existing}


def retry_certificate_render(*, certificate: Certificate) -> None:
    """A coordinator asks for another try at a certificate whose tries ran out."""
    if not CERTIFICATE_RENDERS.restart(certificate.pk, failed_only=True):
        raise ValidationError(
            gettext("This certificate is not waiting for a retry: it is ready or being prepared.")
        )
