"""The rules every change of the schedule keeps, and the steps those changes share: a
wall-clock time becomes one UTC instant or is refused, a session lasts 15 to 480 minutes, a
date in the past is only a record of a session that took place, sessions fall inside their
cycle's dates (which grow when asked), a cycle's sessions are numbered by date, and one change
of a program's schedule runs at a time. The verbs that use them live in sessions.scheduling."""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from echo_hub.audit.services import Action, changes_extra, record

from .models import Cycle, Program, ProgramLanguage, Session

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
MIN_DURATION, MAX_DURATION = 15, 480
LISTED = 5


def local_to_utc(local_date: date, local_time: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in `zone`; refuses times a DST change makes
    ambiguous or impossible, since a session there would start at a surprising hour."""
    if not EARLIEST_YEAR <= local_date.year <= LATEST_YEAR:
        raise ValidationError(
            _("Choose a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
            code="date_range",
        )
    naive = datetime.combine(local_date, local_time)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    when = _("%(time)s on %(day)s") % {
        "time": time_format(local_time, _("H:i")),
        "day": date_format(local_date, "l j F Y"),
    }
    if first.utcoffset() != second.utcoffset():
        round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip != naive:
            raise ValidationError(
                _(
                    "%(when)s does not exist in %(zone)s: the clocks spring forward that night. "
                    "Choose a time outside the change, for example an hour later."
                )
                % {"when": when, "zone": zone.key},
                code="dst_gap",
            )
        raise ValidationError(
            _(
                "%(when)s happens twice in %(zone)s: the clocks fall back that night. Choose a time outside the change."
            )
            % {"when": when, "zone": zone.key},
            code="dst_fold",
        )
    return first.astimezone(UTC)


def day_text(value: date) -> str:
    return date_format(value, "D j M Y")


def moment_text(value: datetime, zone: ZoneInfo) -> str:
    local = value.astimezone(zone)
    return f"{date_format(local, 'D j M Y')} {time_format(local, _('H:i'))}"


def listed_text(items: Sequence[str]) -> str:
    if len(items) > LISTED:
        return _("%(items)s and %(count)s more") % {
            "items": ", ".join(items[:LISTED]),
            "count": len(items) - LISTED,
        }
    if len(items) == 1:
        return items[0]
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def check_duration(minutes: int) -> None:
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise ValidationError(
            _("A session lasts between %(min)s and %(max)s minutes.")
            % {"min": MIN_DURATION, "max": MAX_DURATION},
            code="duration",
        )


def check_not_past(starts: Sequence[datetime], *, zone: ZoneInfo, record_past: bool, field: str) -> None:
    """A date in the past is a record of a session that took place, never a slip of the year."""
    if record_past:
        return
    now = timezone.now()
    past = [moment_text(when, zone) for when in starts if when < now]
    if not past:
        return
    message = ngettext(
        "%(dates)s is in the past. Choose a time from now on, or tick “Record a past session” if it "
        "already took place.",
        "%(dates)s are in the past. Choose a time from now on, or tick “Record a past session” if they "
        "already took place.",
        len(past),
    ) % {"dates": listed_text(past)}
    raise ValidationError({field: ValidationError(message, code="past")})


def _cycle_dates_to_hold(cycle: Cycle, days: Sequence[date]) -> tuple[date, date | None]:
    start = min(cycle.start_date, *days)
    end = None if cycle.end_date is None else max(cycle.end_date, *days)
    return start, end


def _cycle_span(start: date, end: date | None) -> str:
    if end:
        return _("from %(start)s to %(end)s") % {"start": day_text(start), "end": day_text(end)}
    return _("from %(start)s, with no end date") % {"start": day_text(start)}


def fit_in_cycle(cycle: Cycle, days: Sequence[date], *, extend: bool, by, field: str) -> None:
    """Sessions fall inside their cycle's dates; when asked, the cycle grows to hold them."""
    outside = [d for d in days if d < cycle.start_date or (cycle.end_date is not None and d > cycle.end_date)]
    if not outside:
        return
    start, end = _cycle_dates_to_hold(cycle, days)
    if not extend:
        message = ngettext(
            "“%(cycle)s” runs %(span)s; %(dates)s falls outside it. Choose dates inside the cycle, or tick "
            "“Extend the cycle” to make it run %(new_span)s.",
            "“%(cycle)s” runs %(span)s; %(dates)s fall outside it. Choose dates inside the cycle, or tick "
            "“Extend the cycle” to make it run %(new_span)s.",
            len(outside),
        ) % {
            "cycle": cycle.name,
            "span": _cycle_span(cycle.start_date, cycle.end_date),
            "dates": listed_text([day_text(d) for d in outside]),
            "new_span": _cycle_span(start, end),
        }
        raise ValidationError({field: ValidationError(message, code="outside_cycle")})
    save_cycle_dates(cycle, start=start, end=end, by=by, reason="extended")


def save_cycle_dates(cycle: Cycle, *, start: date, end: date | None, by, reason: str) -> None:
    changes = {
        name: value
        for name, value in (("start_date", start), ("end_date", end))
        if getattr(cycle, name) != value
    }
    if not changes:
        return
    extra = changes_extra(cycle, changes) | {"reason": reason}
    for name, value in changes.items():
        setattr(cycle, name, value)
    cycle.save(update_fields=[*changes, "updated_at"])
    record(Action.CYCLE_CHANGED, actor=by, obj=cycle, extra=extra)


def default_title(program: Program, number: int) -> str:
    """“Session 3”, or « Séance 3 » in a French program: the title stays as stored, so it is
    written in the program's language, not the coordinator's."""
    language = "fr-ca" if program.language == ProgramLanguage.FRENCH else "en-ca"
    with translation.override(language):
        return pgettext("a session's default title", "Session %(number)s") % {"number": number}


def _is_default_title(title: str, number: int | None) -> bool:
    return number is not None and title in {f"Session {number}", f"Séance {number}"}


def _number_by_date(sessions: Iterable[Session], program: Program) -> list[Session]:
    """Number sessions 1, 2, 3… in date order; a cancelled one keeps its place so that the
    others keep theirs. A title still reading "Session N" follows its number; calendars see
    that through a higher SEQUENCE. Returns the stored sessions whose number changed."""
    changed = []
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.pk is None, s.pk or 0))
    for number, session in enumerate(ordered, start=1):
        if session.pk is None:
            session.number, session.title = number, session.title or default_title(program, number)
            continue
        if session.number == number:
            continue
        if _is_default_title(session.title, session.number):
            session.title = default_title(program, number)
            session.sequence += 1
        session.number = number
        changed.append(session)
    return changed


def renumber(program: Program, cycle_id: int | None, *, adding: Sequence[Session] = ()) -> int:
    stored = list(Session.objects.select_for_update().filter(program=program, cycle_id=cycle_id))
    changed = _number_by_date([*stored, *adding], program)
    now = timezone.now()
    for session in changed:
        session.updated_at = now
    Session.objects.bulk_update(changed, ["number", "title", "sequence", "updated_at"])
    return len(changed)


def lock_schedule(program: Program, cycle: Cycle | None) -> tuple[Program, Cycle | None]:
    """One schedule change of a program at a time: two coordinators inserting sessions at once
    would otherwise number them twice or take the same time."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if cycle is not None:
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    return program, cycle
