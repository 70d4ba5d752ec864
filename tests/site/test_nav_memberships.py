"""The dashboard hands the navigation the enrollments it read: the menu is the same as on any
other page (approved programs only, the coordinated ones under Manage)."""

import re

import pytest
from django.urls import reverse

from sessions.models import Enrollment, Role
from tests.factories import EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _nav(client, url: str) -> str:
    body = client.get(url).content.decode()
    nav = body[body.index("<nav") : body.index("</nav>")]
    nav = nav[: nav.find("<form")]  # the language switch carries the page's own address and token
    return re.sub(r"\s+", " ", re.sub(r' aria-current="page"| active', "", nav))


def test_the_dashboard_navigation_is_the_one_every_page_has(client, coordinator, program):
    EnrollmentFactory(user=coordinator, program=ProgramFactory(name="Zeta hub"), role=Role.COORDINATOR)
    EnrollmentFactory(user=coordinator, program=ProgramFactory(name="Alpha hub"), role=Role.EXPERT)
    pending = ProgramFactory(name="Pending hub")
    EnrollmentFactory(
        user=coordinator, program=pending, role=Role.COORDINATOR, status=Enrollment.Status.PENDING
    )
    client.force_login(coordinator)

    on_dashboard = _nav(client, reverse("home"))

    assert on_dashboard == _nav(client, reverse("cpd:transcript"))
    assert "Zeta hub" in on_dashboard and program.name.replace("&", "&amp;") in on_dashboard
    assert "Pending hub" not in on_dashboard
