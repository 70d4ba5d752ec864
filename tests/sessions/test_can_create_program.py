"""can_create_program answers as user.has_perm("echo_sessions.add_program") does, in one query."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions.permissions import can_create_program
from tests.factories import UserFactory

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
