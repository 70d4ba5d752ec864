"""The report's tables: per session, per didactic topic, reach and retention. Reach and
retention count participants only; the hub's faculty have their own column per session."""

from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.caseforms.definition import MULTIPLE_CHOICE, SINGLE_CHOICE, YES_NO, shown
from cases.caseforms.definition import fields as case_fields
from cases.caseforms.display import worded
from cases.models import CaseFormVersion
from cpd.models import Evaluation
from echo_hub.accounts.models import CommunityType, Profession
from sessions.models import Session

from .attended import Person, SessionCounts
from .scope import Column, ReportScope, Table, hours, presented_cases, rounded

NOT_GIVEN = _("Not given")
# A session's status in the report; lazy, so a cached report reads in each viewer's language.
HELD = pgettext_lazy("session status in a report", "Held")
CANCELLED = pgettext_lazy("session status in a report", "Cancelled")
COUNTED_TYPES = (SINGLE_CHOICE, MULTIPLE_CHOICE, YES_NO)
NO_ONE = SessionCounts(attendees=0, sites=0, participant_minutes=0, faculty=0)


def evaluations_per_session(scope: ReportScope) -> dict[int, dict]:
    """Each held session's evaluations: their number and the sums of their scores, which add
    up to the summary's averages as well as each session's."""
    return {
        row["session_id"]: row
        for row in Evaluation.objects.filter(scope.held_q("session__"))
        .values("session_id")
        .annotate(n=Count("pk"), relevance=Sum("relevance"), quality=Sum("quality"))
        .order_by()
    }


def average(total: int | None, n: int) -> Decimal | None:
    """A mean score to two places, exact (as PostgreSQL's AVG of integers) before rounding."""
    return rounded(Decimal(total) / n) if n else None


def sessions_table(
    scope: ReportScope, evaluations: dict[int, dict], attended: dict[int, SessionCounts]
) -> Table:
    """Held and cancelled sessions; one still in progress appears once it has ended."""
    sessions = (
        Session.objects.filter(scope.sessions_q())
        .filter(Q(status=Session.Status.CANCELLED) | Q(ends_at__lte=scope.now))
        .order_by("starts_at", "pk")
        .values("pk", "starts_at", "title", "didactic_topic", "status")
    )
    # Counted apart: a second join (or a subquery in the GROUP BY) would multiply the rows.
    cases = dict(
        presented_cases(scope)
        .values("slot__session")
        .annotate(n=Count("pk"))
        .values_list("slot__session", "n")
    )
    zone = scope.program.zone
    rows = []
    for s in sessions:
        ev = evaluations.get(s["pk"], {"n": 0})
        counts = attended.get(s["pk"], NO_ONE)
        rows.append(
            (
                s["starts_at"].astimezone(zone).date(),
                s["title"],
                s["didactic_topic"],
                CANCELLED if s["status"] == Session.Status.CANCELLED else HELD,
                counts.attendees,
                counts.sites,
                hours(counts.participant_minutes),
                counts.faculty,
                cases.get(s["pk"], 0),
                ev["n"],
                average(ev.get("relevance"), ev["n"]),
                average(ev.get("quality"), ev["n"]),
            )
        )
    columns = [
        Column(_("Date")),
        Column(_("Session")),
        Column(_("Didactic topic")),
        Column(_("Status")),
        Column(_("Participants"), numeric=True),
        Column(_("Sites"), numeric=True),
        Column(_("Participant-hours"), numeric=True),
        Column(_("Faculty"), numeric=True),
        Column(_("Cases presented"), numeric=True),
        Column(_("Evaluations"), numeric=True),
        Column(_("Relevance (1–5)"), numeric=True),
        Column(_("Quality (1–5)"), numeric=True),
    ]
    return Table("sessions", _("Sessions"), columns, rows)


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
        Column(_("Didactic topic")),
        Column(_("Sessions"), numeric=True),
        Column(_("Evaluations"), numeric=True),
        Column(_("Relevance (1–5)"), numeric=True),
        Column(_("Quality (1–5)"), numeric=True),
    ]
    return Table("topics", _("Evaluations by didactic topic"), columns, rows)


