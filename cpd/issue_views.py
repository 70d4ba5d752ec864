"""What a bulk issue of a session's certificates left out, and the reminder to evaluate."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from sessions.models import Cycle, Session
from sessions.permissions import get_session_for_coordinator

from . import services


def _run_key(target: Session | Cycle) -> str:
    return f"cpd:bulk_issue_run:{target._meta.model_name}:{target.pk}"


def remember_run(request, *, target: Session | Cycle, started: datetime) -> None:
    """The start of the coordinator's last bulk issue of `target`, so that the progress page
    lists who got nothing from it, those issued before it included ("already issued")."""
    request.session[_run_key(target)] = started.isoformat()


def _run_started(request, target: Session | Cycle) -> datetime | None:
    value = request.session.get(_run_key(target))
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def say_issued(request, *, issued: int, existing: int) -> None:
    """Counts the certificates issued; nothing issued is not a success, and says where to look."""
    had = (
        ngettext(" (%(count)s existed already)", " (%(count)s existed already)", existing)
        % {"count": existing}
        if existing
        else ""
    )
    if issued:
        text = ngettext(
            "%(count)s certificate issued%(had)s.", "%(count)s certificates issued%(had)s.", issued
        )
        messages.success(request, text % {"count": issued, "had": had})
    else:
        text = _("No certificate issued%(had)s. The table below says who got none and why.")
        messages.warning(request, text % {"had": had})


def missed_context(request, *, session: Session | None = None, cycle: Cycle | None = None) -> dict:
    now = timezone.now()
    run_started = _run_started(request, session or cycle)
    context = {"after_run": run_started is not None}
    if cycle is not None:
        missed = services.missed_cycle_certificates(cycle=cycle, issued_before=run_started, now=now)
        return context | {"missed": missed}
    missed = services.missed_certificates(session=session, issued_before=run_started, now=now)
    closes_at = services.evaluation_closes_at(session)
    return context | {
        "missed": missed,
        "evaluation_closes_at": closes_at,
        "evaluation_closed": now >= closes_at,
        "evaluation_open": services.evaluation_is_open(session, now=now) and session.ends_at <= now,
        "to_remind": sum(1 for m in missed if m.missing_only_evaluation and m.reminded_at is None),
        "reminded": sum(1 for m in missed if m.missing_only_evaluation and m.reminded_at is not None),
    }


@login_required
@require_POST
def remind_evaluations(request, slug, pk):
    session = get_session_for_coordinator(request.user, slug, pk)
    try:
        result = services.remind_missing_evaluations(session=session, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _say_reminded(request, result)
    return redirect(f"{reverse('cpd:progress', args=[slug])}?session={session.pk}")


def _say_reminded(request, result: services.ReminderResult) -> None:
    notes = []
    if result.already_reminded:
        notes.append(
            ngettext(
                "%(count)s was reminded before and is not emailed again",
                "%(count)s were reminded before and are not emailed again",
                result.already_reminded,
            )
            % {"count": result.already_reminded}
        )
    if result.opted_out:
        notes.append(
            ngettext(
                "%(count)s turned off evaluation requests and is not emailed",
                "%(count)s turned off evaluation requests and are not emailed",
                result.opted_out,
            )
            % {"count": result.opted_out}
        )
    tail = f" ({'; '.join(notes)})" if notes else ""
    if result.sent:
        text = ngettext(
            "Reminder to evaluate sent to %(count)s person%(notes)s.",
            "Reminder to evaluate sent to %(count)s people%(notes)s.",
            result.sent,
        )
        messages.success(request, text % {"count": result.sent, "notes": tail})
    else:
        text = _("No reminder sent: nobody is waiting for a first reminder%(notes)s.")
        messages.info(request, text % {"notes": tail})
