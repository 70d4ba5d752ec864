"""Who a session's bulk issue left without a certificate and why, and the one reminder each
of those missing only their evaluation may get."""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from echo_hub.audit.services import Action, record
from echo_hub.lib.timefmt import date_time
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.models import NotificationPreference
from echo_hub.notifications.services import Message, queue_many
from sessions.models import Attendance, Cycle, Session, program_scope

from ..credits import format_amount
from ..models import Certificate, Evaluation, EvaluationReminder
from .accreditation import credit_rules
from .evaluations import attendance_credit, credit_for, evaluation_closes_at, evaluation_is_open

BELOW_THRESHOLD = "below_threshold"
NOT_CONFIRMED = "not_confirmed"
EVALUATION_MISSING = "evaluation_missing"
NO_NAME = "no_name"
ALREADY_ISSUED = "already_issued"
REMINDER_KIND = "evaluation_reminder"


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


@dataclass
class Missed:
    """One attendee who got no certificate from a bulk issue, with every reason. For a cycle
    summary, `attendance` is None and `sessions` counts the sessions attended."""

    user: object
    attendance: Attendance | None
    reasons: list[Reason] = field(default_factory=list)
    reminded_at: datetime | None = None
    sessions: int = 1

    @property
    def codes(self) -> set[str]:
        return {r.code for r in self.reasons}

    @property
    def missing_only_evaluation(self) -> bool:
        return self.codes == {EVALUATION_MISSING}


@dataclass
class ReminderResult:
    sent: int
    already_reminded: int
    opted_out: int


def _reasons(
    session: Session, attendance: Attendance, *, evaluated: bool, rules, now: datetime
) -> list[Reason]:
    """Why this attendance earns no certificate, by the credit rule of attendance_credit."""
    program = session.program
    user = attendance.user
    reasons = []
    if attendance.creditable_minutes_in(program) < attendance.minutes:
        reasons.append(
            Reason(
                NOT_CONFIRMED, _("Provisional attendance (a Join click only), not confirmed by a coordinator")
            )
        )
    # The threshold on all the minutes recorded: confirming would not lift time that is too short.
    time_only = credit_for(
        session=session,
        attended_minutes=attendance.minutes,
        evaluation_done=True,
        profession=user.profession,
        rules=rules,
    )
    if not time_only.eligible:
        reasons.append(
            Reason(
                BELOW_THRESHOLD,
                _("Below the attendance threshold: %(missing)s") % {"missing": "; ".join(time_only.missing)},
            )
        )
    if program.evaluation_required and not evaluated:
        closes_at = evaluation_closes_at(session)
        if now < closes_at:
            text = _("Evaluation missing (open until %(date)s)")
        else:
            text = _("Evaluation missing (closed %(date)s)")
        reasons.append(Reason(EVALUATION_MISSING, text % {"date": date_time(closes_at)}))
    if not user.full_name.strip():
        reasons.append(Reason(NO_NAME, _("No full name on their profile: it is printed on the certificate")))
    return reasons


