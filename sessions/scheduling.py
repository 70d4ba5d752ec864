"""The schedule: weekly series, cycles, and editing, moving and cancelling a session. Every
rule about when a session may take place holds here, whatever calls it (views, the admin,
commands, the demo): a session starts inside its cycle, never in the past unless a coordinator
records one that already took place, and is numbered by date within its cycle. The rules
themselves and the steps these verbs share live in sessions.schedule_rules."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from echo_hub.audit.services import Action, changes_extra, record, record_many

from .hooks import sessions_changed
from .models import Cycle, Program, Session
from .reminders import announce_session_change
from .schedule_rules import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    LISTED,
    check_duration,
    check_not_past,
    day_text,
    fit_in_cycle,
    listed_text,
    local_to_utc,
    lock_schedule,
    moment_text,
    renumber,
    save_cycle_dates,
)

MAX_SERIES_LENGTH = 52
# Moving or cancelling goes through reschedule_session and cancel_session; the cycle changes
# with renumbering. What is left a coordinator edits freely.
SCHEDULE_FIELDS = frozenset({"program", "cycle", "number", "starts_at", "ends_at", "status", "cancel_reason"})


def _weekly_dates(first_date: date, count: int, skip_dates: Iterable[date]) -> list[date]:
    skipped = set(skip_dates)
    dates: list[date] = []
    day = first_date
    while len(dates) < count:
        if day not in skipped:
            dates.append(day)
        day += timedelta(weeks=1)
    return dates


@transaction.atomic
def schedule_weekly(
    *,
    program: Program,
    first_date: date,
    start_time: time,
    count: int,
    cycle: Cycle | None = None,
    skip_dates: Sequence[date] = (),
    duration_minutes: int | None = None,
    record_past: bool = False,
    extend_cycle: bool = False,
    by=None,
) -> list[Session]:
    """Create `count` weekly sessions on `first_date`'s weekday at the program's local
    wall-clock `start_time`, skipping `skip_dates` (the series then runs longer).

    Times already past are refused unless `record_past` (entering sessions that took place);
    dates outside the cycle are refused unless `extend_cycle`, which moves the cycle's dates.
    The cycle's sessions are then numbered by date, the new ones among them."""
    if not 1 <= count <= MAX_SERIES_LENGTH:
        raise ValidationError(
            _("Schedule between 1 and %(max)s sessions at a time.") % {"max": MAX_SERIES_LENGTH}, code="count"
        )
    if cycle is not None and cycle.program_id != program.pk:
        raise ValidationError(_("That cycle belongs to another program."), code="cycle")
    duration = duration_minutes or program.default_duration_minutes
    check_duration(duration)
    if not EARLIEST_YEAR <= first_date.year <= LATEST_YEAR - 2:
        raise ValidationError(
            _("Choose a first date between %(first)s and %(last)s.")
            % {"first": EARLIEST_YEAR, "last": LATEST_YEAR - 2},
            code="date_range",
        )
    program, cycle = lock_schedule(program, cycle)
    zone = program.zone
    days = _weekly_dates(first_date, count, skip_dates)
    starts: list[datetime] = []
    errors: list[ValidationError] = []
    for day in days:
        try:
            starts.append(local_to_utc(day, start_time, zone))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    check_not_past(starts, zone=zone, record_past=record_past, field="first_date")
    if cycle is not None:
        fit_in_cycle(cycle, days, extend=extend_cycle, by=by, field="first_date")

    clashes = Session.objects.filter(program=program, starts_at__in=starts).order_by("starts_at")
    if clashes.exists():
        taken = ", ".join(moment_text(s.starts_at, zone) for s in clashes[:LISTED])
        raise ValidationError(
            _("This program already has a session at %(times)s.") % {"times": taken}, code="clash"
        )

    new = [
        Session(
            program=program,
            cycle=cycle,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=duration),
            join_url=program.default_join_url,
            case_slots=program.case_slots_per_session,
        )
        for starts_at in starts
    ]
    renumbered = renumber(program, cycle.pk if cycle else None, adding=new)
    created = Session.objects.bulk_create(new)
    now = timezone.now()
    record_many(
        Action.SESSION_SCHEDULED,
        created,
        actor=by,
        extra_of=lambda session: {
            "number": session.number,
            "cycle_id": session.cycle_id,
            "starts_at": session.starts_at.isoformat(),
            "recorded_past": session.starts_at < now,
            "renumbered": renumbered,
        },
    )
    sessions_changed(s.pk for s in created)
    return created


@transaction.atomic
def create_cycle(
    *, program: Program, name: str, start_date: date, end_date: date | None = None, by=None
) -> Cycle:
    if Cycle.objects.filter(program=program, name__iexact=name).exists():
        raise ValidationError(
            {"name": _("This program already has a cycle named “%(name)s”.") % {"name": name}}
        )
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The cycle must end on or after its start date.")})
    cycle = Cycle.objects.create(program=program, name=name, start_date=start_date, end_date=end_date)
    record(
        Action.CYCLE_CREATED,
        actor=by,
        obj=cycle,
        extra={"start_date": start_date.isoformat(), "end_date": end_date.isoformat() if end_date else None},
    )
    return cycle


