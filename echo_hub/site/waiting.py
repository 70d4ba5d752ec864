"""What waits for a coordinator in each program they coordinate: the dashboard's counts and the
daily digest's. One query whatever the number of programs: every count is a correlated
subquery of the program row."""

from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from cases import selectors as case_selectors
from cases.models import Case, Recommendation, RecommendationLetter
from echo_hub.notifications.models import Notification
from sessions.models import (
    PROGRAM_SCOPE_PREFIX,
    Attendance,
    AttendanceClaim,
    Enrollment,
    Program,
    Role,
    Session,
)
from sessions.permissions import coordinated_programs


@dataclass(frozen=True)
class WaitingItem:
    count: int
    # An ngettext_lazy message with a %(count)s: read in the language of whoever sees it.
    text: str
    url: str
    urgent: bool = False

    @property
    def label(self) -> str:
        return self.text % {"count": self.count}


@dataclass(frozen=True)
class ProgramWaiting:
    program: Program
    items: list[WaitingItem]

    @property
    def total(self) -> int:
        return sum(item.count for item in self.items)


def _count(queryset: QuerySet, field: str = "program") -> Coalesce:
    """A correlated COUNT(*) subquery, 0 when nothing matches."""
    return Coalesce(Subquery(queryset.values(field).annotate(n=Count("pk")).values("n")[:1]), 0)


def letters_to_finalize() -> QuerySet[Case]:
    """Cases the hub wrote recommendations for, whose session has started, with no letter yet:
    the coordinator finalises them and the letter goes to the presenter."""
    return Case.objects.filter(
        status__in=[Case.Status.SCHEDULED, Case.Status.PRESENTED],
        slot__session__status=Session.Status.SCHEDULED,
        slot__session__starts_at__lte=timezone.now(),
    ).filter(
        Exists(Recommendation.objects.filter(case=OuterRef("pk"))),
        ~Exists(RecommendationLetter.objects.filter(case=OuterRef("pk"))),
    )


def annotated_programs(programs: QuerySet[Program]) -> QuerySet[Program]:
    program = OuterRef("pk")
    claims = AttendanceClaim.objects.filter(session__program=program, status=AttendanceClaim.Status.PENDING)
    provisional = Attendance.objects.filter(session__program=program, verified=False)
    failed = Notification.objects.filter(
        status=Notification.Status.FAILED,
        scope=Concat(Value(PROGRAM_SCOPE_PREFIX), Cast(program, output_field=CharField())),
    )
    return programs.annotate(
        pending_count=_count(Enrollment.objects.filter(program=program, status=Enrollment.Status.PENDING)),
        claim_count=_count(claims, "session__program"),
        claim_session=Subquery(claims.order_by("session__starts_at", "pk").values("session")[:1]),
        screen_count=_count(Case.objects.filter(program=program, status=Case.Status.SUBMITTED)),
        finalize_count=_count(letters_to_finalize().filter(program=program)),
        overdue_count=_count(case_selectors.overdue_letters_for_programs().filter(program=program)),
        failed_count=_count(failed, "scope"),
        provisional_count=_count(provisional, "session__program"),
        provisional_session=Subquery(provisional.order_by("session__starts_at", "pk").values("session")[:1]),
    )


def _items(p: Program) -> list[WaitingItem]:
    slug = p.slug
    queue = reverse("cases:queue", args=[slug])
    items = [
        WaitingItem(
            p.pending_count,
            ngettext_lazy("%(count)s enrollment request", "%(count)s enrollment requests", "count"),
            reverse("sessions:manage_enrollment", args=[slug]),
        ),
        WaitingItem(
            p.claim_count,
            ngettext_lazy("%(count)s “I attended” request", "%(count)s “I attended” requests", "count"),
            reverse("sessions:manage_attendance", args=[slug, p.claim_session]) if p.claim_session else "",
        ),
        WaitingItem(
            p.screen_count,
            ngettext_lazy("%(count)s case to screen", "%(count)s cases to screen", "count"),
            f"{queue}?status=submitted",
        ),
        WaitingItem(
            p.finalize_count,
            ngettext_lazy("%(count)s letter to finalise", "%(count)s letters to finalise", "count"),
            queue,
        ),
        WaitingItem(
            p.overdue_count,
            ngettext_lazy("%(count)s overdue letter", "%(count)s overdue letters", "count"),
            queue,
            urgent=True,
        ),
        WaitingItem(
            p.failed_count,
            ngettext_lazy("%(count)s failed message", "%(count)s failed messages", "count"),
            reverse("sessions:manage_failed_messages", args=[slug]),
            urgent=True,
        ),
        WaitingItem(
            p.provisional_count,
            ngettext_lazy(
                "%(count)s provisional attendance to confirm",
                "%(count)s provisional attendances to confirm",
                "count",
            ),
            reverse("sessions:manage_attendance", args=[slug, p.provisional_session])
            if p.provisional_session
            else "",
        ),
    ]
    return [item for item in items if item.count]


def waiting_for_coordinator(user) -> list[ProgramWaiting]:
    """Per program the user coordinates, by name: what waits for them, only the non-zero
    counts, each with the page where it is dealt with."""
    programs = annotated_programs(coordinated_programs(user)).order_by("name")
    return [ProgramWaiting(program=p, items=_items(p)) for p in programs]


def waiting_for_digest(user) -> list[ProgramWaiting]:
    """The same, for the programs where something waits, coordinated through an enrollment
    (a superuser's view of every program is not theirs to be mailed about)."""
    programs = Program.objects.filter(
        Q(enrollments__user=user)
        & Q(enrollments__status=Enrollment.Status.APPROVED)
        & Q(enrollments__role=Role.COORDINATOR)
    ).distinct()
    waiting = [
        ProgramWaiting(program=p, items=_items(p)) for p in annotated_programs(programs).order_by("name")
    ]
    return [w for w in waiting if w.total]
