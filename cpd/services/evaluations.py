"""Evaluations and the credits they unlock; the sweep that asks attendees to evaluate."""

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from echo_hub.deid import explain, find_identifiers
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.services import Message, queue_many
from sessions.attendance import creditable_minutes
from sessions.models import Attendance, Enrollment, Session, program_scope

from ..credits import CreditResult, session_credits
from ..models import Evaluation
from .accreditation import CreditRules, credit_rules


def credit_for(
    *,
    session: Session,
    attended_minutes: int,
    evaluation_done: bool,
    profession: str,
    rules: CreditRules | None = None,
) -> CreditResult:
    """The credits of one person at one session, in the credit type of their profession (hours
    of attendance where the program has none for it). Pass `rules` (credit_rules) when
    computing many, so that the credit types are read once."""
    program = session.program
    rule, credit_type = (rules or credit_rules(program)).rule_for(profession)
    return session_credits(
        attended_minutes=attended_minutes,
        session_minutes=session.duration_minutes,
        threshold_percent=program.attendance_threshold_percent,
        rule=rule,
        evaluation_required=program.evaluation_required,
        evaluation_done=evaluation_done,
        credit_type=credit_type,
    )


NOT_CONFIRMED = "Attendance provisional (from a Join click): it counts once a coordinator confirms it"


def attendance_credit(
    *,
    session: Session,
    attendance: Attendance | None,
    evaluation_done: bool,
    profession: str,
    rules: CreditRules | None = None,
) -> CreditResult:
    """The credit rule applied to the minutes of `attendance` that count for credits (a
    provisional row's only where the program allows it), in the credit type of `profession`."""
    minutes = creditable_minutes(attendance, session.program) if attendance is not None else 0
    result = credit_for(
        session=session,
        attended_minutes=minutes,
        evaluation_done=evaluation_done,
        profession=profession,
        rules=rules,
    )
    if attendance is not None and minutes < attendance.minutes:
        # "0 of the 90 minutes needed" would hide the reason: the minutes exist, unconfirmed.
        others = [m for m in result.missing if not m.startswith("Attendance")]
        result = replace(result, missing=[NOT_CONFIRMED, *others])
    return result


def user_session_credit(*, user, session: Session) -> CreditResult:
    attendance = Attendance.objects.filter(session=session, user=user).first()
    done = Evaluation.objects.filter(session=session, user=user).exists()
    return attendance_credit(
        session=session, attendance=attendance, evaluation_done=done, profession=user.profession
    )


def _is_member(user, session: Session) -> bool:
    return Enrollment.objects.filter(
        user=user, program_id=session.program_id, status=Enrollment.Status.APPROVED
    ).exists()


@transaction.atomic
def submit_evaluation(*, session: Session, user, fields: Mapping) -> Evaluation:
    """Record a participant's evaluation once; free text that looks identifying is refused."""
    if not _is_member(user, session):
        raise ValidationError("Only members of the program evaluate its sessions.")
    if session.is_cancelled or session.starts_at > timezone.now():
        raise ValidationError("You can evaluate a session once it has started.")
    errors = {}
    for name in Evaluation.TEXT_FIELDS:
        findings = find_identifiers(fields.get(name, "") or "")
        if findings:
            errors[name] = [explain(f) for f in findings]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                session=session,
                user=user,
                relevance=fields["relevance"],
                quality=fields["quality"],
                objectives_met=fields["objectives_met"],
                commitment_to_change=fields.get("commitment_to_change", ""),
                comments=fields.get("comments", ""),
            )
    except IntegrityError:
        raise ValidationError("You have already evaluated this session. Thank you!") from None
    # A late evaluation can add this session's credits to a cycle certificate issued without
    # them: the certificate follows, as it does a change of attendance.
    from .lifecycle import certificates_follow_attendance  # lifecycle builds on this module

    certificates_follow_attendance(
        session=session, user_ids={user.pk}, by=user, reason=f"Evaluation of {session.title} submitted"
    )
    return evaluation


EVALUATION_REQUEST_WINDOW = timedelta(days=7)


def send_due_evaluation_requests(*, now=None) -> int:
    """Ask each person who attended a session that ended in the last week, once."""
    now = now or timezone.now()
    attendances = (
        Attendance.objects.filter(
            minutes__gt=0,
            session__status=Session.Status.SCHEDULED,
            session__ends_at__lte=now,
            session__ends_at__gt=now - EVALUATION_REQUEST_WINDOW,
        )
        .annotate(
            evaluated=Exists(Evaluation.objects.filter(session=OuterRef("session"), user=OuterRef("user")))
        )
        .filter(evaluated=False)
        .select_related("user", "session", "session__program")
    )
    messages = [
        Message(
            email=a.user.email,
            user=a.user,
            kind="evaluation_request",
            object_key=f"session:{a.session_id}",
            template="evaluation_request",
            context={
                "session": a.session,
                "evaluate_url": absolute_url("cpd:evaluate", slug=a.session.program.slug, pk=a.session_id),
            },
            scope=program_scope(a.session.program_id),
        )
        for a in attendances
    ]
    return queue_many(messages)
