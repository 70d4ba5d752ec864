from collections.abc import Mapping, Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from echo_hub.audit.services import Action, changes_extra, record
from echo_hub.lib.text import invisible_characters_problem, normalize_name
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.services import queue_email

from .hooks import membership_changed
from .models import Enrollment, Program, Role, program_scope
from .roster import RosterRow

# The schedule's verbs live in scheduling.py (its rules in schedule_rules.py); callers keep
# importing them from here.
from .scheduling import (  # noqa: F401
    cancel_session,
    create_cycle,
    edit_session,
    reschedule_session,
    schedule_weekly,
    update_cycle,
    update_session,
)

User = get_user_model()


@transaction.atomic
def create_program(*, creator, name: str, slug: str = "", **fields) -> Program:
    """Create a program; its creator becomes its first coordinator. Unless told otherwise its
    sessions keep the wall-clock time of the creator's own time zone."""
    base = slugify(slug or name)[:70] or "program"
    candidate, suffix = base, 2
    while Program.objects.filter(slug=candidate).exists():
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    fields.setdefault("time_zone", creator.time_zone)
    program = Program.objects.create(name=name, slug=candidate, **fields)
    record(Action.PROGRAM_CREATED, actor=creator, obj=program, extra={"time_zone": program.time_zone})
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
def update_program(*, program: Program, changes: Mapping[str, object], by) -> Program:
    """Save a coordinator's changes to the program settings, each one in the audit trail."""
    stored = Program.objects.select_for_update().get(pk=program.pk)
    real = {name: value for name, value in changes.items() if getattr(stored, name) != value}
    if not real:
        program.refresh_from_db()
        return program
    extra = changes_extra(stored, real, shown=("time_zone",))
    for name, value in real.items():
        setattr(stored, name, value)
    stored.save(update_fields=list(real))
    record(Action.PROGRAM_CHANGED, actor=by, obj=stored, extra=extra)
    program.refresh_from_db()
    return program


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
        raise ValidationError(gettext("This program is not taking enrollment requests right now."))
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
    enrollment.save(update_fields=["status", "decided_at", "decided_by", "decline_reason", "updated_at"])
    _record_enrollment(Action.ENROLLMENT_APPROVED, enrollment, by=by)
    _send_enrollment_email(enrollment, "enrollment_approved")
    membership_changed(program_id=enrollment.program_id, user_id=enrollment.user_id)
    return enrollment


@transaction.atomic
def decline_enrollment(*, enrollment: Enrollment, by, reason: str = "") -> Enrollment:
    if enrollment.status != Enrollment.Status.PENDING:
        raise ValidationError(gettext("Only a pending request can be declined."))
    enrollment.status = Enrollment.Status.DECLINED
    enrollment.decided_at = timezone.now()
    enrollment.decided_by = by
    enrollment.decline_reason = reason.strip()
    enrollment.save(update_fields=["status", "decided_at", "decided_by", "decline_reason", "updated_at"])
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
        raise ValidationError(gettext("Only a current member's role can be changed or removed."))
    return locked


def _keep_a_coordinator(enrollment: Enrollment) -> None:
    if enrollment.role != Role.COORDINATOR:
        return
    others = Enrollment.objects.filter(
        program_id=enrollment.program_id, role=Role.COORDINATOR, status=Enrollment.Status.APPROVED
    ).exclude(pk=enrollment.pk)
    if not others.exists():
        raise ValidationError(
            gettext("A program needs at least one coordinator: make someone else a coordinator first.")
        )


@transaction.atomic
def change_role(*, enrollment: Enrollment, role: str, by) -> Enrollment:
    """Make a member a participant, a hub expert or a coordinator of the program."""
    if role not in Role.values:
        raise ValidationError(gettext("Choose a role: participant, hub expert or coordinator."))
    enrollment = _lock_member(enrollment)
    if enrollment.role == role:
        return enrollment
    _keep_a_coordinator(enrollment)
    old_role = enrollment.role
    enrollment.role = role
    enrollment.save(update_fields=["role", "updated_at"])
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
    enrollment.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    _record_enrollment(Action.MEMBER_REMOVED, enrollment, by=by)
    membership_changed(program_id=enrollment.program_id, user_id=enrollment.user_id)
    return enrollment


@transaction.atomic
def import_roster(*, program: Program, rows: Sequence[RosterRow], by) -> list[Enrollment]:
    """Add validated roster rows as approved participants, creating accounts as needed.
    People already approved in the program are left as they are. A name with invisible
    characters refuses the whole import, naming the lines."""
    problems = [
        gettext("%(where)s: the full name %(problem)s")
        % {
            "where": gettext("Line %(line)s") % {"line": row.line} if row.line else row.email,
            "problem": problem,
        }
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
        membership_changed(program_id=program.pk, user_id=user.pk)
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
