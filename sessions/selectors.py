from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from echo_hub.notifications.models import Notification

from .attendance import pending_joins
from .models import (
    Attendance,
    AttendanceChange,
    AttendanceClaim,
    Enrollment,
    Invitation,
    Program,
    Session,
    SessionJoin,
    program_scope,
)

User = get_user_model()


def upcoming_sessions_for(user) -> QuerySet[Session]:
    """Sessions not yet over in every program the user is an approved member of."""
    return (
        Session.objects.filter(
            program__enrollments__user=user,
            program__enrollments__status=Enrollment.Status.APPROVED,
            ends_at__gte=timezone.now(),
        )
        .select_related("program", "presenter", "guest_presenter")
        .order_by("starts_at")
    )


def program_sessions(program: Program, *, past: bool) -> QuerySet[Session]:
    now = timezone.now()
    sessions = Session.objects.filter(program=program).select_related(
        "program", "presenter", "guest_presenter", "cycle"
    )
    if past:
        return sessions.filter(ends_at__lt=now).order_by("-starts_at")
    return sessions.filter(ends_at__gte=now).order_by("starts_at")


def open_programs() -> QuerySet[Program]:
    # One correlated subquery per count: joining both relations at once multiplies rows
    # (members x sessions), which took seconds at 5,000 members.
    upcoming = (
        Session.objects.filter(program=OuterRef("pk"), ends_at__gte=timezone.now())
        .values("program")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Program.objects.filter(is_open_for_enrollment=True).annotate(
        upcoming_count=Coalesce(Subquery(upcoming), 0)
    )


def user_enrollments(user) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(user=user).select_related("program")


def roster(program: Program) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(program=program, status=Enrollment.Status.APPROVED)
        .select_related("user")
        .order_by("role", "user__full_name", "user__email")
    )


def pending_requests(program: Program) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(program=program, status=Enrollment.Status.PENDING)
        .select_related("user")
        .order_by("requested_at")
    )


def member_emails(program: Program, emails: list[str]) -> set[str]:
    return {
        email.lower()
        for email in Enrollment.objects.filter(
            program=program, status=Enrollment.Status.APPROVED, user__email__in=emails
        ).values_list("user__email", flat=True)
    }


def failed_notifications(program: Program) -> QuerySet[Notification]:
    """Messages the program caused that ran out of retries. Not every failed message to its
    members: a member of two programs gets messages of both, and each is the business of the
    program that sent it."""
    return Notification.objects.filter(
        status=Notification.Status.FAILED, scope=program_scope(program.pk)
    ).order_by("-updated_at")


def open_invitations(program: Program) -> QuerySet[Invitation]:
    """Invitations nobody accepted or revoked, expired ones included (they can be sent again)."""
    return (
        Invitation.objects.filter(program=program, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("expires_at", "pk")
    )


def account_exists(email: str) -> bool:
    """Whether someone already signs in with `email` (any case, any of their addresses)."""
    return User.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email)).exists()


def members(program: Program, *, search: str = "") -> QuerySet:
    """The program's approved members by name, optionally those whose name or email contains
    `search`."""
    people = User.objects.filter(
        enrollments__program=program, enrollments__status=Enrollment.Status.APPROVED
    ).order_by("full_name", "email")
    if search:
        people = people.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return people


def roster_page(session: Session, *, members) -> dict:
    """What the attendance roster shows beside a page of `members`: each one's attendance and
    Join click, how many provisional rows await confirmation, the pending "I attended"
    requests and the latest changes."""
    ids = [m.pk for m in members]
    attendance = {a.user_id: a for a in Attendance.objects.filter(session=session, user__in=ids)}
    joins = {j.user_id: j for j in SessionJoin.objects.filter(session=session, user__in=ids)}
    # Joins of an ended session not swept yet are confirmed with the rest.
    to_confirm = Attendance.objects.filter(session=session, verified=False).count() + (
        pending_joins().filter(session=session).count() if session.is_past else 0
    )
    return {
        "session": session,
        "program": session.program,
        "rows": [(m, attendance.get(m.pk), joins.get(m.pk)) for m in members],
        "started": session.starts_at <= timezone.now(),
        "to_confirm": to_confirm,
        "claims": list(
            AttendanceClaim.objects.filter(
                session=session, status=AttendanceClaim.Status.PENDING
            ).select_related("user")
        ),
        "changes": list(
            AttendanceChange.objects.filter(attendance__session=session).select_related(
                "attendance__user", "changed_by"
            )[:30]
        ),
    }
