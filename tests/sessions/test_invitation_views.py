"""Invitations through the pages: the link, sign-in or sign-up with the address filled in, the
wrong account, closed invitations, two-factor set-up on the way, and the coordinator's list."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from sessions import invitations as services
from sessions import services as enrollment_services
from sessions.models import Enrollment, Invitation, Role
from tests.accounts.test_mfa import PASSWORD, totp_code
from tests.factories import EnrollmentFactory, UserFactory, with_email_address
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db

CLOSED_HEADINGS = {
    "expired": '<h1 class="h3">This invitation has expired</h1>',
    "revoked": '<h1 class="h3">This invitation was withdrawn</h1>',
    "used": '<h1 class="h3">This invitation has already been used</h1>',
}
OTHER_ADDRESS = '<h1 class="h3">This invitation is for another address</h1>'


def _url(invitation: Invitation) -> str:
    return reverse("sessions:invitation_accept", args=[invitation.token])


def _messages(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def _membership(user, program) -> tuple | None:
    enrollment = Enrollment.objects.filter(user=user, program=program).first()
    return (enrollment.role, enrollment.status) if enrollment else None


def _expire(invitation: Invitation) -> None:
    """Move the expiry into the past (moving the clock instead would also end the sign-in)."""
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


# the way in


def test_invitation_for_a_new_address_leads_to_sign_up_with_it_filled_in(client, invitation):
    response = client.get(_url(invitation))

    query = urlencode({"next": _url(invitation), "email": "jordan@example.org"})
    assert (response.status_code, response["Location"]) == (302, f"{reverse('account_signup')}?{query}")
    page = client.get(response["Location"])
    assert 'name="email" value="jordan@example.org"' in page.content.decode()


def test_invitation_for_an_existing_account_leads_to_sign_in_with_it_filled_in(client, invitation):
    with_email_address(UserFactory(email="Jordan@Example.org"))

    response = client.get(_url(invitation))

    query = urlencode({"next": _url(invitation), "email": "jordan@example.org"})
    assert (response.status_code, response["Location"]) == (302, f"{reverse('account_login')}?{query}")
    page = client.get(response["Location"])
    assert 'name="login" value="jordan@example.org"' in page.content.decode()


def test_sign_in_from_the_invitation_comes_back_to_it(client, program, invitation, invitee):
    entrance = client.get(_url(invitation))["Location"]

    signed_in = client.post(entrance, {"login": "jordan@example.org", "password": "correct-horse-battery"})
    page = client.get(signed_in["Location"])
    accepted = client.post(_url(invitation))

    assert signed_in["Location"] == _url(invitation)
    assert '<h1 class="h3">Join Chronic Pain &amp; Opioid Stewardship</h1>' in page.content.decode()
    assert accepted["Location"] == reverse("sessions:program_detail", args=[program.slug])
    assert _membership(invitee, program) == (Role.EXPERT, Enrollment.Status.APPROVED)


def test_sign_up_from_the_invitation_comes_back_to_it_after_confirming_the_address(
    client, program, invitation, django_capture_on_commit_callbacks
):
    entrance = client.get(_url(invitation))["Location"]
    with django_capture_on_commit_callbacks(execute=True):  # the confirmation leaves the outbox
        client.post(
            entrance,
            {
                "email": "jordan@example.org",
                "password1": "a-long-passphrase-42",
                "password2": "a-long-passphrase-42",
            },
        )
    (confirmation,) = mail.outbox
    link = re.search(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)", confirmation.body).group(1)

    confirmed = client.post(link)
    accepted = client.post(_url(invitation))

    assert confirmed["Location"] == _url(invitation)
    assert accepted["Location"] == reverse("sessions:program_detail", args=[program.slug])
    newcomer = Enrollment.objects.get(program=program, user__email="jordan@example.org").user
    assert _membership(newcomer, program) == (Role.EXPERT, Enrollment.Status.APPROVED)


# the wrong account


def test_invitation_opened_by_another_account_says_whose_it_is_and_offers_to_sign_out(client, invitation):
    stranger = with_email_address(UserFactory(email="stranger@example.org"))
    client.force_login(stranger)

    response = client.get(_url(invitation))

    body = response.content.decode()
    assert response.status_code == 200
    assert OTHER_ADDRESS in body
    assert "was sent to <strong>j•••@example.org</strong>" in body
    assert "You are signed in as <strong>stranger@example.org</strong>" in body
    assert f'<form method="post" action="{reverse("account_logout")}">' in body
    assert f'<input type="hidden" name="next" value="{_url(invitation)}">' in body
    assert "jordan@example.org" not in body


def test_accept_by_another_account_changes_nothing(client, program, invitation):
    stranger = with_email_address(UserFactory(email="stranger@example.org"))
    client.force_login(stranger)
    before = snapshot()

    response = client.post(_url(invitation))

    assert (response.status_code, OTHER_ADDRESS in response.content.decode()) == (200, True)
    assert changes_since(before) == {}


def test_sign_out_from_the_wrong_account_comes_back_to_the_invitation(client, invitation, invitee):
    client.force_login(with_email_address(UserFactory(email="stranger@example.org")))

    signed_out = client.post(reverse("account_logout"), {"next": _url(invitation)})
    again = client.get(signed_out["Location"])

    assert signed_out["Location"] == _url(invitation)
    assert again["Location"].startswith(f"{reverse('account_login')}?")


def test_invitation_opened_with_the_address_unverified_asks_to_confirm_it(client, program, invitation):
    user = with_email_address(UserFactory(email="jordan@example.org"), verified=False)
    client.force_login(user)

    page = client.get(_url(invitation))
    accepted = client.post(_url(invitation))

    assert '<h1 class="h3">Confirm your email address first</h1>' in page.content.decode()
    assert f'href="{reverse("account_email")}"' in page.content.decode()
    assert '<h1 class="h3">Confirm your email address first</h1>' in accepted.content.decode()
    assert _membership(user, program) is None


# closed invitations


@pytest.mark.parametrize("signed_in", [False, True])
def test_expired_invitation_shows_whom_to_ask(client, program, coordinator, invitation, invitee, signed_in):
    _expire(invitation)
    if signed_in:
        client.force_login(invitee)

    response = client.get(_url(invitation))

    body = response.content.decode()
    assert response.status_code == 200
    assert CLOSED_HEADINGS["expired"] in body
    assert (
        f"This invitation has expired. Ask {coordinator.full_name} at "
        f"{escape(program.name)} for a new one." in body
    )


def test_accept_of_an_expired_invitation_changes_nothing(client, program, invitation, invitee):
    _expire(invitation)
    client.force_login(invitee)
    before = snapshot()

    response = client.post(_url(invitation))

    assert CLOSED_HEADINGS["expired"] in response.content.decode()
    assert changes_since(before) == {}


def test_revoked_invitation_says_it_was_withdrawn(client, coordinator, invitation, invitee):
    services.revoke_invitation(invitation=invitation, by=coordinator)
    client.force_login(invitee)

    response = client.get(_url(invitation))

    assert (response.status_code, CLOSED_HEADINGS["revoked"] in response.content.decode()) == (200, True)


def test_removed_member_replaying_the_invitation_link_stays_removed(
    client, program, coordinator, invitation, invitee
):
    client.force_login(invitee)
    client.post(_url(invitation))
    enrollment = Enrollment.objects.get(user=invitee, program=program)
    enrollment_services.remove_member(enrollment=enrollment, by=coordinator)

    replay = client.post(_url(invitation))

    assert replay.status_code == 200
    assert CLOSED_HEADINGS["used"] in replay.content.decode()
    assert _membership(invitee, program) == (Role.EXPERT, Enrollment.Status.REMOVED)
    assert client.get(reverse("sessions:program_sessions", args=[program.slug])).status_code == 404


def test_invitation_already_accepted_by_me_leads_to_the_program(client, program, invitation, invitee):
    client.force_login(invitee)
    client.post(_url(invitation))

    response = client.get(_url(invitation))

    body = response.content.decode()
    assert CLOSED_HEADINGS["used"] in body
    assert f'href="{reverse("sessions:program_detail", args=[program.slug])}">Go to' in body


def test_unknown_invitation_token_is_not_found(client, invitee):
    client.force_login(invitee)

    response = client.get(reverse("sessions:invitation_accept", args=["no-such-token"]))

    assert response.status_code == 404


# two-factor authentication on the way in


def _set_up_authenticator(client) -> None:
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(page.context["form"].secret)})
    assert done["Location"] == reverse("mfa_view_recovery_codes")


def test_expert_invitation_survives_setting_up_an_authenticator(
    settings, client, program, invitation, invitee
):
    settings.MFA_REQUIRED_FOR_HUB_ROLES = True
    client.force_login(invitee)
    page = client.get(_url(invitation))

    first = client.post(_url(invitation))
    not_yet = _membership(invitee, program)
    _set_up_authenticator(client)
    codes = client.get(reverse("mfa_view_recovery_codes"))
    back = client.get(reverse("accounts:mfa_continue"))
    accepted = client.post(back["Location"])

    assert "Accepting first takes you to set one up" in page.content.decode()
    assert first["Location"] == reverse("mfa_activate_totp")
    assert _messages(first) == [
        "Hub experts sign in with an authenticator app. Set one up, then accept the invitation. "
        "You will come back to the invitation afterwards."
    ]
    assert not_yet is None
    assert (
        f'href="{reverse("accounts:mfa_continue")}">I have saved my codes, continue</a>'
        in codes.content.decode()
    )
    assert back["Location"] == _url(invitation)
    assert accepted["Location"] == reverse("sessions:program_detail", args=[program.slug])
    assert _membership(invitee, program) == (Role.EXPERT, Enrollment.Status.APPROVED)
    assert client.get(reverse("home")).status_code == 200


def test_invitation_interrupted_by_the_authenticator_requirement_is_resumed(
    settings, client, other_program, program, invitation, invitee
):
    settings.MFA_REQUIRED_FOR_HUB_ROLES = True
    EnrollmentFactory(program=other_program, user=invitee, role=Role.EXPERT)
    client.force_login(invitee)

    interrupted = client.get(_url(invitation))
    client.get("/favicon.ico")
    _set_up_authenticator(client)
    back = client.get(reverse("accounts:mfa_continue"))

    assert interrupted["Location"] == reverse("mfa_activate_totp")
    assert back["Location"] == _url(invitation)


def test_sign_in_with_an_authenticator_code_comes_back_to_the_invitation(
    settings, client, invitation, invitee
):
    settings.MFA_REQUIRED_FOR_HUB_ROLES = True
    secret = generate_totp_secret()
    TOTP.activate(invitee, secret)
    entrance = client.get(_url(invitation))["Location"]

    password = client.post(entrance, {"login": "jordan@example.org", "password": PASSWORD})
    code = client.post(password["Location"], {"code": totp_code(secret)})

    assert password["Location"] == reverse("mfa_authenticate")
    assert code["Location"] == _url(invitation)


def test_continue_after_set_up_with_nothing_to_resume_goes_home(client, invitee):
    client.force_login(invitee)

    response = client.get(reverse("accounts:mfa_continue"))

    assert response["Location"] == reverse("home")


def test_an_expert_invitation_accepted_right_after_signing_in_asks_for_no_second_password(
    settings, client, program, invitation, invitee
):
    settings.MFA_REQUIRED_FOR_HUB_ROLES = True
    entrance = client.get(_url(invitation))["Location"]
    client.post(entrance, {"login": "jordan@example.org", "password": PASSWORD})

    accepted = client.post(_url(invitation))
    setup = client.get(accepted["Location"])

    assert accepted["Location"] == reverse("mfa_activate_totp")
    assert setup.status_code == 200
    assert "form" in setup.context and setup.context["form"].secret
