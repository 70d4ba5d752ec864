import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Enrollment, Role
from tests.factories import EnrollmentFactory, ProgramFactory, SessionFactory

pytestmark = pytest.mark.django_db


# "Present a case" from anywhere


def test_present_goes_straight_to_the_form_of_the_only_program(client, presenter, program):
    client.force_login(presenter)

    response = client.get(reverse("cases:present"))

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:create", args=[program.slug])


def test_present_offers_a_choice_when_the_user_belongs_to_several_programs(
    client, presenter, program, other_program
):
    EnrollmentFactory(user=presenter, program=other_program, role=Role.EXPERT)
    EnrollmentFactory(user=presenter, program=ProgramFactory(name="Pending program"), status="pending")
    client.force_login(presenter)

    response = client.get(reverse("cases:present"))

    body = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'href="(/programs/[^"]+/cases/new/)"', body) == [
        reverse("cases:create", args=[other_program.slug]),
        reverse("cases:create", args=[program.slug]),
    ]
    assert "Pending program" not in body


def test_present_without_a_program_offers_to_browse_programs(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("cases:present"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Join a program first" in body
    assert f'href="{reverse("sessions:program_list")}"' in body


def test_present_ignores_a_removed_enrollment(client, presenter, program, other_program):
    EnrollmentFactory(user=presenter, program=other_program, status=Enrollment.Status.REMOVED)
    client.force_login(presenter)

    response = client.get(reverse("cases:present"))

    assert response["Location"] == reverse("cases:create", args=[program.slug])


def test_present_needs_sign_in(client, db):
    response = client.get(reverse("cases:present"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_present_refuses_post(client, presenter):
    client.force_login(presenter)

    assert client.post(reverse("cases:present")).status_code == 405


def test_my_cases_present_button_opens_the_present_page(client, presenter):
    client.force_login(presenter)

    body = client.get(reverse("cases:mine")).content.decode()

    assert f'<a class="btn btn-primary" href="{reverse("cases:present")}">Present a case</a>' in body


# the preferred session


def test_case_form_preferred_session_shows_each_sessions_date(client, presenter, program):
    starts = (timezone.now() + timedelta(days=9)).replace(microsecond=0)
    SessionFactory(program=program, title="Session 4", starts_at=starts)
    client.force_login(presenter)

    body = client.get(reverse("cases:create", args=[program.slug])).content.decode()

    local = starts.astimezone(timezone.get_default_timezone())
    select = re.search(r'<select name="requested_session".*?</select>', body, re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == [
        "Next available session",
        f"Session 4 · {local:%a %-d %b %Y, %H:%M} {local.tzname()}",
    ]