@transaction.atomic
def update_cycle(*, cycle: Cycle, name: str, start_date: date, end_date: date | None, by) -> Cycle:
    """Rename a cycle or move its dates; dates that would leave a session outside are refused."""
    program, cycle = lock_schedule(cycle.program, cycle)
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The cycle must end on or after its start date.")})
    if Cycle.objects.filter(program=program, name__iexact=name).exclude(pk=cycle.pk).exists():
        raise ValidationError(
            {"name": _("This program already has a cycle named “%(name)s”.") % {"name": name}}
        )
    zone = program.zone
    days = sorted({s.starts_at.astimezone(zone).date() for s in cycle.sessions.only("starts_at")})
    errors = {}
    before = [day_text(d) for d in days if d < start_date]
    after = [day_text(d) for d in days if end_date is not None and d > end_date]
    if before:
        errors["start_date"] = _("This cycle has sessions on %(dates)s: start on %(day)s or earlier.") % {
            "dates": listed_text(before),
            "day": day_text(days[0]),
        }
    if after:
        errors["end_date"] = _("This cycle has sessions on %(dates)s: end on %(day)s or later.") % {
            "dates": listed_text(after),
            "day": day_text(days[-1]),
        }
    if errors:
        raise ValidationError(errors)
    if cycle.name != name:
        cycle.name = name
        cycle.save(update_fields=["name", "updated_at"])
    save_cycle_dates(cycle, start=start_date, end=end_date, by=by, reason="edited")
    return cycle


@transaction.atomic
def update_session(*, session: Session, **changes) -> Session:
    """Save edits to one session; calendars see the change through a higher SEQUENCE."""
    # Compare with the stored row: a bound ModelForm has already copied its input onto `session`.
    stored = Session.objects.select_for_update().get(pk=session.pk)
    changed = [name for name, value in changes.items() if getattr(stored, name) != value]
    if changed:
        for name in changed:
            setattr(stored, name, changes[name])
        stored.sequence = F("sequence") + 1
        stored.save(update_fields=[*changed, "sequence", "updated_at"])
    session.refresh_from_db()
    return session


@transaction.atomic
def edit_session(*, session: Session, changes: dict, by) -> Session:
    """A coordinator's edit of what a session is about (title, didactic, link, case slots…).
    Its time, cycle and status change only by rescheduling or cancelling."""
    refused = sorted(SCHEDULE_FIELDS & set(changes))
    if refused:
        raise ValidationError(
            _("Reschedule or cancel the session to change %(fields)s.") % {"fields": ", ".join(refused)}
        )
    stored = Session.objects.select_for_update().get(pk=session.pk)
    real = {name: value for name, value in changes.items() if getattr(stored, name) != value}
    if not real:
        session.refresh_from_db()
        return session
    if real.get("presenter") is not None and stored.guest_presenter_id:
        # A member chosen here replaces the guest: a didactic has one presenter.
        real["guest_presenter"] = None
    extra = changes_extra(stored, real, shown=("accreditation_id",))
    session = update_session(session=session, **real)
    record(Action.SESSION_EDITED, actor=by, obj=session, extra=extra)
    sessions_changed([session.pk])
    return session


def _has_attendance(session: Session) -> bool:
    return session.starts_at <= timezone.now() and session.attendances.exists()


@transaction.atomic
def cancel_session(*, session: Session, reason: str, by=None) -> Session:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the session is cancelled; members will read it.")})
    lock_schedule(session.program, None)
    stored = Session.objects.select_for_update().get(pk=session.pk)
    if stored.is_cancelled:
        session.refresh_from_db()
        return session
    if _has_attendance(stored):
        raise ValidationError(
            _(
                "%(session)s took place: people attended it, and their attendance and certificates "
                "stay as evidence. It cannot be cancelled."
            )
            % {"session": stored.title},
            code="held",
        )
    session = update_session(session=session, status=Session.Status.CANCELLED, cancel_reason=reason)
    record(
        Action.SESSION_CANCELLED, actor=by, obj=session, extra={"starts_at": session.starts_at.isoformat()}
    )
    announce_session_change(session=session)
    sessions_changed([session.pk])
    return session


@transaction.atomic
def reschedule_session(
    *,
    session: Session,
    new_date: date,
    new_start_time: time,
    duration_minutes: int,
    record_past: bool = False,
    extend_cycle: bool = False,
    by=None,
) -> Session:
    """Move a session (bringing it back if it was cancelled). The same rules as scheduling hold,
    and a session people already attended keeps its time: their records refer to it."""
    check_duration(duration_minutes)
    program, cycle = lock_schedule(session.program, session.cycle)
    stored = Session.objects.select_for_update().get(pk=session.pk)
    starts_at = local_to_utc(new_date, new_start_time, program.zone)
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    moved = (starts_at, ends_at) != (stored.starts_at, stored.ends_at)
    if moved and _has_attendance(stored):
        raise ValidationError(
            _(
                "%(session)s has started and people attended it: its time is part of their attendance "
                "and certificates, so it cannot move."
            )
            % {"session": stored.title},
            code="held",
        )
    if moved or stored.is_cancelled:
        check_not_past([starts_at], zone=program.zone, record_past=record_past, field="new_date")
    if moved and cycle is not None:
        fit_in_cycle(cycle, [new_date], extend=extend_cycle, by=by, field="new_date")
    clash = Session.objects.filter(program_id=program.pk, starts_at=starts_at).exclude(pk=stored.pk)
    if clash.exists():
        raise ValidationError(_("This program already has a session at that time."), code="clash")
    before = stored.sequence
    session = update_session(
        session=session,
        starts_at=starts_at,
        ends_at=ends_at,
        status=Session.Status.SCHEDULED,
        cancel_reason="",
    )
    if session.sequence == before:
        return session
    renumbered = renumber(program, session.cycle_id)
    session.refresh_from_db()
    sessions_changed([session.pk])
    record(
        Action.SESSION_RESCHEDULED,
        actor=by,
        obj=session,
        extra={
            "from": stored.starts_at.isoformat(),
            "to": starts_at.isoformat(),
            "minutes": duration_minutes,
            "was_cancelled": stored.is_cancelled,
            "recorded_past": starts_at < timezone.now(),
            "renumbered": renumbered,
        },
    )
    if session.ends_at > timezone.now():
        announce_session_change(session=session)
    return session
