import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from sessions.models import Attendance, Cycle, Enrollment, Program, Role, Session

from .credits import CreditResult, credit_phrase, format_amount
from .models import Certificate, Evaluation, Survey, SurveyResponse
from .services import attendance_credit, credit_rules, evaluation_closes_at


@dataclass
class TranscriptRow:
    session: Session
    minutes: int
    evaluated: bool
    result: CreditResult
    certificate: Certificate | None
    provisional: bool = False


@dataclass
class TranscriptGroup:
    program: Program
    year: int
    rows: list[TranscriptRow]

    @property
    def total(self) -> Decimal:
        return sum((r.result.credits for r in self.rows), Decimal("0"))

    @property
    def unit(self) -> str:
        """What the total counts: the credit type of the holder's profession in this program."""
        names = {r.result.credit_name for r in self.rows if r.result.eligible}
        return credit_phrase(names.pop()) if len(names) == 1 else gettext("credits")


def _past_sessions(user) -> QuerySet[Session]:
    return Session.objects.filter(
        program__enrollments__user=user,
        program__enrollments__status=Enrollment.Status.APPROVED,
        status=Session.Status.SCHEDULED,
        starts_at__lt=timezone.now(),
    )


def transcript_years(user) -> list[int]:
    """The years (in each program's zone) that the user's transcript has sessions in, latest first."""
    held = _past_sessions(user).values_list("starts_at", "program__time_zone")
    return sorted(
        {starts_at.astimezone(zoneinfo.ZoneInfo(zone)).year for starts_at, zone in held}, reverse=True
    )


def transcript(user, *, year: int | None = None) -> list[TranscriptGroup]:
    """Every past session of the user's programs with its credits, grouped by program and year;
    only those of `year` when given (a year of the program's own calendar)."""
    sessions = _past_sessions(user)
    if year is not None:
        # A day either side covers every zone; the program's own year is checked below.
        sessions = sessions.filter(
            starts_at__gte=datetime(year - 1, 12, 31, tzinfo=UTC),
            starts_at__lt=datetime(year + 1, 1, 2, tzinfo=UTC),
        )
    # The user's rows are read by the same conditions as a subquery, not by a list of every
    # session's key: a transcript of years would send hundreds of parameters, and each
    # different list is a statement PostgreSQL plans anew. Rows of sessions the year check
    # below leaves out are not looked at.
    of_sessions = sessions.values("pk")
    attendances = {
        a.session_id: a for a in Attendance.objects.filter(user=user, session__in=of_sessions).order_by()
    }
    evaluated = set(
        Evaluation.objects.filter(user=user, session__in=of_sessions)
        .order_by()
        .values_list("session_id", flat=True)
    )
    certificates = {
        c.session_id: c
        for c in Certificate.objects.filter(user=user, session__in=of_sessions, superseded_at=None).order_by()
    }
    sessions = [
        s
        for s in sessions.select_related("program")
        .prefetch_related("program__credit_types")
        .order_by("program__name", "-starts_at")
        if year is None or s.starts_at.astimezone(s.program.zone).year == year
    ]
    groups: dict[tuple[int, int], TranscriptGroup] = {}
    for s in sessions:
        year = s.starts_at.astimezone(s.program.zone).year
        group = groups.setdefault(
            (s.program_id, year), TranscriptGroup(program=s.program, year=year, rows=[])
        )
        attendance = attendances.get(s.pk)
        result = attendance_credit(
            session=s,
            attendance=attendance,
            evaluation_done=s.pk in evaluated,
            profession=user.profession,
            rules=credit_rules(s.program),
        )
        group.rows.append(
            TranscriptRow(
                s,
                attendance.minutes if attendance else 0,
                s.pk in evaluated,
                result,
                certificates.get(s.pk),
                provisional=attendance is not None and attendance.is_provisional,
            )
        )
    return list(groups.values())


def cycle_certificates(user) -> list[Certificate]:
    return list(
        Certificate.objects.filter(user=user, kind=Certificate.Kind.CYCLE, superseded_at=None).select_related(
            "cycle", "cycle__program"
        )
    )