def reach_table(
    participants: list[Person],
    *,
    name: str,
    title: str,
    group: str,
    label: str,
    display: Callable[[str], str],
) -> Table:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for person in participants:
        total = totals[getattr(person, group)]
        total[0] += 1
        total[1] += person.attendances
        total[2] += person.minutes
    ordered = sorted(totals.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    rows = [(display(value), n, attended, hours(minutes)) for value, (n, attended, minutes) in ordered]
    columns = [
        Column(label),
        Column(_("Participants"), numeric=True),
        Column(_("Attendances"), numeric=True),
        Column(_("Participant-hours"), numeric=True),
    ]
    return Table(name, title, columns, rows)


def retention_table(participants: list[Person]) -> Table:
    """How many sessions of the scope each participant attended, as a distribution."""
    counts = Counter(person.attendances for person in participants)
    total = sum(counts.values())
    rows = [
        (n, counts.get(n, 0), rounded(100 * counts.get(n, 0) / total, "0.1"))
        for n in range(1, max(counts, default=0) + 1)
    ]
    columns = [
        Column(_("Sessions attended"), numeric=True),
        Column(_("Participants"), numeric=True),
        Column(_("Share (%)"), numeric=True),
    ]
    return Table("retention", _("Sessions attended per participant"), columns, rows)


def _labels(choices) -> Callable[[str], str]:
    names = {value: str(label) for value, label in choices}  # translated now, JSON-ready
    return lambda value: names.get(value, value) or NOT_GIVEN


def reach_tables(participants: list[Person]) -> dict[str, Table]:
    return {
        "professions": reach_table(
            participants,
            name="professions",
            title=_("Reach by profession"),
            group="profession",
            label=_("Profession"),
            display=_labels(Profession.choices),
        ),
        "communities": reach_table(
            participants,
            name="communities",
            title=_("Reach by community type"),
            group="community_type",
            label=_("Community type"),
            display=_labels(CommunityType.choices),
        ),
        "organizations": reach_table(
            participants,
            name="organizations",
            title=_("Reach by organization (site)"),
            group="organization",
            label=_("Organization"),
            display=lambda value: value or NOT_GIVEN,
        ),
    }


def case_answers_table(scope: ReportScope) -> Table:
    """Presented cases by their answer to each choice and yes/no question of their case form
    (forms differ per program and version: a question counts under its label). The chronic
    pain form's answers live in its own columns and are not counted here."""
    counts: Counter = Counter()
    cases = presented_cases(scope).exclude(form_version=None)
    # Each version's definition once (a program's cases share a few), and only its counted
    # questions: the pain form has none, and its cases' answers are then not read at all.
    counted = {
        pk: [f for f in case_fields(definition) if not f.get("column") and f["type"] in COUNTED_TYPES]
        for pk, definition in CaseFormVersion.objects.filter(
            pk__in=cases.values("form_version").distinct()
        ).values_list("pk", "definition")
    }
    counted = {pk: questions for pk, questions in counted.items() if questions}
    if counted:
        answered = cases.filter(form_version__in=counted).values_list("form_version", "answers")
    else:
        answered = []
    for version, answers in answered:
        for field in counted[version]:
            value = answers.get(field["key"])
            if value in (None, "", []):
                continue
            for one in value if isinstance(value, list) else [value]:
                counts[(shown(field["label"]), worded(field, [one] if isinstance(value, list) else one))] += 1
    rows = [(label, answer, n) for (label, answer), n in sorted(counts.items())]
    return Table(
        "case_answers",
        _("Case answers"),
        [Column(_("Question")), Column(_("Answer")), Column(_("Cases"), numeric=True)],
        rows,
    )
