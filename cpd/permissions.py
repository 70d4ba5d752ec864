"""Who may see and change certificates. 404 when the user may not see it, 403 when they
may see it but not change it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sessions.models import Cycle, Role
from sessions.permissions import active_role, get_program_for_coordinator, get_program_for_member

from .models import Certificate, Survey


def get_certificate_for_user(user, pk: int, *, write: bool = False) -> Certificate:
    certificate = (
        Certificate.objects.select_related("user", "session__program", "cycle__program").filter(pk=pk).first()
    )
    if certificate is None:
        raise Http404("No such certificate.")
    is_coordinator = active_role(user, certificate.program) == Role.COORDINATOR
    if certificate.user_id != user.pk and not is_coordinator:
        raise Http404("No such certificate.")
    if write and not is_coordinator:
        raise PermissionDenied("Only the program's coordinators can change certificates.")
    return certificate


def get_cycle_for_coordinator(user, slug: str, cycle_pk: int) -> Cycle:
    program = get_program_for_coordinator(user, slug)
    cycle = Cycle.objects.select_related("program").filter(program=program, pk=cycle_pk).first()
    if cycle is None:
        raise Http404("No such cycle.")
    return cycle


def get_survey_for_coordinator(user, slug: str, cycle_pk: int) -> Survey:
    cycle = get_cycle_for_coordinator(user, slug, cycle_pk)
    survey = Survey.objects.filter(cycle=cycle).first()
    if survey is None:
        raise Http404("This cycle has no survey yet.")
    survey.cycle = cycle
    return survey


def get_survey_for_member(user, slug: str, pk: int, phase: str, *, write: bool = False) -> Survey:
    """A survey phase that has been sent. Every member may look at it; only the program's
    participants answer it."""
    program, role = get_program_for_member(user, slug)
    survey = Survey.objects.select_related("cycle__program").filter(cycle__program=program, pk=pk).first()
    if survey is None or phase not in Survey.Phase.values or survey.opens_at(phase) is None:
        raise Http404("No such survey.")
    if write and role != Role.PARTICIPANT:
        raise PermissionDenied("Surveys are answered by the program's participants.")
    survey.answerable = role == Role.PARTICIPANT
    return survey
