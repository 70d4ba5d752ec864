"""Program reports. Every number is aggregated in the database, in a fixed number of
queries whatever the size of the program; the page, its charts, the CSV files and the
PDF all read the one `ProgramReport` built here."""

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Case, FollowUp, Medication, RecommendationLetter
from cpd.credits import session_credits
from cpd.models import Certificate, Evaluation
from echo_hub.accounts.models import CommunityType, Profession
from sessions.attendance import creditable_q
from sessions.models import Attendance, Cycle, Program, Session

PRESENTED = (Case.Status.PRESENTED, Case.Status.LETTER_SENT)
NOT_GIVEN = "Not given"
SECONDS_PER_DAY = 86400


class Median(Aggregate):
    """PostgreSQL's continuous median."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EpochSeconds(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class ReportScope:
    """Which sessions a report covers: a program, optionally one cycle and a date range
    (local dates of the program, both ends included). A session is held once it has
    started and was not cancelled."""

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

    def held_q(self, prefix: str = "") -> Q:
        return self.sessions_q(prefix) & Q(
            **{f"{prefix}status": Session.Status.SCHEDULED, f"{prefix}starts_at__lte": self.now}
        )

    @property
    def label(self) -> str:
        parts = [self.cycle.name] if self.cycle else []
        if self.start and self.end:
            parts.append(f"{self.start:%-d %b %Y} – {self.end:%-d %b %Y}")
        elif self.start:
            parts.append(f"from {self.start:%-d %b %Y}")
        elif self.end:
            parts.append(f"until {self.end:%-d %b %Y}")
        return ", ".join(parts) if parts else "All sessions"


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


@dataclass
class Summary:
    sessions_held: int
    sessions_cancelled: int
    sessions_upcoming: int
    participants: int
    new_participants: int
    attendances: int
    participant_hours: Decimal
    credits: Decimal
    session_certificates: int
    cycle_certificates: int
    case_presentations: int
    follow_up_presentations: int
    letters: int
    median_days_to_letter: Decimal | None
    follow_ups_reported: int
    cases_with_follow_up: int
    cases_mme_down: int
    mme_down_percent: Decimal | None
    evaluations: int
    relevance: Decimal | None
    quality: Decimal | None

    def rows(self) -> list[tuple[str, object]]:
        return [
            ("Sessions held", self.sessions_held),
            ("Sessions cancelled", self.sessions_cancelled),
            ("Sessions still to come", self.sessions_upcoming),
            ("Unique participants", self.participants),
            ("New participants (first session attended in this report)", self.new_participants),
            ("Attendances", self.attendances),
            ("Participant-hours", self.participant_hours),
            ("CPD credits earned", self.credits),
            ("Session certificates issued", self.session_certificates),
            ("Cycle certificates issued", self.cycle_certificates),
            ("Case presentations", self.case_presentations),
            ("Follow-up presentations", self.follow_up_presentations),
            ("Recommendation letters sent", self.letters),
            ("Median days from session to letter", self.median_days_to_letter),
            ("Follow-ups reported", self.follow_ups_reported),
            ("Cases with a follow-up", self.cases_with_follow_up),
            ("Cases whose MME went down at follow-up", self.cases_mme_down),
            ("Share of followed-up cases whose MME went down (%)", self.mme_down_percent),
            ("Evaluations", self.evaluations),
            ("Average relevance (1–5)", self.relevance),
            ("Average quality (1–5)", self.quality),
        ]


@dataclass
class ProgramReport:
    scope: ReportScope
    summary: Summary
    sessions: Table
    topics: Table
    professions: Table
    communities: Table
    organizations: Table
    retention: Table

    @property
    def tables(self) -> dict[str, Table]:
        summary = Table(
            "summary", "Summary", [Column("Measure"), Column("Value", numeric=True)], self.summary.rows()
        )
        return {
            t.name: t
            for t in (
                summary,
                self.sessions,
                self.topics,
                self.professions,
                self.communities,
                self.organizations,
                self.retention,
            )
        }


def _hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _rounded(value: float | Decimal | None, places: str = "0.01") -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _attendance(scope: ReportScope) -> QuerySet[Attendance]:
    return Attendance.objects.filter(scope.held_q("session__"), minutes__gt=0)


def _session_counts(scope: ReportScope) -> dict:
    scheduled = Q(status=Session.Status.SCHEDULED)
    return Session.objects.filter(scope.sessions_q()).aggregate(
        held=Count("pk", filter=scheduled & Q(starts_at__lte=scope.now)),
        cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
        upcoming=Count("pk", filter=scheduled & Q(starts_at__gt=scope.now)),
    )


def _attendance_counts(scope: ReportScope) -> dict:
    return _attendance(scope).aggregate(
        participants=Count("user", distinct=True), attendances=Count("pk"), minutes=Sum("minutes")
    )


def _new_participants(scope: ReportScope) -> int:
    """People whose first attended session of the whole program lies in the scope."""
    held = Q(
        session__program=scope.program,
        session__status=Session.Status.SCHEDULED,
        session__starts_at__lte=scope.now,
        minutes__gt=0,
    )
    return (
        Attendance.objects.filter(held)
        .values("user")
        .annotate(
            first=Min("session__starts_at"),
            first_in_scope=Min("session__starts_at", filter=scope.sessions_q("session__")),
        )
        .filter(first_in_scope__isnull=False, first=F("first_in_scope"))
        .order_by()
        .count()
    )


def _credits(scope: ReportScope) -> Decimal:
    """The credit rule of cpd.credits applied to attendance grouped by (session length,
    minutes, evaluated): one query, a handful of rows."""
    program = scope.program
    evaluated = Evaluation.objects.filter(session=OuterRef("session_id"), user=OuterRef("user_id"))
    groups = (
        _attendance(scope)
        .filter(creditable_q(program))
        .annotate(
            length=ExpressionWrapper(F("session__ends_at") - F("session__starts_at"), DurationField()),
            evaluated=Exists(evaluated),
        )
        .values("length", "minutes", "evaluated")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = Decimal("0.00")
    for group in groups:
        result = session_credits(
            attended_minutes=group["minutes"],
            session_minutes=int(group["length"].total_seconds() // 60),
            threshold_percent=program.attendance_threshold_percent,
            credits_per_hour=program.credits_per_hour,
            evaluation_required=program.evaluation_required,
            evaluation_done=group["evaluated"],
        )
        total += result.credits * group["n"]
    return total


def _certificate_counts(scope: ReportScope) -> dict:
    cycle_q = Q(kind=Certificate.Kind.CYCLE, cycle__program=scope.program)
    if scope.cycle is not None:
        cycle_q &= Q(cycle=scope.cycle)
    zone = scope.program.zone
    if scope.start is not None:
        cycle_q &= Q(issued_at__gte=datetime.combine(scope.start, time.min, tzinfo=zone))
    if scope.end is not None:
        cycle_q &= Q(issued_at__lt=datetime.combine(scope.end + timedelta(days=1), time.min, tzinfo=zone))
    return (
        Certificate.objects.filter(status=Certificate.Status.VALID)
        .filter(Q(session__program=scope.program) | Q(cycle__program=scope.program))
        .aggregate(
            session=Count("pk", filter=Q(kind=Certificate.Kind.SESSION) & scope.sessions_q("session__")),
            cycle=Count("pk", filter=cycle_q),
        )
    )


def _presented_cases(scope: ReportScope) -> QuerySet[Case]:
    return Case.objects.filter(scope.held_q("slot__session__"), status__in=PRESENTED)


def _case_counts(scope: ReportScope) -> dict:
    """Presentations, follow-ups, and whether the total MME of the latest follow-up's
    medications is below that of the case's original medications."""
    money = DecimalField(max_digits=12, decimal_places=2)
    original = (
        Medication.objects.filter(case=OuterRef("pk"), follow_up__isnull=True)
        .values("case")
        .annotate(total=Sum("mme"))
        .values("total")
    )
    latest = FollowUp.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-pk").values("pk")[:1]
    after = (
        Medication.objects.filter(follow_up=OuterRef("latest_follow_up"))
        .values("follow_up")
        .annotate(total=Sum("mme"))
        .values("total")
    )
    follow_ups = (
        FollowUp.objects.filter(case=OuterRef("pk")).values("case").annotate(n=Count("pk")).values("n")
    )
    zero = Value(Decimal("0"), output_field=money)
    return (
        _presented_cases(scope)
        .annotate(
            follow_up_count=Coalesce(Subquery(follow_ups, output_field=IntegerField()), 0),
            latest_follow_up=Subquery(latest),
            mme_before=Coalesce(Subquery(original, output_field=money), zero, output_field=money),
            mme_after=Coalesce(Subquery(after, output_field=money), zero, output_field=money),
        )
        .aggregate(
            presentations=Count("pk"),
            follow_up_presentations=Count("pk", filter=Q(follow_up_of__isnull=False)),
            follow_ups=Sum("follow_up_count"),
            with_follow_up=Count("pk", filter=Q(latest_follow_up__isnull=False)),
            mme_down=Count("pk", filter=Q(latest_follow_up__isnull=False, mme_after__lt=F("mme_before"))),
        )
    )


