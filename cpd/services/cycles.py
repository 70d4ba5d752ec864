"""When a cycle's certificates may be issued: once its last session has ended, or once a
coordinator has closed it early (with a reason, in the audit trail)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from echo_hub.audit.services import Action, record
from echo_hub.lib.timefmt import date_time
from sessions.models import Cycle, Session


def cycle_sessions(cycle: Cycle) -> QuerySet:
    """The sessions a cycle certificate counts from: held ones, and of a cycle closed early
    only those that had ended when it was closed."""
    sessions = Session.objects.filter(cycle=cycle, status=Session.Status.SCHEDULED)
    return sessions.filter(ends_at__lte=cycle.closed_at) if cycle.closed_at else sessions


def cycle_last_end(cycle: Cycle) -> datetime | None:
    """When the cycle's last session that is not cancelled ends (None: it has none)."""
    return Session.objects.filter(cycle=cycle, status=Session.Status.SCHEDULED).aggregate(
        last=Max("ends_at")
    )["last"]


def require_cycle_certifiable(cycle: Cycle, *, now: datetime | None = None) -> None:
    """Refuse a cycle certificate before the cycle is over: one issued earlier would state
    fewer sessions and credits than the cycle gives, and go stale."""
    if cycle.closed_at is not None:
        return
    now = now or timezone.now()
    last = cycle_last_end(cycle)
    if last is None:
        raise ValidationError(
            _("The cycle %(cycle)s has no sessions: it has no certificates to issue.") % {"cycle": cycle.name}
        )
    if last > now:
        raise ValidationError(
            _(
                "The cycle %(cycle)s is not over: its certificates can be issued once its last "
                "session ends, %(last)s, or after a coordinator closes it early."
            )
            % {"cycle": cycle.name, "last": date_time(last)}
        )


@transaction.atomic
def close_cycle_early(*, cycle: Cycle, by, reason: str, now: datetime | None = None) -> Cycle:
    """End a cycle before its last session: its certificates may then be issued, counting the
    sessions that ended by now. Sessions still to come keep their own session certificates."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Say why the cycle closes early: it is kept with the cycle for accreditation audits."
                )
            }
        )
    now = now or timezone.now()
    given, cycle = (
        cycle,
        Cycle.objects.select_for_update(of=("self",)).select_related("program").get(pk=cycle.pk),
    )
    if cycle.closed_at is not None:
        raise ValidationError(
            _("The cycle %(cycle)s was already closed on %(closed)s.")
            % {"cycle": cycle.name, "closed": date_time(cycle.closed_at)}
        )
    last = cycle_last_end(cycle)
    if last is not None and last <= now:
        raise ValidationError(
            _(
                "The cycle %(cycle)s is over (its last session ended %(last)s): "
                "its certificates can be issued without closing it."
            )
            % {"cycle": cycle.name, "last": date_time(last)}
        )
    running = (
        Session.objects.filter(
            cycle=cycle, status=Session.Status.SCHEDULED, starts_at__lte=now, ends_at__gt=now
        )
        .order_by("starts_at")
        .first()
    )
    if running is not None:
        raise ValidationError(
            _("%(session)s is under way until %(end)s: close the cycle after it ends.")
            % {"session": running.title, "end": date_time(running.ends_at)}
        )
    cycle.closed_at, cycle.closed_reason, cycle.closed_by = now, reason[:300], by
    cycle.save(update_fields=["closed_at", "closed_reason", "closed_by", "updated_at"])
    given.closed_at, given.closed_reason, given.closed_by = cycle.closed_at, cycle.closed_reason, by
    # The reason is free text: it stays on the cycle, not in the trail.
    record(Action.CYCLE_CLOSED, actor=by, obj=cycle, extra={"sessions_left": _sessions_left(cycle, now)})
    return cycle


def _sessions_left(cycle: Cycle, now: datetime) -> int:
    return Session.objects.filter(cycle=cycle, status=Session.Status.SCHEDULED, starts_at__gt=now).count()
