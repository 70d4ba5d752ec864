"""Every list page tells a new user what the list is for and what to do next when it is empty."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from .factories import UserFactory

# (who, url name, url args, phrases the empty page must contain: what it is for, then the next step)
EMPTY_PAGES = [
    (
        "outsider",
        "sessions:program_list",
        [],
        ["No programs yet", "Ask your hub coordinator for an invitation"],
    ),
    (
        "outsider",
        "sessions:my_sessions",
        [],
        ["No upcoming sessions", 'href="/programs/"', "Browse programs"],
    ),
    (
        "outsider",
        "cases:mine",
        [],
        ["You have not presented a case yet", 'href="/cases/new/"', "Present a case"],
    ),
    ("outsider", "cases:present", [], ["Join a program first", 'href="/programs/"', "Browse programs"]),
    ("outsider", "cpd:transcript", [], ["No credits yet", "Join a program", "Browse programs"]),
    ("outsider", "home", [], ["No upcoming sessions", "Browse programs"]),
    (
        "participant",
        "sessions:program_sessions",
        ["chronic-pain"],
        ["No upcoming sessions", "coordinators schedule"],
    ),
    ("expert", "cases:review", [], ["Nothing waits for you", "appear here"]),
    (
        "coordinator",
        "sessions:manage_schedule",
        ["chronic-pain"],
        ["No upcoming sessions", "Schedule sessions"],
    ),
    (
        "coordinator",
        "sessions:manage_enrollment",
        ["chronic-pain"],
        ["No requests are waiting", "invite them"],
    ),
    (
        "coordinator",
        "sessions:manage_invitations",
        ["chronic-pain"],
        ["No invitations are waiting", "listed here until they accept", "Invite people"],
    ),
    ("coordinator", "cases:queue", ["chronic-pain"], ["No cases here", "give each a slot"]),
    (
        "coordinator",
        "cpd:manage_certificates",
        ["chronic-pain"],
        ["No past sessions yet", "issue its certificates here", "No certificates issued yet"],
    ),
    ("coordinator", "cpd:survey_list", ["chronic-pain"], ["No cycles yet", "Open a cycle"]),
]


@pytest.mark.parametrize(("who", "name", "args", "phrases"), EMPTY_PAGES, ids=[p[1] for p in EMPTY_PAGES])
def test_empty_list_pages_say_what_to_do_next(client, request, who, name, args, phrases):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse(name, args=args))

    assert response.status_code == 200
    body = response.content.decode()
    assert "empty-state" in body or "text-secondary" in body
    for phrase in phrases:
        assert phrase in body, f"{name}: missing {phrase!r}"


def test_empty_program_list_offers_hub_staff_the_first_program(client, db):
    staff = UserFactory()
    staff.user_permissions.add(Permission.objects.get(codename="add_program"))
    client.force_login(staff)

    body = client.get(reverse("sessions:program_list")).content.decode()

    assert "No programs yet" in body
    assert "Create the first program" in body
    assert "Ask your hub coordinator" not in body
