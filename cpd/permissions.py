"""Who may see and change certificates. 404 when the user may not see it, 403 when they
may see it but not change it."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from echo_hub.audit.services import denied
from echo_hub.lib.queries import one_or_none
from sessions.models import Role
from sessions.permissions import (
    active_role,
    get_cycle_for_coordinator,
    get_program_for_coordinator,
    get_program_for_member,
    program_object_for_coordinator,
)

from .models import Certificate, CreditType, Survey

_CERTIFICATE = Certificate._meta.label_lower
_SURVEY = Survey._meta.label_lower


def get_certificate_for_user(user, pk: int, *, write: bool = False) -> Certificate:
    certificate = one_or_none(
        Certificate.objects.select_related("user", "session__program", "cycle__program").filter(pk=pk)
    )
    if certificate is None:
        raise denied(Http404("No such certificate."), user=user, object_type=_CERTIFICATE, object_id=pk)
    is_coordinator = active_role(user, certificate.program) == Role.COORDINATOR
    program = certificate.program
    if certificate.user_id != user.pk and not is_coordinator:
        # The type and id only: the label would show the start of a code this user may not see.
        raise denied(
            Http404("No such certificate."),
            user=user,
            object_type=_CERTIFICATE,
            object_id=pk,
            program=program,
        )
    if write and not is_coordinator:
        raise denied(
            PermissionDenied("Only the program's coordinators can change certificates."),
            user=user,
            obj=certificate,
            program=program,
        )
    return certificate


def get_certificate_for_coordinator(user, slug: str, pk: int) -> Certificate:
    """A certificate of a program the user coordinates, reached from that program's pages."""
    program = get_program_for_coordinator(user, slug)
    certificate = one_or_none(
        Certificate.objects.select_related("user").filter(
            Q(session__program=program) | Q(cycle__program=program), pk=pk
        )
    )
    if certificate is None:
        raise denied(
            Http404("No such certificate."),
            user=user,
            object_type=_CERTIFICATE,
            object_id=pk,
            program=program,
        )
    return certificate


def get_survey_for_coordinator(user, slug: str, cycle_pk: int) -> Survey:
    cycle = get_cycle_for_coordinator(user, slug, cycle_pk)
    survey = one_or_none(Survey.objects.filter(cycle=cycle))
    if survey is None:
        raise denied(
            Http404("This cycle has no survey yet."), user=user, object_type=_SURVEY, program=cycle.program_id
        )
    survey.cycle = cycle
    return survey


def get_survey_for_member(user, slug: str, pk: int, phase: str, *, write: bool = False) -> Survey:
    """A survey phase that has been sent. Every member may look at it; only the program's
    participants answer it."""
    program, role = get_program_for_member(user, slug)
    survey = one_or_none(
        Survey.objects.select_related("cycle__program").filter(cycle__program=program, pk=pk)
    )
    if survey is None or phase not in Survey.Phase.values or survey.opens_at(phase) is None:
        raise denied(
            Http404("No such survey."), user=user, object_type=_SURVEY, object_id=pk, program=program
        )
    if write and role != Role.PARTICIPANT:
        raise denied(
            PermissionDenied("Surveys are answered by the program's participants."),
            user=user,
            obj=survey,
            program=program,
        )
    survey.answerable = role == Role.PARTICIPANT
    return survey


def get_credit_type_for_coordinator(user, slug: str, pk: int) -> CreditType:
    return program_object_for_coordinator(
        user, slug, CreditType.objects.select_related("program"), pk, missing="No such credit type."
    )
