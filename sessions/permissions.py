"""Who may see and change programs and sessions. Every view calls one of these first.

A user who may not see an object gets 404 (its existence does not leak); one who may
see it but not change it gets 403.
"""

import functools

from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from echo_hub.audit.services import denied
from echo_hub.lib.queries import one_or_none

from .models import Cycle, Enrollment, Invitation, Program, Role, Session, SessionMaterial

_PROGRAM = Program._meta.label_lower
# The permission that lets someone create programs, as _holds_permission_sql reads it.
_ADD_PROGRAM = {"app": Program._meta.app_label, "codename": get_permission_codename("add", Program._meta)}
_SESSION = Session._meta.label_lower


def active_role(user, program: Program) -> str | None:
    """The user's approved role in the program, or None."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.COORDINATOR
    enrollment = one_or_none(
        Enrollment.objects.filter(user=user, program=program, status=Enrollment.Status.APPROVED)
    )
    return enrollment.role if enrollment else None


def coordinates_any(user, enrollments) -> bool:
    """Whether the user coordinates a program, read from their enrollments already in hand
    (most people coordinate nothing: the dashboard skips the coordinators' query for them)."""
    return user.is_superuser or any(
        e.status == Enrollment.Status.APPROVED and e.role == Role.COORDINATOR for e in enrollments
    )


@functools.cache
def _holds_permission_sql() -> str:
    """Whether a user holds a permission, given to them or to one of their groups. Written by
    hand, with the table names from the models: the navigation asks on every page, and Django
    took longer to build the statement (four joins) than the database took to answer it."""
    user = get_user_model()
    permission, content_type = Permission._meta.db_table, ContentType._meta.db_table
    own = user.user_permissions.through._meta.db_table
    member_of = user.groups.through._meta.db_table
    granted = Group.permissions.through._meta.db_table
    return (
        f"SELECT EXISTS (SELECT 1 FROM {permission} p"
        f" JOIN {content_type} ct ON ct.id = p.content_type_id"
        " WHERE ct.app_label = %(app)s AND p.codename = %(codename)s AND ("
        f" EXISTS (SELECT 1 FROM {own} up WHERE up.permission_id = p.id AND up.user_id = %(user)s)"
        f" OR EXISTS (SELECT 1 FROM {granted} gp JOIN {member_of} ug ON ug.group_id = gp.group_id"
        " WHERE gp.permission_id = p.id AND ug.user_id = %(user)s)))"
    )


def can_create_program(user) -> bool:
    """Whether the user holds the add_program permission, given to them or to one of their
    groups: user.has_perm's answer for our backends (ModelBackend and allauth's subclass of it)
    in one query instead of its two (every permission of the user, then of their groups), as
    the navigation asks on every page."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    with connection.cursor() as cursor:
        cursor.execute(_holds_permission_sql(), {**_ADD_PROGRAM, "user": user.pk})
        return bool(cursor.fetchone()[0])


@functools.cache
def _navigation_sql() -> str:
    """The user's approved memberships (role, program slug and name, by program name) and, on
    every row, whether they may create programs: from a one-row select, so that someone in no
    program still gets a row with the answer."""
    enrollment, program = Enrollment._meta.db_table, Program._meta.db_table
    return (
        f"SELECT e.role, p.slug, p.name, ({_holds_permission_sql()}) FROM (SELECT 1 AS one) o"
        f" LEFT JOIN {enrollment} e ON e.user_id = %(user)s AND e.status = %(approved)s"
        f" LEFT JOIN {program} p ON p.id = e.program_id"
        " ORDER BY p.name"
    )


def navigation_memberships(user) -> tuple[list[tuple[str, str, str]], bool]:
    """What the navigation needs on every page, in one query: the (role, program slug, program
    name) of the user's approved memberships by program name, and can_create_program's answer."""
    params = {**_ADD_PROGRAM, "user": user.pk, "approved": Enrollment.Status.APPROVED}
    with connection.cursor() as cursor:
        cursor.execute(_navigation_sql(), params)
        rows = cursor.fetchall()
    memberships = [(role, slug, name) for role, slug, name, _ in rows if role is not None]
    may_create = user.is_active and (user.is_superuser or bool(rows[0][3]))
    return memberships, may_create


def member_programs(user) -> QuerySet[Program]:
    if user.is_superuser:
        return Program.objects.all()
    return Program.objects.filter(
        enrollments__user=user, enrollments__status=Enrollment.Status.APPROVED
    ).distinct()


def coordinated_programs(user) -> QuerySet[Program]:
    if user.is_superuser:
        return Program.objects.all()
    return Program.objects.filter(
        enrollments__user=user,
        enrollments__status=Enrollment.Status.APPROVED,
        enrollments__role=Role.COORDINATOR,
    ).distinct()


def visible_programs(user) -> QuerySet[Program]:
    """Programs a user may read about: open ones, and those they belong to."""
    if not user.is_authenticated:
        return Program.objects.filter(is_open_for_enrollment=True)
    if user.is_superuser:
        return Program.objects.all()
    # EXISTS, not a join: OR-ing a join condition joins every member's enrollment of the open
    # programs and de-duplicates them (21 ms at 5,000 members, on every program page).
    membership = Enrollment.objects.filter(
        program=OuterRef("pk"), user=user, status=Enrollment.Status.APPROVED
    )
    return Program.objects.filter(Q(is_open_for_enrollment=True) | Exists(membership))


def get_visible_program(user, slug: str) -> tuple[Program, str | None]:
    program = one_or_none(visible_programs(user).filter(slug=slug))
    if program is None:
        raise denied(Http404("No such program."), user=user, object_type=_PROGRAM)
    return program, active_role(user, program)


def get_program_for_member(user, slug: str) -> tuple[Program, str]:
    if user.is_authenticated and not user.is_superuser:
        # Every program page asks: the member's enrollment and its program in one query.
        enrollment = one_or_none(
            Enrollment.objects.select_related("program").filter(
                user=user, program__slug=slug, status=Enrollment.Status.APPROVED
            )
        )
        if enrollment is not None:
            return enrollment.program, enrollment.role
    program = one_or_none(Program.objects.filter(slug=slug))
    # Anyone else but a superuser has no role here: the query above was theirs.
    role = active_role(user, program) if program and user.is_superuser else None
    if role is None:
        raise denied(Http404("No such program."), user=user, obj=program, object_type=_PROGRAM)
    return program, role


def get_program_for_coordinator(user, slug: str) -> Program:
    program, role = get_program_for_member(user, slug)
    if role != Role.COORDINATOR:
        raise denied(
            PermissionDenied(gettext("Only the program's coordinators can do this.")), user=user, obj=program
        )
    return program


def get_session_for_member(user, slug: str, pk: int) -> tuple[Session, str]:
    program, role = get_program_for_member(user, slug)
    session = one_or_none(
        Session.objects.select_related("program", "cycle", "presenter", "guest_presenter").filter(
            program=program, pk=pk
        )
    )
    if session is None:
        raise denied(
            Http404("No such session."), user=user, object_type=_SESSION, object_id=pk, program=program
        )
    return session, role


def get_session_for_coordinator(user, slug: str, pk: int) -> Session:
    session, role = get_session_for_member(user, slug, pk)
    if role != Role.COORDINATOR:
        raise denied(
            PermissionDenied(gettext("Only the program's coordinators can change sessions.")),
            user=user,
            obj=session,
        )
    return session


def can_edit_materials(user, session: Session, role: str | None) -> bool:
    """The didactic's presenter and the program's coordinators add and remove its materials."""
    return role == Role.COORDINATOR or (role is not None and session.presenter_id == user.pk)


def get_session_for_material_editor(user, slug: str, pk: int) -> Session:
    session, role = get_session_for_member(user, slug, pk)
    if not can_edit_materials(user, session, role):
        raise denied(
            PermissionDenied(
                gettext("Only the presenter and the program's coordinators can change materials.")
            ),
            user=user,
            obj=session,
        )
    return session


def get_material_for_member(
    user, slug: str, pk: int, material_pk: int, *, write: bool = False
) -> SessionMaterial:
    session = (
        get_session_for_material_editor(user, slug, pk)
        if write
        else get_session_for_member(user, slug, pk)[0]
    )
    material = one_or_none(SessionMaterial.objects.filter(session=session, pk=material_pk))
    if material is None:
        raise denied(
            Http404("No such material."),
            user=user,
            object_type=SessionMaterial._meta.label_lower,
            object_id=material_pk,
            program=session.program_id,
        )
    material.session = session
    return material


def program_object_for_coordinator(user, slug: str, objects: QuerySet, pk: int, *, missing: str):
    """The object `pk` among `objects` of a program `user` coordinates; 404 (audited) when the
    program has no such object, whoever's it is, so other programs' objects do not leak."""
    program = get_program_for_coordinator(user, slug)
    found = one_or_none(objects.filter(program=program, pk=pk))
    if found is None:
        raise denied(
            Http404(missing),
            user=user,
            object_type=objects.model._meta.label_lower,
            object_id=pk,
            program=program,
        )
    return found


def get_cycle_for_coordinator(user, slug: str, pk: int) -> Cycle:
    return program_object_for_coordinator(
        user, slug, Cycle.objects.select_related("program"), pk, missing="No such cycle."
    )


def get_enrollment_for_coordinator(user, slug: str, pk: int) -> Enrollment:
    return program_object_for_coordinator(
        user, slug, Enrollment.objects.select_related("user", "program"), pk, missing="No such enrollment."
    )


def get_invitation_for_coordinator(user, slug: str, pk: int) -> Invitation:
    return program_object_for_coordinator(
        user,
        slug,
        Invitation.objects.select_related("program", "invited_by"),
        pk,
        missing="No such invitation.",
    )
