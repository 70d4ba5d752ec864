from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from echo_hub.deid import find_identifiers, snippet_key
from echo_hub.deid.forms import highlight
from echo_hub.lib.queries import related_or_none
from sessions.models import Enrollment, Program, Role, Session

from .caseforms.definition import field_map, shown
from .caseforms.versions import case_definition
from .library import LIBRARY_AWAITING, awaiting_screening
from .models import Case, CaseSlot, IdentifierOverride, Recommendation, RecommendationLetter
from .services import OVERDUE_LETTER_DAYS

OPEN_STATUSES = (Case.Status.SUBMITTED, Case.Status.RETURNED, Case.Status.SCHEDULED, Case.Status.PRESENTED)


def my_cases(user) -> QuerySet[Case]:
    return (
        Case.objects.filter(presenter=user).select_related("program", "slot__session").order_by("-updated_at")
    )


# What the queue shows of each case, its presenter, session and earlier case: a case row holds
# its whole form (its answers and texts), which a page of 50 read and decoded for nothing.
QUEUE_COLUMNS = (
    "title",
    "status",
    "submitted_at",
    "presenter__full_name",
    "presenter__email",
    "presenter__profession",
    "slot__session__title",
    "follow_up_of__title",
)


def case_queue(program: Program, *, status: str = "", session: Session | None = None) -> QuerySet[Case]:
    if status == LIBRARY_AWAITING:
        cases = awaiting_screening(program)
    else:
        cases = Case.objects.filter(program=program).exclude(status=Case.Status.DRAFT)
        cases = cases.filter(status=status) if status else cases.filter(status__in=OPEN_STATUSES)
    if session is not None:
        cases = cases.filter(slot__session=session)
    waiting = IdentifierOverride.objects.filter(case=OuterRef("pk"), status=IdentifierOverride.Status.PENDING)
    return (
        cases.select_related("presenter", "slot__session", "follow_up_of")
        .only(*QUEUE_COLUMNS)
        .annotate(identifier_check=Exists(waiting))
        .order_by("submitted_at", "pk")
    )


# The case's own text fields whose model field has no verbose name (one would need a migration):
# their labels as the case form shows them.
CORE_LABELS = {"title": _("Title"), "main_concern": _("Main concern"), "return_comment": _("Comment")}


def identifier_overrides(case: Case) -> list[dict]:
    """The text the presenter vouched for, highlighted in its field, newest decision last."""
    rows = []
    answers = field_map(case_definition(case))
    for override in case.identifier_overrides.select_related("created_by", "decided_by"):
        field = answers.get(override.field)
        if field is not None and not field.get("column"):
            text, label = case.answers.get(override.field) or "", shown(field["label"])
        else:
            text = getattr(case, override.field, "") or ""
            # A field of the form with a column of its own (the pain form's) reads with the form's
            # label; the case's own fields with the case form's.
            label = (
                shown(field["label"])
                if field is not None
                else CORE_LABELS.get(override.field) or Case._meta.get_field(override.field).verbose_name
            )
        keys = {snippet_key(s) for s in override.snippets}
        marked = [f for f in find_identifiers(text) if snippet_key(f.text) in keys]
        rows.append({"override": override, "label": label, "highlighted": highlight(text, marked)})
    return rows


def overdue_letters_for_programs() -> QuerySet[Case]:
    """Cases whose letter is not sent more than OVERDUE_LETTER_DAYS after their session."""
    cutoff = timezone.now() - timedelta(days=OVERDUE_LETTER_DAYS)
    return Case.objects.filter(
        status__in=[Case.Status.SCHEDULED, Case.Status.PRESENTED], slot__session__ends_at__lt=cutoff
    )


def overdue_letters(program: Program) -> QuerySet[Case]:
    return (
        overdue_letters_for_programs()
        .filter(program=program)
        .select_related("slot__session")
        .only("title", "slot__session__title", "slot__session__starts_at")
        .order_by("slot__session__starts_at")
    )


def failed_letters(program: Program) -> QuerySet[RecommendationLetter]:
    """Letters of the program whose tries ran out: they wait for a coordinator's Retry."""
    return (
        RecommendationLetter.objects.filter(case__program=program, status=RecommendationLetter.Status.FAILED)
        .select_related("case")
        .only("case", "last_error", "render_attempts", "case__title")  # not the letter's text, nor the case's
        .order_by("finalized_at")
    )


