"""Who may see and change a case. Every cases view calls one of these first.

404 when the user may not see the case (its existence does not leak), 403 when they
may see it but not do what they asked.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from echo_hub.audit.services import denied
from echo_hub.lib.queries import one_or_none
from sessions.models import Enrollment, Program, Role
from sessions.permissions import active_role, get_program_for_coordinator, member_programs

from .models import Case, IdentifierOverride, RecommendationLetter

VISIBLE_TO_HUB = (
    Case.Status.SUBMITTED,
    Case.Status.RETURNED,
    Case.Status.SCHEDULED,
    Case.Status.PRESENTED,
    Case.Status.LETTER_SENT,
    # The hub read it before the presenter took it back; the queue lists it as withdrawn.
    Case.Status.WITHDRAWN,
)
VISIBLE_TO_PARTICIPANTS = (Case.Status.SCHEDULED, Case.Status.PRESENTED, Case.Status.LETTER_SENT)


def visible_cases(user) -> QuerySet[Case]:
    """Cases the user may read, across all their programs, in one query."""
    if user.is_superuser:
        return Case.objects.exclude(status=Case.Status.DRAFT)
    approved = Enrollment.objects.filter(user=user, status=Enrollment.Status.APPROVED)
    coordinated = approved.filter(role=Role.COORDINATOR).values("program")
    advised = approved.filter(role=Role.EXPERT).values("program")
    member_programs = approved.values("program")
    # Text the presenter vouched for is read by a coordinator before any expert sees the case.
    waiting = Exists(
        IdentifierOverride.objects.filter(case=OuterRef("pk"), status=IdentifierOverride.Status.PENDING)
    )
    return Case.objects.filter(
        Q(presenter=user)
        | Q(program__in=coordinated, status__in=VISIBLE_TO_HUB)
        | (Q(program__in=advised, status__in=VISIBLE_TO_HUB) & ~Q(waiting))
        | Q(program__in=member_programs, status__in=VISIBLE_TO_PARTICIPANTS)
    )


def _role(user, program: Program) -> str | None:
    return active_role(user, program)


def may_read(user, case: Case, role: str | None) -> bool:
    """visible_cases' rule for one case, given the user's role in its program: the case page
    asks it of a row read by its key, cheaper than building visible_cases' query (a test
    holds the two to the same answers)."""
    if user.is_superuser:
        return case.status != Case.Status.DRAFT
    if case.presenter_id == user.pk:
        return True
    if role is None:
        return False
    if case.status in VISIBLE_TO_PARTICIPANTS:
        return True
    if case.status not in VISIBLE_TO_HUB:
        return False
    if role == Role.COORDINATOR:
        return True
    return role == Role.EXPERT and not (
        IdentifierOverride.objects.filter(case=case, status=IdentifierOverride.Status.PENDING).exists()
    )


def get_case_for_user(user, pk: int, *, related: tuple[str, ...] = ()) -> tuple[Case, str | None]:
    """The case and the user's role in its program, if they may read it; `related`: more
    relations the caller reads, joined in the same query (the case page: its slot and letter)."""
    case = one_or_none(
        Case.objects.select_related("program", "presenter", "form_version", *related).filter(pk=pk)
    )
    role = _role(user, case.program) if case is not None else None
    if case is None or not may_read(user, case, role):
        raise denied(Http404(_("No such case.")), user=user, object_type=Case._meta.label_lower, object_id=pk)
    return case, role


def get_case_for_presenter(user, pk: int) -> Case:
    case, _role = get_case_for_user(user, pk)
    if case.presenter_id != user.pk:
        raise denied(PermissionDenied(_("Only the presenter can change this case.")), user=user, obj=case)
    return case


def get_case_for_coordinator(user, pk: int) -> Case:
    case, role = get_case_for_user(user, pk)
    if role != Role.COORDINATOR or case.status == Case.Status.DRAFT:
        raise denied(PermissionDenied(_("Only the program's coordinators can do this.")), user=user, obj=case)
    return case


def get_case_for_expert(user, pk: int) -> Case:
    case, role = get_case_for_user(user, pk)
    if role != Role.EXPERT:
        raise denied(
            PermissionDenied(_("Only the program's hub experts write recommendations.")), user=user, obj=case
        )
    return case


def get_letter_for_coordinator(user, slug: str, case_pk: int) -> RecommendationLetter:
    """The letter of a case of a program the user coordinates, reached from that program's pages."""
    program = get_program_for_coordinator(user, slug)
    letters = RecommendationLetter.objects.select_related("case")
    letter = one_or_none(letters.filter(case__program=program, case_id=case_pk))
    if letter is None:
        raise denied(
            Http404(_("No such letter.")),
            user=user,
            object_type=Case._meta.label_lower,
            object_id=case_pk,
            program=program,
        )
    return letter


def can_read_letter(user, case: Case, role: str | None) -> bool:
    return case.presenter_id == user.pk or role in (Role.COORDINATOR, Role.EXPERT)


def programs_to_present_in(user) -> QuerySet[Program]:
    """The programs where the user is an approved member, by name: where they may present."""
    return member_programs(user).order_by("name")


def can_present_in(user, program: Program) -> bool:
    return _role(user, program) is not None
