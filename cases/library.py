"""The case library: past presented cases of a program, searchable by its members.

A case enters the library only when its presenter agreed to share it (`library_shared`,
changeable until the case is presented) and a coordinator, having screened the hub's
recommendations for identifiers, published it; a change to the recommendations after that
takes it out again until it is screened anew.

Only de-identified content and the hub's recommendations are read here; who presented
a case is shown to the hub team alone (views decide with `shows_presenter_name`)."""

import hashlib
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import DecimalField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from echo_hub.audit.services import Action, record
from sessions.models import Program, Role

from .caseforms.definition import heading_labels
from .caseforms.versions import case_definition
from .deid import explain, find_identifiers
from .models import Case, CaseTag, LibraryScreening, Medication, Recommendation

LIBRARY_STATUSES = (Case.Status.PRESENTED, Case.Status.LETTER_SENT)
SEARCH_CONFIG = "english"
HUB_ROLES = (Role.COORDINATOR, Role.EXPERT)
# The columns every case has, the pain form's, and the text of the other forms' answers.
SEARCHED_FIELDS = (*Case.TEXT_FIELDS, "answers_text")
LIBRARY_AWAITING = "library"  # the case queue's filter value for cases awaiting library screening


class MmeBand:
    NONE = "none"
    UNDER_50 = "under-50"
    FROM_50 = "50-89"
    FROM_90 = "90-plus"
    CHOICES = (
        (NONE, _("No opioid MME")),
        (UNDER_50, _("Under 50 MME/day")),
        (FROM_50, _("50–89 MME/day")),
        (FROM_90, _("90 MME/day or more")),
    )


_MME_BANDS = {
    MmeBand.NONE: Q(original_mme=0),
    MmeBand.UNDER_50: Q(original_mme__gt=0, original_mme__lt=50),
    MmeBand.FROM_50: Q(original_mme__gte=50, original_mme__lt=90),
    MmeBand.FROM_90: Q(original_mme__gte=90),
}


def shows_presenter_name(role: str | None) -> bool:
    return role in HUB_ROLES


def _original_mme() -> Coalesce:
    money = DecimalField(max_digits=10, decimal_places=1)
    total = (
        Medication.objects.filter(case=OuterRef("pk"), follow_up__isnull=True)
        .values("case")
        .annotate(total=Sum("mme"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=money), Decimal("0"), output_field=money)


def _text_search(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        vector = SearchVector(*SEARCHED_FIELDS, config=SEARCH_CONFIG)
        in_recommendations = Recommendation.objects.annotate(
            document=SearchVector("text", config=SEARCH_CONFIG)
        ).filter(case=OuterRef("pk"), document=query)
        return (
            cases.annotate(document=vector, rank=SearchRank(vector, query))
            .filter(Q(document=query) | Exists(in_recommendations))
            .order_by("-rank", "-slot__session__starts_at", "-pk")
        )
    # SQLite (local runs): every word must appear in a case field or a recommendation.
    for word in text.split():
        in_case = Q()
        for name in SEARCHED_FIELDS:
            in_case |= Q(**{f"{name}__icontains": word})
        in_recommendations = Recommendation.objects.filter(case=OuterRef("pk"), text__icontains=word)
        cases = cases.filter(in_case | Exists(in_recommendations))
    return cases


def _changed_since_screening() -> Exists:
    # Also catches recommendations edited outside `save_recommendations` (the admin, a shell).
    return Exists(
        Recommendation.objects.filter(case=OuterRef("pk"), updated_at__gt=OuterRef("library_screened_at"))
    )


def published_cases(program: Program | int) -> QuerySet[Case]:
    """Presented cases of the program that members may read in the library."""
    return Case.objects.filter(
        program=program,
        status__in=LIBRARY_STATUSES,
        library_shared=True,
        library_screening=LibraryScreening.PUBLISHED,
    ).exclude(_changed_since_screening())


def awaiting_screening(program: Program) -> QuerySet[Case]:
    """Presented cases their presenters shared whose recommendations no coordinator has
    screened as they are now."""
    return Case.objects.filter(program=program, status__in=LIBRARY_STATUSES, library_shared=True).filter(
        Q(library_screening=LibraryScreening.AWAITING) | _changed_since_screening()
    )


def is_in_library(case: Case) -> bool:
    return published_cases(case.program_id).filter(pk=case.pk).exists()


def library_cases(
    program: Program,
    *,
    text: str = "",
    heading: str = "",
    mme_band: str = "",
    age_band: str = "",
    tag: CaseTag | None = None,
) -> QuerySet[Case]:
    """Presented cases of the program matching every filter given, newest session first
    (best match first for a text search on PostgreSQL)."""
    cases = (
        published_cases(program)
        .annotate(original_mme=_original_mme())
        .select_related("presenter", "slot__session", "form_version")
        .prefetch_related(
            "tags",
            Prefetch("recommendations", queryset=Recommendation.objects.only("pk", "case_id", "heading")),
        )
        .order_by("-slot__session__starts_at", "-pk")
    )
    if heading:
        cases = cases.filter(Exists(Recommendation.objects.filter(case=OuterRef("pk"), heading=heading)))
    if mme_band in _MME_BANDS:
        cases = cases.filter(_MME_BANDS[mme_band])
    if age_band:
        cases = cases.filter(age_band=age_band)
    if tag is not None:
        cases = cases.filter(tags=tag)
    text = text.strip()
    if text:
        cases = _text_search(cases, text)
    return cases


def library_case(program: Program, pk: int) -> Case | None:
    return (
        published_cases(program)
        .filter(pk=pk)
        .select_related("presenter", "slot__session", "follow_up_of", "form_version")
        .prefetch_related("tags", "recommendations", "medications", "follow_ups")
        .first()
    )


def headings_in_order(case: Case) -> list[str]:
    seen = {r.heading for r in case.recommendations.all()}
    return [label for value, label in heading_labels(case_definition(case)).items() if value in seen]


def _clean_names(names: Iterable[str]) -> list[str]:
    unique: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())[:40]
        if name:
            unique.setdefault(name.lower(), name)
    return list(unique.values())


def _create_tag(program_id: int, name: str) -> CaseTag:
    try:
        with transaction.atomic():
            return CaseTag.objects.create(program_id=program_id, name=name)
    except IntegrityError:
        # Another coordinator created it (in any letter case) a moment ago.
        return CaseTag.objects.get(program_id=program_id, name__iexact=name)


@transaction.atomic
def set_case_tags(*, case: Case, tags: Sequence[CaseTag], new_names: Sequence[str] = ()) -> list[CaseTag]:
    """Give a case exactly these tags, creating the new names in its program (a name that
    differs only in case from an existing tag reuses it). Idempotent."""
    names = _clean_names(new_names)
    findings = [f for name in names for f in find_identifiers(name)]
    if findings:
        raise ValidationError({"new_tags": [explain(f) for f in findings]})
    if any(t.program_id != case.program_id for t in tags):
        raise ValidationError(_("Tags belong to another program."))
    chosen = {t.pk: t for t in tags}
    existing = {t.name.lower(): t for t in CaseTag.objects.filter(program_id=case.program_id)}
    for name in names:
        tag = existing.get(name.lower()) or _create_tag(case.program_id, name)
        chosen[tag.pk] = tag
    case.tags.set(chosen.values())
    return sorted(chosen.values(), key=lambda t: t.name.lower())


# Sharing and screening


def recommendations_version(case: Case) -> str:
    """A digest of the recommendations as they are now. The screening page sends back the
    version it showed, so a coordinator never publishes text they did not read."""
    rows = list(Recommendation.objects.filter(case=case).order_by("pk").values_list("pk", "heading", "text"))
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:32]


