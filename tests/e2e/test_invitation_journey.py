"""Invitation: a coordinator invites a hub expert and revokes a mistaken invitation; the link,
opened while someone else is signed in, says whose it is, signs them out and leads to sign-up
with the invited address filled in, and after confirming the address back to the invitation."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from sessions.models import Enrollment, Role

from . import seed
from .hub_steps import field, main_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INVITED = "new.expert@example.org"
NEW_PASSWORD = "a-long-passphrase-2026"


def _link(email: str, pattern: str) -> str:
    [message] = [m for m in mail.outbox if email in m.to and re.search(pattern, m.body)]
    return urlsplit(re.search(rf"https?://\S+{pattern}\S*/", message.body).group(0)).path


def test_invitation_journey(open_browser):
    program = seed.hub_program()
    seed.coordinator(program)
    seed.person("sam.stranger@example.org", full_name="Sam Stranger")

    coord = open_browser("coordinator")
    page = coord.page
    coord.log_in("coord@example.org")
    coord.goto(f"/manage/{program.slug}/enrollment/", "enrollment")
    coord.click_and_check(page.get_by_role("link", name="Invite people"), "invite")
    field(page, "Email addresses").fill(f"{INVITED}, wrong.address@example.org")
    field(page, "Role").select_option(label="Hub expert")
    coord.click_and_check(page.get_by_role("button", name="Send invitations"), "pending invitations")
    assert "2 invitations sent." in main_text(coord)
    row = page.get_by_role("row").filter(has_text="wrong.address@example.org")
    coord.click_and_check(row.get_by_role("link", name=re.compile("Revoke")), "revoke?")
    coord.click_and_check(page.get_by_role("button", name="Revoke invitation"), "revoked")
    assert "wrong.address@example.org" not in page.get_by_role("table").inner_text()
    assert INVITED in page.get_by_role("table").inner_text()
    coord.assert_clean()

    invitation = _link(INVITED, "/invitations/")
    sam = open_browser("someone else", phone=True)
    page = sam.page
    sam.log_in("sam.stranger@example.org")
    sam.goto(invitation, "invitation for another address")
    assert "was sent to n•••@example.org. You are signed in as sam.stranger@example.org." in main_text(sam)
    sam.click_and_check(
        page.get_by_role("button", name="Sign out and continue"), "sign up from the invitation"
    )
    assert field(page, "Email").input_value() == INVITED
    field(page, "Password").fill(NEW_PASSWORD)
    field(page, "Password (again)").fill(NEW_PASSWORD)
    sam.click_and_check(page.get_by_role("button", name=re.compile("Sign up", re.I)), "check your email")

    sam.goto(_link(INVITED, "/accounts/confirm-email/"), "confirm email")
    sam.click_and_check(page.get_by_role("button", name="Confirm"), "back at the invitation")
    assert sam.path == invitation
    sam.click_and_check(page.get_by_role("button", name="Accept invitation"), "program")
    assert f"Welcome to {seed.PROGRAM_NAME}." in main_text(sam)
    sam.assert_clean()
    enrollment = Enrollment.objects.get(program=program, user__email=INVITED)
    assert (enrollment.role, enrollment.status) == (Role.EXPERT, Enrollment.Status.APPROVED)
