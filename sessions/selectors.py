from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, NullIf, RowNumber
from django.utils import timezone

from echo_hub.notifications.models import Notification

from .attendance import pending_joins
from .issued import holders_of_issued_records
from .models import (
    Attendance,
    AttendanceChange,
    AttendanceClaim,
    Enrollment,
    Invitation,
    MemberJoinLink,
    Program,
    Session,
    SessionJoin,
    program_scope,
)

User = get_user_model()


def join_url_for(session: Session, user) -> str:
    """The link `user` joins `session` by: their own (registered with the video platform),
    else the session's."""
    own = MemberJoinLink.objects.filter(session=session, user_id=user.pk).values_list("url", flat=True)
    return next(iter(own), "") or session.join_url


def with_member_join_url(sessions: QuerySet[Session], user) -> QuerySet[Session]:
    """`member_join_url` on each session: `join_url_for` in the same query."""
    own = MemberJoinLink.objects.filter(session=OuterRef("pk"), user_id=user.pk).values("url")[:1]
    return sessions.annotate(member_join_url=Coalesce(NullIf(Subquery(own), Value("")), F("join_url")))


def upcoming_sessions_in(programs: Iterable[Program], user, *, limit: int) -> list[Session]:
    """The first `limit` sessions not yet over in `programs` (the ones the user is an approved
    member of, which the caller has read), with the user's join link. Each session's program
    is the caller's object: the query joins no program and no enrollment."""
    by_pk = {program.pk: program for program in programs}
    if not by_pk:
        return []
    sessions = (
        Session.objects.filter(program__in=list(by_pk), ends_at__gte=timezone.now())
        .select_related("presenter", "guest_presenter")
        .order_by("starts_at")
    )
    found = list(with_member_join_url(sessions, user)[:limit])
    for session in found:
        session.program = by_pk[session.program_id]
    return found


@dataclass(frozen=True)
class ProgramSessions:
    """One program's part of "My sessions": the next few sessions and the latest past ones,
    with how many there are in all (the page links to the rest)."""

    program: Program
    upcoming: list[Session]
    upcoming_total: int
    past: list[Session]
    past_total: int


def _first_per_program(sessions: QuerySet[Session], order, limit: int) -> list[Session]:
    """The first `limit` sessions of each program in `order`, each annotated with its
    program's total: one query whatever the number of programs."""
    return list(
        sessions.annotate(
            rank=Window(RowNumber(), partition_by=F("program_id"), order_by=order),
            program_total=Window(Count("pk"), partition_by=F("program_id")),
        )
        .filter(rank__lte=limit)
        .select_related("program", "presenter")
        .order_by("program_id", "rank")
    )


def my_sessions_by_program(user, *, upcoming: int = 4, past: int = 3) -> list[ProgramSessions]:
    """The user's programs by name, each with its next `upcoming` sessions and latest `past`
    ones. Three queries, however many programs and sessions."""
    programs = list(
        Program.objects.filter(
            enrollments__user=user, enrollments__status=Enrollment.Status.APPROVED
        ).order_by("name")
    )
    now = timezone.now()
    sessions = Session.objects.filter(program__in=[p.pk for p in programs])
    coming = _first_per_program(sessions.filter(ends_at__gte=now), F("starts_at").asc(), upcoming)
    held = _first_per_program(sessions.filter(ends_at__lt=now), F("starts_at").desc(), past)
    groups = []
    for program in programs:
        mine = [s for s in coming if s.program_id == program.pk]
        before = [s for s in held if s.program_id == program.pk]
        groups.append(
            ProgramSessions(
                program=program,
                upcoming=mine,
                upcoming_total=mine[0].program_total if mine else 0,
                past=before,
                past_total=before[0].program_total if before else 0,
            )
        )
    return groups


def upcoming_topics(program: Program, *, limit: int = 8) -> list[Session]:
    """What a prospective member reads before enrolling: the next sessions' dates and
    didactic topics (no join links, no agenda)."""
    return list(
        Session.objects.filter(
            program=program, status=Session.Status.SCHEDULED, starts_at__gte=timezone.now()
        ).order_by("starts_at")[:limit]
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


def member_count(program: Program) -> int:
    """How many people `members(program)` lists, from the enrollments alone (one per person and
    program): counting the members' query joined every member's account."""
    return Enrollment.objects.filter(program=program, status=Enrollment.Status.APPROVED).count()


def roster_page(session: Session, *, members) -> dict:
    """What the attendance roster shows beside a page of `members`: each one's attendance and
    Join click, how many provisional rows await confirmation, the pending "I attended"
    requests and the latest changes."""
    ids = [m.pk for m in members]
    # Read into dictionaries: unordered (Attendance's ordering would join the session to sort).
    attendance = {a.user_id: a for a in Attendance.objects.filter(session=session, user__in=ids).order_by()}
    joins = {j.user_id: j for j in SessionJoin.objects.filter(session=session, user__in=ids).order_by()}
    # Joins of an ended session not swept yet are confirmed with the rest.
    to_confirm = Attendance.objects.filter(session=session, verified=False).count() + (
        pending_joins().filter(session=session).count() if session.is_past else 0
    )
    claims = list(
        AttendanceClaim.objects.filter(session=session, status=AttendanceClaim.Status.PENDING).select_related(
            "user"
        )
    )
    certified = set(holders_of_issued_records(session, set(ids) | {c.user_id for c in claims}))
    return {
        "session": session,
        "program": session.program,
        "rows": [(m, attendance.get(m.pk), joins.get(m.pk)) for m in members],
        # A change of their attendance needs a reason: their certificate is reissued with it.
        "certified": certified & set(ids),
        "started": session.starts_at <= timezone.now(),
        "to_confirm": to_confirm,
        "claims": claims,
        "certified_claims": certified,
        "changes": list(
            AttendanceChange.objects.filter(attendance__session=session).select_related(
                "attendance__user", "changed_by"
            )[:30]
        ),
    }
