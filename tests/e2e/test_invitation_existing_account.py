"""An invitation to someone who already has an account: the link leads to sign-in (not sign-up)
with the address filled in; accepting as a hub expert first asks for an authenticator, and after
setting it up and saving the recovery codes the person is back at the invitation, which they
accept without looking for the email again."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from sessions.models import Enrollment, Role
from tests.accounts.test_mfa import totp_code

from . import seed
from .browsing import PASSWORD
from .hub_steps import field, main_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EXISTING = "dr.existing@example.org"


def test_an_existing_account_accepts_an_expert_invitation_through_authenticator_set_up(
    open_browser, settings
):
    program = seed.hub_program()
    seed.coordinator(program)
    seed.person(EXISTING, full_name="Dr. Erin Existing")

    coord = open_browser("coordinator")
    page = coord.page
    coord.log_in("coord@example.org")
    coord.goto(f"/manage/{program.slug}/enrollment/", "enrollment")
    coord.click_and_check(page.get_by_role("link", name="Invite people"), "invite")
    field(page, "Email addresses").fill(EXISTING)
    field(page, "Role").select_option(label="Hub expert")
    coord.click_and_check(page.get_by_role("button", name="Send invitations"), "invitation sent")

    coord.assert_clean()

    # From here on hub staff must sign in with an authenticator (the coordinator above has none).
    settings.MFA_REQUIRED_FOR_HUB_ROLES = True
    [message] = [m for m in mail.outbox if EXISTING in m.to]
    invitation = urlsplit(re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)).path
    expert = open_browser("existing account", phone=True)
    page = expert.page
    expert.goto(invitation, "sign in to accept")
    assert expert.path.startswith("/accounts/login/")
    assert field(page, "Email").input_value() == EXISTING
    field(page, "Password").fill(PASSWORD)
    expert.click_and_check(page.get_by_role("button", name="Sign in"), "the invitation")
    assert expert.path == invitation

    expert.click_and_check(page.get_by_role("button", name="Accept invitation"), "set up an authenticator")
    assert expert.path == "/accounts/2fa/totp/activate/"
    secret = page.locator("#authenticator_secret").input_value()
    field(page, "Authenticator code").fill(totp_code(secret))
    expert.click_and_check(
        page.get_by_role("button", name="Turn on two-factor authentication"), "recovery codes"
    )
    expert.click_and_check(
        page.get_by_role("link", name=re.compile("continue", re.I)), "back at the invitation"
    )
    assert expert.path == invitation
    expert.click_and_check(page.get_by_role("button", name="Accept invitation"), "program")

    assert f"Welcome to {seed.PROGRAM_NAME}." in main_text(expert)
    enrollment = Enrollment.objects.get(program=program, user__email=EXISTING)
    assert (enrollment.role, enrollment.status) == (Role.EXPERT, Enrollment.Status.APPROVED)
    expert.assert_clean()