def missed_certificates(
    *, session: Session, issued_before: datetime | None = None, now: datetime | None = None
) -> list[Missed]:
    """Everyone who attended `session` and has no certificate, with the reasons; with
    `issued_before` (the start of a bulk issue), also those whose certificate was issued
    before it, as "already issued". A fixed number of queries, whatever the attendance."""
    now = now or timezone.now()
    attendances = (
        Attendance.objects.filter(session=session, minutes__gt=0)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    evaluated = set(Evaluation.objects.filter(session=session).values_list("user_id", flat=True))
    certificates = {c.user_id: c for c in Certificate.objects.filter(session=session)}
    reminded = dict(EvaluationReminder.objects.filter(session=session).values_list("user_id", "sent_at"))
    rules = credit_rules(session.program)
    missed = []
    for attendance in attendances:
        certificate = certificates.get(attendance.user_id)
        if certificate is not None:
            reasons = _already_issued(certificate, issued_before)
        else:
            reasons = _reasons(
                session, attendance, evaluated=attendance.user_id in evaluated, rules=rules, now=now
            )
        if reasons:
            missed.append(
                Missed(attendance.user, attendance, reasons, reminded_at=reminded.get(attendance.user_id))
            )
    return missed


NO_CREDITS = "no_credits"
NOT_ISSUED = "not_issued"
# "%(count)s" is the number of sessions: one plural form per reason.
_IN_SESSIONS = {
    NOT_CONFIRMED: (
        gettext_lazy("provisional attendance not confirmed in %(count)s session"),
        gettext_lazy("provisional attendance not confirmed in %(count)s sessions"),
    ),
    BELOW_THRESHOLD: (
        gettext_lazy("below the attendance threshold in %(count)s session"),
        gettext_lazy("below the attendance threshold in %(count)s sessions"),
    ),
    EVALUATION_MISSING: (
        gettext_lazy("evaluation missing in %(count)s session"),
        gettext_lazy("evaluation missing in %(count)s sessions"),
    ),
}


def _in_sessions(code: str, count: int) -> str:
    singular, plural = _IN_SESSIONS[code]
    return ngettext(singular, plural, count) % {"count": count}


def _already_issued(certificate: Certificate, issued_before: datetime | None) -> list[Reason] | None:
    """None: the certificate came from this run (or no run is asked about), so nothing is missed."""
    if issued_before is None or certificate.issued_at >= issued_before:
        return None
    if certificate.status == Certificate.Status.REVOKED:
        text = _("Already issued %(date)s (since revoked)")
    else:
        text = _("Already issued %(date)s")
    return [Reason(ALREADY_ISSUED, text % {"date": date_time(certificate.issued_at)})]


def _cycle_reasons(
    sessions: dict, rows: list[Attendance], evaluated: set, rules, now: datetime
) -> list[Reason]:
    user = rows[0].user
    earned, counts = Decimal("0"), Counter()
    for attendance in rows:
        session = sessions[attendance.session_id]
        done = (attendance.session_id, user.pk) in evaluated
        result = attendance_credit(
            session=session,
            attendance=attendance,
            evaluation_done=done,
            profession=user.profession,
            rules=rules,
        )
        if result.eligible:
            earned += result.credits
            continue
        for reason in _reasons(session, attendance, evaluated=done, rules=rules, now=now):
            counts[reason.code] += reason.code in _IN_SESSIONS
    reasons = []
    if earned <= 0:
        parts = [_in_sessions(code, n) for code, n in counts.items() if n]
        reasons.append(
            Reason(
                NO_CREDITS, _("No credits earned in this cycle: %(reasons)s") % {"reasons": "; ".join(parts)}
            )
        )
    if not user.full_name.strip():
        reasons.append(Reason(NO_NAME, _("No full name on their profile: it is printed on the certificate")))
    if not reasons:
        # The credits are there; the summary was refused for the cycle as a whole.
        reasons.append(
            Reason(
                NOT_ISSUED,
                _("Has %(credits)s credits in this cycle; no summary issued yet")
                % {"credits": format_amount(earned)},
            )
        )
    return reasons


def missed_cycle_certificates(
    *, cycle: Cycle, issued_before: datetime | None = None, now: datetime | None = None
) -> list[Missed]:
    """As missed_certificates, for a cycle's summaries: everyone who attended a session of the
    cycle that has ended and has no summary, with why. A fixed number of queries."""
    now = now or timezone.now()
    sessions = {
        s.pk: s
        for s in Session.objects.filter(
            cycle=cycle, status=Session.Status.SCHEDULED, ends_at__lt=now
        ).select_related("program")
    }
    attendances = (
        Attendance.objects.filter(session_id__in=list(sessions), minutes__gt=0)
        .select_related("user")
        .order_by("user__full_name", "user__email", "session__starts_at")
    )
    evaluated = set(
        Evaluation.objects.filter(session_id__in=list(sessions)).values_list("session_id", "user_id")
    )
    certificates = {c.user_id: c for c in Certificate.objects.filter(cycle=cycle)}
    rules = credit_rules(cycle.program)
    people: dict[int, list[Attendance]] = {}
    for attendance in attendances:
        people.setdefault(attendance.user_id, []).append(attendance)
    missed = []
    for user_id, rows in people.items():
        certificate = certificates.get(user_id)
        if certificate is not None:
            reasons = _already_issued(certificate, issued_before)
        else:
            reasons = _cycle_reasons(sessions, rows, evaluated, rules, now)
        if reasons:
            missed.append(Missed(rows[0].user, None, reasons, sessions=len(rows)))
    return missed


def _reminder(session: Session, user) -> Message:
    return Message(
        email=user.email,
        user=user,
        kind=REMINDER_KIND,
        object_key=f"session:{session.pk}",
        template="evaluation_reminder",
        context={
            "session": session,
            "closes_at": evaluation_closes_at(session),
            "evaluate_url": absolute_url("cpd:evaluate", slug=session.program.slug, pk=session.pk),
        },
        scope=program_scope(session.program_id),
    )


def _opted_out(user_ids: list[int]) -> set[int]:
    # A reminder is an evaluation request again: whoever turned those off is not sent one.
    preferences = NotificationPreference.objects.filter(user_id__in=user_ids)
    return {p.user_id for p in preferences if "evaluation_request" in p.muted_kinds}


@transaction.atomic
def remind_missing_evaluations(*, session: Session, by, now: datetime | None = None) -> ReminderResult:
    """Email everyone whose certificate of `session` waits only for their evaluation, once per
    person and session: the unique EvaluationReminder row each gets decides who is mailed, so
    a second click, a double click or a restart mails nobody twice."""
    now = now or timezone.now()
    if session.is_cancelled:
        raise ValidationError(_("This session was cancelled: there is nothing to evaluate."))
    if session.ends_at > now:
        raise ValidationError(_("Reminders to evaluate go out once the session has ended."))
    if not evaluation_is_open(session, now=now):
        raise ValidationError(
            _(
                "The evaluation of this session closed %(closed)s: a reminder can no longer earn anyone credits."
            )
            % {"closed": date_time(evaluation_closes_at(session))}
        )
    waiting = [m.user for m in missed_certificates(session=session, now=now) if m.missing_only_evaluation]
    opted_out = _opted_out([u.pk for u in waiting])
    batch = uuid.uuid4()
    EvaluationReminder.objects.bulk_create(
        [
            EvaluationReminder(session=session, user=u, sent_by=by, sent_at=now, batch=batch)
            for u in waiting
            if u.pk not in opted_out
        ],
        ignore_conflicts=True,
    )
    won = set(
        EvaluationReminder.objects.filter(session=session, batch=batch).values_list("user_id", flat=True)
    )
    queue_many([_reminder(session, u) for u in waiting if u.pk in won])
    result = ReminderResult(
        sent=len(won), already_reminded=len(waiting) - len(opted_out) - len(won), opted_out=len(opted_out)
    )
    if result.sent:
        record(
            Action.EVALUATION_REMINDERS_SENT,
            actor=by,
            obj=session,
            program=session.program_id,
            extra={"sent": result.sent, "already_reminded": result.already_reminded},
        )
    return result
