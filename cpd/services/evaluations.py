"""Evaluations and the credits they unlock; the sweep that asks attendees to evaluate."""

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from echo_hub.deid import explain, find_identifiers
from echo_hub.lib.timefmt import date_time
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


NOT_CONFIRMED = gettext_lazy(
    "Attendance provisional (from a Join click): it counts once a coordinator confirms it"
)


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
        others = result.missing[1:] if result.short_of_attendance else result.missing
        result = replace(result, missing=[str(NOT_CONFIRMED), *others])
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


def evaluation_closes_at(session: Session) -> datetime:
    """An evaluation opens when its session starts and closes the program's number of days
    after the session ends."""
    return session.evaluation_closes_at


def evaluation_is_open(session: Session, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return not session.is_cancelled and session.starts_at <= now < evaluation_closes_at(session)


def require_evaluation_open(session: Session, *, now: datetime | None = None) -> None:
    """Refuse, with the reason, an evaluation of a session that is not open for one."""
    now = now or timezone.now()
    if session.is_cancelled:
        raise ValidationError(_("This session was cancelled: there is nothing to evaluate."))
    if session.starts_at > now:
        raise ValidationError(
            _("You can evaluate a session once it has started; this one starts %(start)s.")
            % {"start": date_time(session.starts_at)}
        )
    closes_at = evaluation_closes_at(session)
    if now >= closes_at:
        raise ValidationError(
            ngettext(
                "The evaluation of this session closed %(closed)s, %(days)s day after the session: "
                "it can no longer be filled.",
                "The evaluation of this session closed %(closed)s, %(days)s days after the session: "
                "it can no longer be filled.",
                session.program.evaluation_window_days,
            )
            % {"closed": date_time(closes_at), "days": session.program.evaluation_window_days}
        )


@transaction.atomic
def submit_evaluation(*, session: Session, user, fields: Mapping, now: datetime | None = None) -> Evaluation:
    """Record a participant's evaluation once, while it is open; free text that looks
    identifying is refused. `now` lets the demo data evaluate past sessions as of their end."""
    if not _is_member(user, session):
        raise ValidationError(_("Only members of the program evaluate its sessions."))
    require_evaluation_open(session, now=now)
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
        raise ValidationError(_("You have already evaluated this session. Thank you!")) from None
    # A late evaluation can add this session's credits to a cycle certificate issued without
    # them: the certificate follows, as it does a change of attendance.
    from .lifecycle import certificates_follow_attendance  # lifecycle builds on this module

    certificates_follow_attendance(
        session=session, user_ids={user.pk}, by=user, reason=f"Evaluation of {session.title} submitted"
    )
    return evaluation


EVALUATION_REQUEST_WINDOW = timedelta(days=7)


def _request(session: Session, user) -> Message:
    # One key for the sweep's request and the one after a report import: asked once.
    return Message(
        email=user.email,
        user=user,
        kind="evaluation_request",
        object_key=f"session:{session.pk}",
        template="evaluation_request",
        context={
            "session": session,
            "closes_at": evaluation_closes_at(session),
            "evaluate_url": absolute_url("cpd:evaluate", slug=session.program.slug, pk=session.pk),
        },
        scope=program_scope(session.program_id),
    )


def send_due_evaluation_requests(*, now=None) -> int:
    """Ask each person who attended a session that ended in the last week, once, while the
    session's evaluation is open."""
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
    return queue_many(
        [_request(a.session, a.user) for a in attendances if evaluation_is_open(a.session, now=now)]
    )


def request_evaluations_after_report(*, session: Session, user_ids: Iterable[int], now=None) -> int:
    """Ask the people a participant report showed above the attendance threshold to evaluate
    the session, at once rather than at the next sweep: once each (the sweep's own request
    counts), not those who have evaluated, and only while the evaluation is open. A report
    imported before the session ends waits for the sweep, which asks after the end."""
    now = now or timezone.now()
    user_ids = list(user_ids)
    if not user_ids or session.ends_at > now or not evaluation_is_open(session, now=now):
        return 0
    users = (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(evaluations__session=session)
        .order_by("pk")
    )
    return queue_many([_request(session, user) for user in users])
