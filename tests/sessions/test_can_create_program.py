"""can_create_program answers as user.has_perm("echo_sessions.add_program") does, in one query;
the navigation's memberships come with that answer in one statement."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions.models import Enrollment, Role
from sessions.permissions import can_create_program, navigation_memberships
from tests.factories import EnrollmentFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

GRANTS = ["none", "user", "group", "group_without_it", "other_permission", "superuser", "inactive"]


def _person(grant: str):
    add_program = Permission.objects.get(content_type__app_label="echo_sessions", codename="add_program")
    user = UserFactory(is_superuser=grant == "superuser", is_active=grant != "inactive")
    if grant in ("user", "inactive"):
        user.user_permissions.add(add_program)
    if grant == "other_permission":
        user.user_permissions.add(Permission.objects.exclude(pk=add_program.pk).first())
    if grant in ("group", "group_without_it"):
        group = Group.objects.create(name=f"Hub administrators {grant}")
        if grant == "group":
            group.permissions.add(add_program)
        user.groups.add(group)
    return user


@pytest.mark.parametrize("grant", GRANTS)
def test_can_create_program_answers_as_has_perm_does(grant):
    user = _person(grant)
    fresh = type(user).objects.get(pk=user.pk)  # has_perm keeps what it read on the instance
    assert can_create_program(user) is fresh.has_perm("echo_sessions.add_program")
    assert can_create_program(user) is (grant in ("user", "group", "superuser"))


def test_can_create_program_costs_one_query():
    user = _person("group")
    with CaptureQueriesContext(connection) as ctx:
        assert can_create_program(user)
    assert len(ctx) == 1


def _orm_memberships(user) -> list[tuple[str, str, str]]:
    return list(
        Enrollment.objects.filter(user=user, status=Enrollment.Status.APPROVED)
        .order_by("program__name")
        .values_list("role", "program__slug", "program__name")
    )


@pytest.mark.parametrize("grant", GRANTS)
def test_navigation_memberships_answer_as_the_orm_and_has_perm_do(grant):
    """The navigation's one statement: the approved memberships by program name (not pending or
    declined ones, nobody else's) and whether the user may create programs."""
    user = _person(grant)
    for name, role, status in [
        ("Pain", Role.COORDINATOR, Enrollment.Status.APPROVED),
        ("Addiction", Role.PARTICIPANT, Enrollment.Status.APPROVED),
        ("Hepatitis C", Role.EXPERT, Enrollment.Status.APPROVED),
        ("Dementia", Role.PARTICIPANT, Enrollment.Status.PENDING),
        ("Autism", Role.PARTICIPANT, Enrollment.Status.DECLINED),
    ]:
        EnrollmentFactory(user=user, program=ProgramFactory(name=name), role=role, status=status)
    EnrollmentFactory(program=ProgramFactory(name="Another's"), role=Role.COORDINATOR)

    memberships, may_create = navigation_memberships(user)

    assert memberships == _orm_memberships(user)
    assert [name for _, _, name in memberships] == ["Addiction", "Hepatitis C", "Pain"]
    assert may_create is can_create_program(user)


@pytest.mark.parametrize("grant", ["none", "group"])
def test_navigation_memberships_of_someone_in_no_program_still_say_whether_they_may_create_one(grant):
    user = _person(grant)
    EnrollmentFactory(user=user, status=Enrollment.Status.PENDING)

    with CaptureQueriesContext(connection) as ctx:
        assert navigation_memberships(user) == ([], grant == "group")
    assert len(ctx) == 1