def _letter_days(scope: ReportScope) -> tuple[int, float | None]:
    letters = RecommendationLetter.objects.filter(
        scope.held_q("case__slot__session__"), case__status__in=PRESENTED, rendered_at__isnull=False
    )
    if connection.vendor == "postgresql":
        interval = ExpressionWrapper(
            F("rendered_at") - F("case__slot__session__starts_at"), output_field=DurationField()
        )
        result = letters.aggregate(n=Count("pk"), median=Median(EpochSeconds(interval)))
        median = result["median"]
        return result["n"], None if median is None else median / SECONDS_PER_DAY
    days = [
        (rendered - started).total_seconds() / SECONDS_PER_DAY
        for rendered, started in letters.values_list("rendered_at", "case__slot__session__starts_at")
    ]
    return len(days), statistics.median(days) if days else None


def _evaluation_counts(scope: ReportScope) -> dict:
    return Evaluation.objects.filter(scope.held_q("session__")).aggregate(
        n=Count("pk"), relevance=Avg("relevance"), quality=Avg("quality")
    )


def _summary(scope: ReportScope) -> Summary:
    sessions = _session_counts(scope)
    attendance = _attendance_counts(scope)
    certificates = _certificate_counts(scope)
    cases = _case_counts(scope)
    letters, median_days = _letter_days(scope)
    evaluations = _evaluation_counts(scope)
    with_follow_up = cases["with_follow_up"]
    return Summary(
        sessions_held=sessions["held"],
        sessions_cancelled=sessions["cancelled"],
        sessions_upcoming=sessions["upcoming"],
        participants=attendance["participants"],
        new_participants=_new_participants(scope),
        attendances=attendance["attendances"],
        participant_hours=_hours(attendance["minutes"]),
        credits=_credits(scope),
        session_certificates=certificates["session"],
        cycle_certificates=certificates["cycle"],
        case_presentations=cases["presentations"],
        follow_up_presentations=cases["follow_up_presentations"],
        letters=letters,
        median_days_to_letter=_rounded(median_days, "0.1"),
        follow_ups_reported=cases["follow_ups"] or 0,
        cases_with_follow_up=with_follow_up,
        cases_mme_down=cases["mme_down"],
        mme_down_percent=_rounded(100 * cases["mme_down"] / with_follow_up, "1") if with_follow_up else None,
        evaluations=evaluations["n"],
        relevance=_rounded(evaluations["relevance"]),
        quality=_rounded(evaluations["quality"]),
    )


