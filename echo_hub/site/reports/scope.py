"""What a report covers and the rows every part of it reads: held sessions, and attendance
split between participants and the hub's own faculty (coordinators and hub experts)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.models import Case
from sessions.models import Attendance, Cycle, Enrollment, Program, Role, Session

PRESENTED = (Case.Status.PRESENTED, Case.Status.LETTER_SENT)
FACULTY_ROLES = (Role.COORDINATOR, Role.EXPERT)


@dataclass(frozen=True)
class ReportScope:
    """Which sessions a report covers: a program, optionally one cycle and a date range
    (local dates of the program, both ends included). A session is held once it has
    ended and was not cancelled; one in progress is still to come."""

    program: Program
    cycle: Cycle | None = None
    start: date | None = None
    end: date | None = None
    now: datetime = field(default_factory=timezone.now)

    def sessions_q(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}program": self.program})
        if self.cycle is not None:
            q &= Q(**{f"{prefix}cycle": self.cycle})
        zone = self.program.zone
        if self.start is not None:
            q &= Q(**{f"{prefix}starts_at__gte": datetime.combine(self.start, time.min, tzinfo=zone)})
        if self.end is not None:
            after_end = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)
            q &= Q(**{f"{prefix}starts_at__lt": after_end})
        return q

    @property
    def is_whole_program(self) -> bool:
        return self.cycle is None and self.start is None and self.end is None

    def held_q(self, prefix: str = "") -> Q:
        return self.sessions_q(prefix) & Q(
            **{f"{prefix}status": Session.Status.SCHEDULED, f"{prefix}ends_at__lte": self.now}
        )

    @property
    def label(self) -> str:
        parts = [self.cycle.name] if self.cycle else []
        # A date format per language: French abbreviates no month the English way ("Jan").
        fmt = pgettext("date format of a report's period", "j M Y")
        start = date_format(self.start, fmt) if self.start else ""
        end = date_format(self.end, fmt) if self.end else ""
        if self.start and self.end:
            parts.append(f"{start} – {end}")
        elif self.start:
            parts.append(_("from %(date)s") % {"date": start})
        elif self.end:
            parts.append(_("until %(date)s") % {"date": end})
        return ", ".join(parts) if parts else _("All sessions")


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[tuple]

    @property
    def header(self) -> list[str]:
        return [c.label for c in self.columns]


def hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rounded(value: float | Decimal | None, places: str = "0.01") -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _is_faculty(scope: ReportScope) -> ExpressionWrapper:
    """The attendee is one of the program's coordinators or hub experts (by their role in it).
    `user_id IN (the faculty)`, not a correlated EXISTS: PostgreSQL reads the few faculty once
    into a hash, where EXISTS looked each attendance row up again in every aggregate that
    splits on it (five times a row in the reach summary)."""
    faculty = Enrollment.objects.filter(program=scope.program, role__in=FACULTY_ROLES).values("user")
    return ExpressionWrapper(Q(user__in=faculty), output_field=BooleanField())


def held_attendance(scope: ReportScope) -> QuerySet[Attendance]:
    """Attended minutes in held sessions, each row marked `is_faculty` when the attendee is one of
    the program's coordinators or hub experts: they run and teach the sessions and are counted
    apart from the people the program reaches."""
    return Attendance.objects.filter(scope.held_q("session__"), minutes__gt=0).annotate(
        is_faculty=_is_faculty(scope)
    )


def attendance(scope: ReportScope) -> QuerySet[Attendance]:
    """The participants' attendance: held sessions, faculty left out."""
    return held_attendance(scope).filter(is_faculty=False)


def presented_cases(scope: ReportScope) -> QuerySet[Case]:
    return Case.objects.filter(scope.held_q("slot__session__"), status__in=PRESENTED)
