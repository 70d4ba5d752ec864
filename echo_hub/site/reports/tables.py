"""The report's tables: per session, per didactic topic, reach and retention. Reach and
retention count participants only; the hub's faculty have their own column per session."""

from collections import Counter
from collections.abc import Callable

from django.db import connection
from django.db.models import Avg, Count, Q, Sum

from cases.caseforms.definition import MULTIPLE_CHOICE, SINGLE_CHOICE, YES_NO, shown
from cases.caseforms.definition import fields as case_fields
from cases.caseforms.display import worded
from cpd.models import Evaluation
from echo_hub.accounts.models import CommunityType, Profession
from sessions.models import Session

from .scope import Column, ReportScope, Table, attendance, held_attendance, hours, presented_cases, rounded

NOT_GIVEN = "Not given"
COUNTED_TYPES = (SINGLE_CHOICE, MULTIPLE_CHOICE, YES_NO)


def _per_session(scope: ReportScope) -> dict[int, dict]:
    participant, faculty = Q(is_faculty=False), Q(is_faculty=True)
    return {
        row["session_id"]: row
        for row in held_attendance(scope)
        .values("session_id")
        .annotate(
            attendees=Count("pk", filter=participant),
            sites=Count("user__organization", distinct=True, filter=participant & ~Q(user__organization="")),
            participant_minutes=Sum("minutes", filter=participant),
            faculty=Count("pk", filter=faculty),
        )
        .order_by()
    }


def sessions_table(scope: ReportScope) -> Table:
    """Held and cancelled sessions; one still in progress appears once it has ended."""
    sessions = (
        Session.objects.filter(scope.sessions_q())
        .filter(Q(status=Session.Status.CANCELLED) | Q(ends_at__lte=scope.now))
        .order_by("starts_at", "pk")
        .values("pk", "starts_at", "title", "didactic_topic", "status")
    )
    people = _per_session(scope)
    # Counted apart: a second join (or a subquery in the GROUP BY) would multiply the rows.
    cases = dict(
        presented_cases(scope)
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
        attended = people.get(s["pk"], {})
        rows.append(
            (
                s["starts_at"].astimezone(zone).date(),
                s["title"],
                s["didactic_topic"],
                "Cancelled" if s["status"] == Session.Status.CANCELLED else "Held",
                attended.get("attendees", 0),
                attended.get("sites", 0),
                hours(attended.get("participant_minutes")),
                attended.get("faculty", 0),
                cases.get(s["pk"], 0),
                ev.get("n", 0),
                rounded(ev.get("relevance")),
                rounded(ev.get("quality")),
            )
        )
    columns = [
        Column("Date"),
        Column("Session"),
        Column("Didactic topic"),
        Column("Status"),
        Column("Participants", numeric=True),
        Column("Sites", numeric=True),
        Column("Participant-hours", numeric=True),
        Column("Faculty", numeric=True),
        Column("Cases presented", numeric=True),
        Column("Evaluations", numeric=True),
        Column("Relevance (1–5)", numeric=True),
        Column("Quality (1–5)", numeric=True),
    ]
    return Table("sessions", "Sessions", columns, rows)


def topics_table(scope: ReportScope) -> Table:
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
            rounded(t["relevance"]),
            rounded(t["quality"]),
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


def reach_table(
    scope: ReportScope, *, name: str, title: str, field_name: str, label: str, display: Callable[[str], str]
) -> Table:
    groups = (
        attendance(scope)
        .values(field_name)
        .annotate(people=Count("user", distinct=True), attendances=Count("pk"), minutes=Sum("minutes"))
        .order_by("-people", "-attendances", field_name)
    )
    rows = [(display(g[field_name]), g["people"], g["attendances"], hours(g["minutes"])) for g in groups]
    columns = [
        Column(label),
        Column("Participants", numeric=True),
        Column("Attendances", numeric=True),
        Column("Participant-hours", numeric=True),
    ]
    return Table(name, title, columns, rows)


def retention_table(scope: ReportScope) -> Table:
    """How many sessions of the scope each participant attended, as a distribution."""
    per_person = attendance(scope).values("user").annotate(n=Count("pk")).values("n").order_by()
    sql, params = per_person.query.sql_with_params()
    # A histogram of a grouped query: the ORM has no GROUP BY over a subquery.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n, COUNT(*) FROM ({sql}) per_person GROUP BY n", params)
        counts = dict(cursor.fetchall())
    total = sum(counts.values())
    rows = [
        (n, counts.get(n, 0), rounded(100 * counts.get(n, 0) / total, "0.1"))
        for n in range(1, max(counts, default=0) + 1)
    ]
    columns = [
        Column("Sessions attended", numeric=True),
        Column("Participants", numeric=True),
        Column("Share (%)", numeric=True),
    ]
    return Table("retention", "Sessions attended per participant", columns, rows)


def _labels(choices) -> Callable[[str], str]:
    names = {value: str(label) for value, label in choices}  # translated now, JSON-ready
    return lambda value: names.get(value, value) or NOT_GIVEN


def reach_tables(scope: ReportScope) -> dict[str, Table]:
    return {
        "professions": reach_table(
            scope,
            name="professions",
            title="Reach by profession",
            field_name="user__profession",
            label="Profession",
            display=_labels(Profession.choices),
        ),
        "communities": reach_table(
            scope,
            name="communities",
            title="Reach by community type",
            field_name="user__community_type",
            label="Community type",
            display=_labels(CommunityType.choices),
        ),
        "organizations": reach_table(
            scope,
            name="organizations",
            title="Reach by organization (site)",
            field_name="user__organization",
            label="Organization",
            display=lambda value: value or NOT_GIVEN,
        ),
    }


def case_answers_table(scope: ReportScope) -> Table:
    """Presented cases by their answer to each choice and yes/no question of their case form
    (forms differ per program and version: a question counts under its label). The chronic
    pain form's answers live in its own columns and are not counted here."""
    counts: Counter = Counter()
    cases = presented_cases(scope).exclude(form_version=None)
    for definition, answers in cases.values_list("form_version__definition", "answers"):
        for field in case_fields(definition):
            value = answers.get(field["key"])
            if field.get("column") or field["type"] not in COUNTED_TYPES or value in (None, "", []):
                continue
            for one in value if isinstance(value, list) else [value]:
                counts[(shown(field["label"]), worded(field, [one] if isinstance(value, list) else one))] += 1
    rows = [(label, answer, n) for (label, answer), n in sorted(counts.items())]
    return Table(
        "case_answers",
        "Case answers",
        [Column("Question"), Column("Answer"), Column("Cases", numeric=True)],
        rows,
    )