@dataclass
class EvaluationToFill:
    session: Session
    closes_at: datetime


def pending_evaluations(
    user, *, limit: int = 5, programs: Iterable[Program] | None = None, now: datetime | None = None
) -> list[EvaluationToFill]:
    """Sessions the user attended and may still evaluate (the dashboard's to-do), latest first:
    started, not evaluated, and their program's evaluation window still open. One query when
    the caller passes the user's `programs` (the dashboard has them), else two."""
    now = now or timezone.now()
    if programs is None:
        programs = Program.objects.filter(
            enrollments__user=user, enrollments__status=Enrollment.Status.APPROVED
        )
    by_pk = {program.pk: program for program in programs}
    if not by_pk:
        return []
    windows: dict[int, list[int]] = {}
    for program in by_pk.values():
        windows.setdefault(program.evaluation_window_days, []).append(program.pk)
    # One condition per distinct window length (SQLite cannot add a column of days to a date),
    # naming the programs that have it: the query joins no program.
    still_open = Q()
    for days, pks in windows.items():
        still_open |= Q(program__in=pks, ends_at__gt=now - timedelta(days=days))
    sessions = (
        Session.objects.filter(
            still_open,
            attendances__user=user,
            attendances__minutes__gt=0,
            status=Session.Status.SCHEDULED,
            starts_at__lte=now,
        )
        .exclude(evaluations__user=user)
        .order_by("-starts_at")[:limit]
    )
    due = []
    for session in sessions:
        session.program = by_pk[session.program_id]  # the programs in hand: no join
        due.append(EvaluationToFill(session, evaluation_closes_at(session)))
    return due


@dataclass
class SurveyToAnswer:
    survey: Survey
    phase: str

    @property
    def label(self) -> str:
        return Survey.Phase(self.phase).label


def surveys_to_answer(
    user, *, limit: int = 5, programs: Iterable[Program] | None = None
) -> list[SurveyToAnswer]:
    """The current phase (post once it is sent, pre before) of each survey of the user's
    programs as a participant, when the user has not answered it yet. One query; none when
    the caller passes the `programs` the user takes part in (the dashboard has them) and there
    are none (hub experts and coordinators)."""
    by_pk = None
    if programs is None:
        participating = Enrollment.objects.filter(
            user=user, status=Enrollment.Status.APPROVED, role=Role.PARTICIPANT
        ).values("program")
    else:
        by_pk = {program.pk: program for program in programs}
        if not by_pk:
            return []
        participating = list(by_pk)
    answered = SurveyResponse.objects.filter(survey=OuterRef("pk"), user=user)
    surveys = (
        Survey.objects.filter(cycle__program__in=participating)
        .exclude(pre_opens_at=None, post_opens_at=None)
        .annotate(
            answered_pre=Exists(answered.filter(phase=Survey.Phase.PRE)),
            answered_post=Exists(answered.filter(phase=Survey.Phase.POST)),
        )
        .select_related("cycle" if by_pk else "cycle__program")
        .order_by("-cycle__start_date", "pk")
    )
    due = []
    for survey in surveys:
        if by_pk:
            survey.cycle.program = by_pk[survey.cycle.program_id]  # the programs in hand: no join
        phase = Survey.Phase.POST if survey.post_opens_at else Survey.Phase.PRE
        if not (survey.answered_post if phase == Survey.Phase.POST else survey.answered_pre):
            due.append(SurveyToAnswer(survey=survey, phase=phase))
    return due[:limit]


# A try failed and the sweep makes another later.
_RETRYING = Q(render_status=Certificate.RenderStatus.PENDING, render_attempts__gt=0) & ~Q(last_error="")