def _sessions_table(scope: ReportScope) -> Table:
    attended = Q(attendances__minutes__gt=0)
    sessions = (
        Session.objects.filter(scope.sessions_q())
        .filter(Q(status=Session.Status.CANCELLED) | Q(starts_at__lte=scope.now))
        .annotate(
            attendees=Count("attendances", filter=attended),
            sites=Count(
                "attendances__user__organization",
                distinct=True,
                filter=attended & ~Q(attendances__user__organization=""),
            ),
            minutes=Sum("attendances__minutes", filter=attended),
        )
        .order_by("starts_at", "pk")
        .values("pk", "starts_at", "title", "didactic_topic", "status", "attendees", "sites", "minutes")
    )
    # Counted apart: a second join (or a subquery in the GROUP BY) would multiply the rows.
    cases = dict(
        _presented_cases(scope)
        .values("slot__session")
        .annotate(n=Count("pk"))
        .values_list("slot__session", "n")
    )
    evaluations = {
        row["session_id"]: row
        for row in Evaluation.objects.filter(scope.held_q("session__"))
        .values("session_id")
        .annotate(n=Count("pk"), relevance=Avg("relevance"), quality=Avg("quality"))
        .order_by()
    }
    zone = scope.program.zone
    rows = []
    for s in sessions:
        ev = evaluations.get(s["pk"], {})
        rows.append(
            (
                s["starts_at"].astimezone(zone).date(),
                s["title"],
                s["didactic_topic"],
                "Cancelled" if s["status"] == Session.Status.CANCELLED else "Held",
                s["attendees"],
                s["sites"],
                _hours(s["minutes"]),
                cases.get(s["pk"], 0),
                ev.get("n", 0),
                _rounded(ev.get("relevance")),
                _rounded(ev.get("quality")),
            )
        )
    columns = [
        Column("Date"),
        Column("Session"),
        Column("Didactic topic"),
        Column("Status"),
        Column("Attendees", numeric=True),
        Column("Sites", numeric=True),
        Column("Participant-hours", numeric=True),
        Column("Cases presented", numeric=True),
        Column("Evaluations", numeric=True),
        Column("Relevance (1–5)", numeric=True),
        Column("Quality (1–5)", numeric=True),
    ]
    return Table("sessions", "Sessions", columns, rows)


