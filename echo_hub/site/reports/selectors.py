"""Program reports. Every number is aggregated in the database, in a fixed number of
queries whatever the size of the program; the page, its charts, the CSV files and the
PDF all read the one `ProgramReport` built here."""

import statistics
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cases.models import FollowUp, Medication, RecommendationLetter
from cpd.credits import session_credits
from cpd.models import Certificate
from cpd.services.accreditation import credit_rules
from sessions.models import Session

from . import tables
from .attended import Attended, CreditGroup, attended
from .scope import (
    PRESENTED,
    Column,
    ReportScope,
    Table,
    attendance,
    hours,
    presented_cases,
    rounded,
)

__all__ = ["Column", "ProgramReport", "ReportScope", "Summary", "Table", "program_report"]
SECONDS_PER_DAY = 86400


class Median(Aggregate):
    """PostgreSQL's continuous median."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EpochSeconds(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


@dataclass
class Summary:
    sessions_held: int
    sessions_cancelled: int
    sessions_upcoming: int
    participants: int
    new_participants: int
    attendances: int
    participant_hours: Decimal
    faculty: int
    faculty_hours: Decimal
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
            (_("Sessions held"), self.sessions_held),
            (_("Sessions cancelled"), self.sessions_cancelled),
            (_("Sessions still to come"), self.sessions_upcoming),
            (_("Unique participants"), self.participants),
            (_("New participants (first session attended in this report)"), self.new_participants),
            (_("Attendances"), self.attendances),
            (_("Participant-hours"), self.participant_hours),
            (_("Faculty attending (coordinators and hub experts)"), self.faculty),
            (_("Faculty-hours"), self.faculty_hours),
            (_("CPD credits earned"), self.credits),
            (_("Session certificates issued"), self.session_certificates),
            (_("Cycle certificates issued"), self.cycle_certificates),
            (_("Case presentations"), self.case_presentations),
            (_("Follow-up presentations"), self.follow_up_presentations),
            (_("Recommendation letters sent"), self.letters),
            (_("Median days from session to letter"), self.median_days_to_letter),
            (_("Follow-ups reported"), self.follow_ups_reported),
            (_("Cases with a follow-up"), self.cases_with_follow_up),
            (_("Cases whose MME went down at follow-up"), self.cases_mme_down),
            (_("Share of followed-up cases whose MME went down (%)"), self.mme_down_percent),
            (_("Evaluations"), self.evaluations),
            (_("Average relevance (1–5)"), self.relevance),
            (_("Average quality (1–5)"), self.quality),
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
    case_answers: Table

    @property
    def tables(self) -> dict[str, Table]:
        summary = Table(
            "summary",
            _("Summary"),
            [Column(_("Measure")), Column(_("Value"), numeric=True)],
            self.summary.rows(),
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
                self.case_answers,
            )
        }


def _session_counts(scope: ReportScope) -> dict:
    # Counted, not read: a program plans many sessions ahead, which the report lists nowhere.
    scheduled = Q(status=Session.Status.SCHEDULED)
    return Session.objects.filter(scope.sessions_q()).aggregate(
        held=Count("pk", filter=scheduled & Q(ends_at__lte=scope.now)),
        cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
        upcoming=Count("pk", filter=scheduled & Q(ends_at__gt=scope.now)),
    )


def _new_participants(scope: ReportScope, participants: int) -> int:
    """Participants whose first attended session of the whole program lies in the scope: in a
    report of the whole program, every one of them."""
    if scope.is_whole_program:
        return participants
    whole_program = ReportScope(program=scope.program, now=scope.now)
    return (
        attendance(whole_program)
        .values("user")
        .annotate(
            first=Min("session__starts_at"),
            first_in_scope=Min("session__starts_at", filter=scope.sessions_q("session__")),
        )
        .filter(first_in_scope__isnull=False, first=F("first_in_scope"))
        .order_by()
        .count()
    )


def _credits(scope: ReportScope, groups: list[CreditGroup]) -> Decimal:
    """The credit rule of cpd.credits applied to the participants' attendance grouped by
    (session length, minutes, evaluated, profession): a handful of groups, and the program's
    credit types."""
    program = scope.program
    rules = credit_rules(program)
    total = Decimal("0.00")
    for group in groups:
        rule, _ = rules.rule_for(group.profession)
        result = session_credits(
            attended_minutes=group.minutes,
            session_minutes=int(group.length.total_seconds() // 60),
            threshold_percent=program.attendance_threshold_percent,
            rule=rule,
            evaluation_required=program.evaluation_required,
            evaluation_done=group.evaluated,
            explain=False,
        )
        total += result.credits * group.n
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
        presented_cases(scope)
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


def _summary(scope: ReportScope, counted: Attended, evaluations: dict[int, dict]) -> Summary:
    counts = _session_counts(scope)
    evaluated = sum(row["n"] for row in evaluations.values())
    participants, faculty = counted.participants, counted.faculty
    certificates = _certificate_counts(scope)
    cases = _case_counts(scope)
    letters, median_days = _letter_days(scope)
    with_follow_up = cases["with_follow_up"]
    return Summary(
        sessions_held=counts["held"],
        sessions_cancelled=counts["cancelled"],
        sessions_upcoming=counts["upcoming"],
        participants=len(participants),
        new_participants=_new_participants(scope, len(participants)),
        attendances=sum(p.attendances for p in participants),
        participant_hours=hours(sum(p.minutes for p in participants)),
        faculty=len(faculty),
        faculty_hours=hours(sum(p.minutes for p in faculty)),
        credits=_credits(scope, counted.credit_groups),
        session_certificates=certificates["session"],
        cycle_certificates=certificates["cycle"],
        case_presentations=cases["presentations"],
        follow_up_presentations=cases["follow_up_presentations"],
        letters=letters,
        median_days_to_letter=rounded(median_days, "0.1"),
        follow_ups_reported=cases["follow_ups"] or 0,
        cases_with_follow_up=with_follow_up,
        cases_mme_down=cases["mme_down"],
        mme_down_percent=rounded(100 * cases["mme_down"] / with_follow_up, "1") if with_follow_up else None,
        evaluations=evaluated,
        relevance=tables.average(sum(row["relevance"] for row in evaluations.values()), evaluated),
        quality=tables.average(sum(row["quality"] for row in evaluations.values()), evaluated),
    )


def program_report(scope: ReportScope) -> ProgramReport:
    counted = attended(scope)
    evaluations = tables.evaluations_per_session(scope)
    return ProgramReport(
        scope=scope,
        summary=_summary(scope, counted, evaluations),
        sessions=tables.sessions_table(scope, evaluations, counted.sessions),
        topics=tables.topics_table(scope),
        **tables.reach_tables(counted.participants),
        retention=tables.retention_table(counted.participants),
        case_answers=tables.case_answers_table(scope),
    )