def certificate_progress(*, session: Session | None = None, cycle: Cycle | None = None) -> dict:
    target = {"session": session} if session else {"cycle": cycle}
    counts = Certificate.objects.filter(superseded_at=None, **target).aggregate(
        total=Count("pk"),
        ready=Count("pk", filter=Q(render_status=Certificate.RenderStatus.READY)),
        failed=Count("pk", filter=Q(render_status=Certificate.RenderStatus.FAILED)),
        retrying=Count("pk", filter=_RETRYING),
    )
    failures = list(
        Certificate.objects.filter(Q(render_status=Certificate.RenderStatus.FAILED) | _RETRYING, **target)
        .select_related("user")
        .order_by("user__full_name")[:50]
    )
    settled = counts["ready"] + counts["failed"] + counts["retrying"]
    return {**counts, "failures": failures, "done": counts["total"] == settled}


def failed_certificates(program: Program) -> QuerySet[Certificate]:
    """Certificates of the program whose tries ran out: they wait for a coordinator's Retry."""
    return (
        program_certificates(program)
        .filter(render_status=Certificate.RenderStatus.FAILED)
        .order_by("-issued_at")
    )


def program_certificates(program: Program) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(
            Q(session__program=program) | Q(cycle__program=program), superseded_at=None
        )
        .select_related("user", "session", "cycle")
        .order_by("-issued_at")
    )


# A machine format for accreditation reporting: the column names, the yes/no flags and the unit
# stay English in every language, so that the bodies' and hubs' import scripts keep reading them.
ATTENDANCE_EXPORT_HEADER = [
    "session",
    "session_start",
    "certifying_body_id",
    "email",
    "full_name",
    "profession",
    "credentials",
    "organization",
    "minutes",
    "source",
    "verified",
    "evaluation_done",
    "eligible",
    "credits",
    "credit_type",
    "licensing_body",
    "licence_number",
    "cfpc_number",
    "npi",
    "birth_month",
    "birth_day",
    "nabp_eprofile_id",
]


def attendance_is_verified(attendance: Attendance) -> bool:
    """A join click alone proves no minutes; every other source is a record of attendance."""
    return attendance.source != Attendance.Source.JOIN


def attendance_export_table(program: Program, *, sessions: QuerySet[Session]) -> Iterator[list]:
    """The accreditation export's rows (ATTENDANCE_EXPORT_HEADER), times in the program's zone."""
    for r in attendance_export_rows(program, sessions=sessions):
        session, attendance = r["session"], r["attendance"]
        user = attendance.user
        yield [
            session.title,
            session.starts_at.astimezone(program.zone).isoformat(),
            session.accreditation_id,
            user.email,
            user.full_name,
            user.get_profession_display(),
            user.credentials,
            user.organization,
            attendance.minutes,
            attendance.source,
            "yes" if attendance_is_verified(attendance) else "no",
            "yes" if r["evaluated"] else "no",
            "yes" if r["result"].eligible else "no",
            format_amount(r["result"].credits),
            r["result"].credit_name or "hours of attendance",
            user.licensing_body,
            user.licence_number,
            user.cfpc_number,
            user.npi,
            user.birth_month or "",
            user.birth_day or "",
            user.nabp_eprofile_id,
        ]


def attendance_export_rows(program: Program, *, sessions: QuerySet[Session]) -> list[dict]:
    sessions = list(sessions.select_related("program").order_by("starts_at"))
    attendances = (
        Attendance.objects.filter(session__in=sessions)
        .select_related("user", "session")
        .order_by("session__starts_at", "user__full_name")
    )
    evaluated = set(Evaluation.objects.filter(session__in=sessions).values_list("session_id", "user_id"))
    by_pk = {s.pk: s for s in sessions}
    rules = credit_rules(program)
    rows = []
    for a in attendances:
        session = by_pk[a.session_id]
        done = (a.session_id, a.user_id) in evaluated
        result = attendance_credit(
            session=session, attendance=a, evaluation_done=done, profession=a.user.profession, rules=rules
        )
        rows.append({"attendance": a, "session": session, "evaluated": done, "result": result})
    return rows


def cycles_with_last_end(program: Program) -> QuerySet[Cycle]:
    """The program's cycles, each with `last_end`: when its last session that is not cancelled
    ends (cycle certificates wait for it unless the cycle is closed early)."""
    return Cycle.objects.filter(program=program).annotate(
        last_end=Max("sessions__ends_at", filter=Q(sessions__status=Session.Status.SCHEDULED))
    )