def cases_needing_presenter(user) -> QuerySet[Case]:
    """The presenter's drafts, returned cases and recent letters: the dashboard's to-do, which
    shows each one's title and status (a case row holds its whole form: only those are read)."""
    recent = timezone.now() - timedelta(days=30)
    return (
        Case.objects.filter(presenter=user)
        .filter(
            Q(status__in=[Case.Status.DRAFT, Case.Status.RETURNED])
            | Q(status=Case.Status.LETTER_SENT, updated_at__gte=recent)
        )
        .only("title", "status", "updated_at")
        .order_by("-updated_at")
    )


def _awaiting_in_expert_programs(user) -> QuerySet[Case]:
    expert_programs = Enrollment.objects.filter(
        user=user, status=Enrollment.Status.APPROVED, role=Role.EXPERT
    ).values("program")
    return Case.objects.filter(
        program__in=expert_programs, status__in=[Case.Status.SCHEDULED, Case.Status.PRESENTED]
    )


def awaiting_recommendations(user) -> QuerySet[Case]:
    mine = Recommendation.objects.filter(case=OuterRef("pk"), author=user)
    # Counted in a subquery, not by joining and grouping: a GROUP BY over every selected column
    # made PostgreSQL join and sort all the waiting cases to show one page of them.
    written = (
        Recommendation.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk"))
    )
    return (
        _awaiting_in_expert_programs(user)
        .annotate(
            written_by_me=Exists(mine),
            recommendation_count=Coalesce(Subquery(written.values("n")), 0),
        )
        .select_related("program", "slot__session")
        # What the list shows: not the case's form, nor the presenter it does not name.
        .only(
            "title",
            "status",
            "program__name",
            "slot__session__title",
            "slot__session__starts_at",
            "slot__session__ends_at",
        )
        .order_by("slot__session__starts_at", "pk")
    )


def awaiting_recommendations_count(user) -> int:
    """How many of awaiting_recommendations the user has written nothing on yet: the badge in
    every page's navigation for a hub expert. A COUNT of its own, not of that list's query
    (annotated, joined and ordered for display), which took longer to build than to run."""
    mine = Recommendation.objects.filter(case=OuterRef("pk"), author=user)
    return _awaiting_in_expert_programs(user).filter(~Exists(mine)).count()


def session_agenda(session: Session) -> list[CaseSlot]:
    return list(
        CaseSlot.objects.filter(session=session)
        .select_related("case", "case__presenter")
        .order_by("position")
    )


def upcoming_sessions_with_free_slots(program: Program) -> QuerySet[Session]:
    return (
        Session.objects.filter(program=program, status=Session.Status.SCHEDULED, starts_at__gt=timezone.now())
        .annotate(taken=Count("case_slots_taken"))
        .filter(taken__lt=F("case_slots"))
        .order_by("starts_at")
    )


def case_detail_lists(case: Case, *, recommendations: bool = True) -> dict:
    """What the case page lists; the hub's recommendations only for a reader who may see
    them (`recommendations`): none are read for the others."""
    medications = list(case.medications.all())
    return {
        "medications": [m for m in medications if m.follow_up_id is None],
        "follow_ups": list(case.follow_ups.all()),
        "follow_up_medications": [m for m in medications if m.follow_up_id is not None],
        "events": list(case.events.select_related("actor")),
        "recommendations": list(case.recommendations.select_related("author")) if recommendations else [],
        "slot": related_or_none(case, "slot"),
    }


def agenda_case_numbers(hours: int = 25) -> dict[int, list[int]]:
    """The number of each case on each session starting soon, in agenda order, for reminders:
    each recipient's email reads it in their language ("Case #42", « Cas no 42 »). Never the
    title: emails carry no case text; members read the cases on the session page."""
    now = timezone.now()
    numbers: dict[int, list[int]] = {}
    slots = (
        CaseSlot.objects.filter(
            session__starts_at__gt=now, session__starts_at__lte=now + timedelta(hours=hours)
        )
        .order_by("session_id", "position")
        .values_list("session_id", "case_id")
    )
    for session_id, case_id in slots:
        numbers.setdefault(session_id, []).append(case_id)
    return numbers