def _topics_table(scope: ReportScope) -> Table:
    topics = (
        Session.objects.filter(scope.held_q())
        .values("didactic_topic")
        .annotate(
            sessions=Count("pk", distinct=True),
            relevance=Avg("evaluations__relevance"),
            quality=Avg("evaluations__quality"),
            evaluation_count=Count("evaluations"),
        )
        .order_by("didactic_topic")
    )
    rows = [
        (
            t["didactic_topic"] or NOT_GIVEN,
            t["sessions"],
            t["evaluation_count"],
            _rounded(t["relevance"]),
            _rounded(t["quality"]),
        )
        for t in topics
    ]
    columns = [
        Column("Didactic topic"),
        Column("Sessions", numeric=True),
        Column("Evaluations", numeric=True),
        Column("Relevance (1–5)", numeric=True),
        Column("Quality (1–5)", numeric=True),
    ]
    return Table("topics", "Evaluations by didactic topic", columns, rows)


def _reach_table(
    scope: ReportScope, *, name: str, title: str, field_name: str, label: str, display: Callable[[str], str]
) -> Table:
    groups = (
        _attendance(scope)
        .values(field_name)
        .annotate(people=Count("user", distinct=True), attendances=Count("pk"), minutes=Sum("minutes"))
        .order_by("-people", "-attendances", field_name)
    )
    rows = [(display(g[field_name]), g["people"], g["attendances"], _hours(g["minutes"])) for g in groups]
    columns = [
        Column(label),
        Column("Participants", numeric=True),
        Column("Attendances", numeric=True),
        Column("Participant-hours", numeric=True),
    ]
    return Table(name, title, columns, rows)


def _retention_table(scope: ReportScope) -> Table:
    """How many sessions of the scope each participant attended, as a distribution."""
    per_person = _attendance(scope).values("user").annotate(n=Count("pk")).values("n").order_by()
    sql, params = per_person.query.sql_with_params()
    # A histogram of a grouped query: the ORM has no GROUP BY over a subquery.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n, COUNT(*) FROM ({sql}) per_person GROUP BY n", params)
        counts = dict(cursor.fetchall())
    total = sum(counts.values())
    rows = [
        (n, counts.get(n, 0), _rounded(100 * counts.get(n, 0) / total, "0.1"))
        for n in range(1, max(counts, default=0) + 1)
    ]
    columns = [
        Column("Sessions attended", numeric=True),
        Column("Participants", numeric=True),
        Column("Share (%)", numeric=True),
    ]
    return Table("retention", "Sessions attended per participant", columns, rows)


def _labels(choices) -> Callable[[str], str]:
    names = dict(choices)
    return lambda value: names.get(value, value) or NOT_GIVEN


def program_report(scope: ReportScope) -> ProgramReport:
    return ProgramReport(
        scope=scope,
        summary=_summary(scope),
        sessions=_sessions_table(scope),
        topics=_topics_table(scope),
        professions=_reach_table(
            scope,
            name="professions",
            title="Reach by profession",
            field_name="user__profession",
            label="Profession",
            display=_labels(Profession.choices),
        ),
        communities=_reach_table(
            scope,
            name="communities",
            title="Reach by community type",
            field_name="user__community_type",
            label="Community type",
            display=_labels(CommunityType.choices),
        ),
        organizations=_reach_table(
            scope,
            name="organizations",
            title="Reach by organization (site)",
            field_name="user__organization",
            label="Organization",
            display=lambda value: value or NOT_GIVEN,
        ),
        retention=_retention_table(scope),
    )
