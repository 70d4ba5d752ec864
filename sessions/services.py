from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from echo_hub.audit.services import Action, record
from echo_hub.lib.text import invisible_characters_problem, normalize_name
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.services import queue_email

from .models import Cycle, Enrollment, Program, Role, Session, program_scope
from .reminders import notify_session_changed
from .roster import RosterRow

User = get_user_model()

MAX_SERIES_LENGTH = 52
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def local_to_utc(local_date: date, local_time: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in `zone`; refuses times a DST change makes
    ambiguous or impossible, since a session there would start at a surprising hour."""
    if not EARLIEST_YEAR <= local_date.year <= LATEST_YEAR:
        raise ValidationError(f"Choose a date between {EARLIEST_YEAR} and {LATEST_YEAR}.", code="date_range")
    naive = datetime.combine(local_date, local_time)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    when = f"{local_time:%H:%M} on {local_date:%A %-d %B %Y}"
    if first.utcoffset() != second.utcoffset():
        round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip != naive:
            raise ValidationError(
                f"{when} does not exist in {zone.key}: the clocks spring forward that night. "
                "Choose a time outside the change, for example an hour later.",
                code="dst_gap",
            )
        raise ValidationError(
            f"{when} happens twice in {zone.key}: the clocks fall back that night. "
            "Choose a time outside the change.",
            code="dst_fold",
        )
    return first.astimezone(UTC)


def _next_session_number(*, program: Program, cycle: Cycle | None) -> int:
    current = Session.objects.filter(program=program, cycle=cycle).aggregate(top=Max("number"))["top"]
    return (current or 0) + 1


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
) -> list[Session]:
    """Create `count` weekly sessions on `first_date`'s weekday at the program's local
    wall-clock `start_time`, skipping `skip_dates` (the series then runs longer)."""
    if not 1 <= count <= MAX_SERIES_LENGTH:
        raise ValidationError(f"Schedule between 1 and {MAX_SERIES_LENGTH} sessions at a time.", code="count")
    if cycle is not None and cycle.program_id != program.pk:
        raise ValidationError("That cycle belongs to another program.", code="cycle")
    duration = duration_minutes or program.default_duration_minutes
    if not 15 <= duration <= 480:
        raise ValidationError("A session lasts between 15 and 480 minutes.", code="duration")

    if not EARLIEST_YEAR <= first_date.year <= LATEST_YEAR - 2:
        raise ValidationError(
            f"Choose a first date between {EARLIEST_YEAR} and {LATEST_YEAR - 2}.", code="date_range"
        )
    zone = program.zone
    starts: list[datetime] = []
    errors: list[ValidationError] = []
    for day in _weekly_dates(first_date, count, skip_dates):
        try:
            starts.append(local_to_utc(day, start_time, zone))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)

    clashes = Session.objects.filter(program=program, starts_at__in=starts).order_by("starts_at")
    if clashes.exists():
        taken = ", ".join(f"{s.starts_at.astimezone(zone):%a %-d %b %Y %H:%M}" for s in clashes[:5])
        raise ValidationError(f"This program already has a session at {taken}.", code="clash")

    number = _next_session_number(program=program, cycle=cycle)
    sessions = [
        Session(
            program=program,
            cycle=cycle,
            number=number + offset,
            title=f"Session {number + offset}",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=duration),
            join_url=program.default_join_url,
            case_slots=program.case_slots_per_session,
        )
        for offset, starts_at in enumerate(starts)
    ]
    return Session.objects.bulk_create(sessions)


@transaction.atomic
def create_program(*, creator, name: str, slug: str = "", **fields) -> Program:
    """Create a program; its creator becomes its first coordinator."""
    base = slugify(slug or name)[:70] or "program"
    candidate, suffix = base, 2
    while Program.objects.filter(slug=candidate).exists():
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    program = Program.objects.create(name=name, slug=candidate, **fields)
    enrollment = Enrollment.objects.create(
        user=creator,
        program=program,
        role=Role.COORDINATOR,
        status=Enrollment.Status.APPROVED,
        decided_at=timezone.now(),
        decided_by=creator,
    )
    _record_enrollment(Action.ENROLLMENT_ADDED, enrollment, by=creator, source="program_created")
    return program


@transaction.atomic
def create_cycle(*, program: Program, name: str, start_date: date, end_date: date | None = None) -> Cycle:
    if Cycle.objects.filter(program=program, name__iexact=name).exists():
        raise ValidationError({"name": f"This program already has a cycle named “{name}”."})
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": "The cycle must end on or after its start date."})
    return Cycle.objects.create(program=program, name=name, start_date=start_date, end_date=end_date)


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
def cancel_session(*, session: Session, reason: str) -> Session:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the session is cancelled; members will read it."})
    if Session.objects.filter(pk=session.pk, status=Session.Status.CANCELLED).exists():
        session.refresh_from_db()
        return session
    session = update_session(session=session, status=Session.Status.CANCELLED, cancel_reason=reason)
    notify_session_changed(session=session)
    return session


@transaction.atomic
def reschedule_session(
    *, session: Session, new_date: date, new_start_time: time, duration_minutes: int
) -> Session:
    starts_at = local_to_utc(new_date, new_start_time, session.program.zone)
    clash = Session.objects.filter(program_id=session.program_id, starts_at=starts_at).exclude(pk=session.pk)
    if clash.exists():
        raise ValidationError("This program already has a session at that time.", code="clash")
    before = session.sequence
    session = update_session(
        session=session,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=duration_minutes),
        status=Session.Status.SCHEDULED,
        cancel_reason="",
    )
    if session.sequence != before:
        notify_session_changed(session=session)
    return session


def _record_enrollment(action: str, enrollment: Enrollment, *, by, **extra) -> None:
    record(
        action,
        actor=by,
        obj=enrollment,
        extra={"user_id": enrollment.user_id, "role": enrollment.role, **extra},
    )


def _send_enrollment_email(enrollment: Enrollment, kind: str) -> None:
    queue_email(
        email=enrollment.user.email,
        user=enrollment.user,
        kind=kind,
        object_key=f"enrollment:{enrollment.pk}:{enrollment.decided_at:%Y%m%d%H%M%S}",
        template=kind,
        scope=program_scope(enrollment.program_id),
        context={
            "enrollment": enrollment,
            "program": enrollment.program,
            "program_url": absolute_url("sessions:program_detail", slug=enrollment.program.slug),
        },
    )


@transaction.atomic
def request_enrollment(*, user, program: Program) -> Enrollment:
    """Ask to join a program as a participant. After a decline or a removal, one may ask again."""
    enrollment = Enrollment.objects.select_for_update().filter(user=user, program=program).first()
    if enrollment and enrollment.status not in {Enrollment.Status.DECLINED, Enrollment.Status.REMOVED}:
        return enrollment
    if not program.is_open_for_enrollment:
        raise ValidationError("This program is not taking enrollment requests right now.")
    if enrollment is None:
        return Enrollment.objects.create(user=user, program=program)
    enrollment.status = Enrollment.Status.PENDING
    enrollment.requested_at = timezone.now()
    enrollment.decided_at = None
    enrollment.decided_by = None
    enrollment.decline_reason = ""
    enrollment.save()
    return enrollment


@transaction.atomic
def approve_enrollment(*, enrollment: Enrollment, by) -> Enrollment:
    if enrollment.status == Enrollment.Status.APPROVED:
        return enrollment
    enrollment.status = Enrollment.Status.APPROVED
    enrollment.decided_at = timezone.now()
    enrollment.decided_by = by
    enrollment.decline_reason = ""
    enrollment.save(update_fields=["status", "decided_at", "decided_by", "decline_reason"])
    _record_enrollment(Action.ENROLLMENT_APPROVED, enrollment, by=by)
    _send_enrollment_email(enrollment, "enrollment_approved")
    return enrollment


@transaction.atomic
def decline_enrollment(*, enrollment: Enrollment, by, reason: str = "") -> Enrollment:
    if enrollment.status != Enrollment.Status.PENDING:
        raise ValidationError("Only a pending request can be declined.")
    enrollment.status = Enrollment.Status.DECLINED
    enrollment.decided_at = timezone.now()
    enrollment.decided_by = by
    enrollment.decline_reason = reason.strip()
    enrollment.save(update_fields=["status", "decided_at", "decided_by", "decline_reason"])
    _record_enrollment(Action.ENROLLMENT_DECLINED, enrollment, by=by)
    _send_enrollment_email(enrollment, "enrollment_declined")
    return enrollment


def _lock_member(enrollment: Enrollment) -> Enrollment:
    """Lock the program's coordinators (in one order, so two coordinators changing each other
    at once queue instead of both leaving), then the member's own row."""
    list(
        Enrollment.objects.select_for_update()
        .filter(program_id=enrollment.program_id, role=Role.COORDINATOR, status=Enrollment.Status.APPROVED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    locked = Enrollment.objects.select_for_update().select_related("user", "program").get(pk=enrollment.pk)
    if locked.status != Enrollment.Status.APPROVED:
        raise ValidationError("Only a current member's role can be changed or removed.")
    return locked


def _keep_a_coordinator(enrollment: Enrollment) -> None:
    if enrollment.role != Role.COORDINATOR:
        return
    others = Enrollment.objects.filter(
        program_id=enrollment.program_id, role=Role.COORDINATOR, status=Enrollment.Status.APPROVED
    ).exclude(pk=enrollment.pk)
    if not others.exists():
        raise ValidationError(
            "A program needs at least one coordinator: make someone else a coordinator first."
        )


@transaction.atomic
def change_role(*, enrollment: Enrollment, role: str, by) -> Enrollment:
    """Make a member a participant, a hub expert or a coordinator of the program."""
    if role not in Role.values:
        raise ValidationError("Choose a role: participant, hub expert or coordinator.")
    enrollment = _lock_member(enrollment)
    if enrollment.role == role:
        return enrollment
    _keep_a_coordinator(enrollment)
    old_role = enrollment.role
    enrollment.role = role
    enrollment.save(update_fields=["role"])
    _record_enrollment(Action.ROLE_CHANGED, enrollment, by=by, old_role=old_role)
    return enrollment


@transaction.atomic
def remove_member(*, enrollment: Enrollment, by) -> Enrollment:
    """Take someone off the roster. The row stays (status removed) with their attendance and
    certificates, which accreditation keeps; they may ask to join again."""
    enrollment = _lock_member(enrollment)
    _keep_a_coordinator(enrollment)
    enrollment.status = Enrollment.Status.REMOVED
    enrollment.decided_at = timezone.now()
    enrollment.decided_by = by
    enrollment.save(update_fields=["status", "decided_at", "decided_by"])
    _record_enrollment(Action.MEMBER_REMOVED, enrollment, by=by)
    return enrollment


@transaction.atomic
def import_roster(*, program: Program, rows: Sequence[RosterRow], by) -> list[Enrollment]:
    """Add validated roster rows as approved participants, creating accounts as needed.
    People already approved in the program are left as they are. A name with invisible
    characters refuses the whole import, naming the lines."""
    problems = [
        f"{f'Line {row.line}' if row.line else row.email}: the full name {problem}"
        for row in rows
        if (problem := invisible_characters_problem(row.full_name))
    ]
    if problems:
        raise ValidationError(problems)
    emails = [row.email for row in rows]
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    enrollments = {e.user_id: e for e in Enrollment.objects.filter(program=program, user__in=users.values())}
    added = []
    for row in rows:
        user = users.get(row.email)
        created = user is None
        if created:
            user = User.objects.create_user(
                email=row.email,
                full_name=normalize_name(row.full_name),
                profession=row.profession,
                organization=row.organization,
            )
        enrollment = enrollments.get(user.pk)
        if enrollment and enrollment.status == Enrollment.Status.APPROVED:
            continue
        if enrollment is None:
            enrollment = Enrollment(user=user, program=program, role=Role.PARTICIPANT)
        enrollment.status = Enrollment.Status.APPROVED
        enrollment.decided_at = timezone.now()
        enrollment.decided_by = by
        enrollment.save()
        _record_enrollment(Action.ENROLLMENT_ADDED, enrollment, by=by, source="roster", new_account=created)
        added.append(enrollment)
        queue_email(
            email=user.email,
            user=user,
            kind="roster_added",
            object_key=f"enrollment:{enrollment.pk}",
            template="roster_added",
            scope=program_scope(program.pk),
            context={
                "program": program,
                "user": user,
                "new_account": created,
                "program_url": absolute_url("sessions:program_detail", slug=program.slug),
                "reset_url": absolute_url("account_reset_password"),
            },
        )
    return added