def identifier_count(recommendations: Iterable[Recommendation]) -> int:
    return sum(len(find_identifiers(r.text)) for r in recommendations)


@transaction.atomic
def set_library_sharing(*, case: Case, by, shared: bool) -> Case:
    """The presenter agrees (or no longer agrees) to share the case in the library."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.presenter_id != by.pk:
        raise ValidationError(_("Only the presenter decides whether a case is shared in the library."))
    if case.status in LIBRARY_STATUSES:
        raise ValidationError(
            _(
                "This case has been presented, so whether it is shared in the library can no longer be changed."
            )
        )
    if case.library_shared == shared:
        return case
    case.library_shared = shared
    case.save(update_fields=["library_shared", "updated_at"])
    record(Action.CASE_EDITED, actor=by, obj=case, extra={"library_shared": shared})
    return case


@transaction.atomic
def screen_case_for_library(*, case: Case, by, publish: bool, version: str) -> Case:
    """The coordinator's decision on a shared, presented case after reading its
    recommendations (`version` is what they read): publish it or keep it out. Idempotent."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.library_shared:
        raise ValidationError(_("The presenter has not agreed to share this case in the library."))
    if case.status not in LIBRARY_STATUSES:
        raise ValidationError(_("A case can be screened for the library once it has been presented."))
    if version != recommendations_version(case):
        raise ValidationError(
            _("The recommendations changed while you were reading them. Read them again, then decide.")
        )
    decision = LibraryScreening.PUBLISHED if publish else LibraryScreening.KEPT_OUT
    screened_at = case.library_screened_at
    if (
        case.library_screening == decision
        and screened_at is not None
        and not case.recommendations.filter(updated_at__gt=screened_at).exists()
    ):
        return case
    case.library_screening = decision
    case.library_screened_by = by
    case.library_screened_at = timezone.now()
    case.save(update_fields=["library_screening", "library_screened_by", "library_screened_at", "updated_at"])
    findings = identifier_count(case.recommendations.all())
    record(
        Action.CASE_LIBRARY_SCREENED, actor=by, obj=case, extra={"decision": decision, "findings": findings}
    )
    return case


def reopen_library_screening(case: Case) -> None:
    """The recommendations changed: an earlier decision no longer covers them."""
    Case.objects.filter(pk=case.pk).exclude(library_screening=LibraryScreening.AWAITING).update(
        library_screening=LibraryScreening.AWAITING, library_screened_by=None, library_screened_at=None
    )
