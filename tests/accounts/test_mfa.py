import time
from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from sessions.models import Enrollment, Role
from tests.factories import EnrollmentFactory, UserFactory
from tests.i18n import assert_french_page
from tests.settings_env import settings_from
from tests.test_pages import H1, INLINE_SCRIPT, STYLE_ATTR
from tests.test_settings import _env

PASSWORD = "correct-horse-battery"


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED_FOR_HUB_ROLES = True
    return settings


def totp_code(secret: str, *, margin: float = 2.0) -> str:
    """The code an authenticator app would show right now. A code is good for the 30-second
    step it was made in (allauth's default: no tolerance), so one made in a step's last
    `margin` seconds could reach the server in the next step and be refused: wait for the next
    step first."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.01)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def _login(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


PAGES = ["home", "sessions:program_list", "accounts:profile", "cpd:transcript", "accounts:security"]


@pytest.mark.parametrize("name", PAGES)
def test_coordinator_without_authenticator_is_sent_to_set_it_up_from_every_page(
    client, mfa_on, coordinator, name
):
    client.force_login(coordinator)

    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.EXPERT])
def test_hub_roles_are_forced_but_pending_ones_are_not(client, mfa_on, program, role):
    approved = EnrollmentFactory(program=program, role=role).user
    pending = EnrollmentFactory(program=program, role=role, status=Enrollment.Status.PENDING).user

    client.force_login(approved)
    forced = client.get(reverse("home"))
    client.force_login(pending)
    free = client.get(reverse("home"))

    assert (forced.status_code, forced["Location"]) == (302, reverse("mfa_activate_totp"))
    assert free.status_code == 200


def test_participant_is_not_forced_and_can_turn_it_on(client, mfa_on, participant):
    client.force_login(participant)

    home = client.get(reverse("home"))
    security = client.get(reverse("accounts:security"))

    assert home.status_code == 200
    assert f'href="{reverse("mfa_index")}">Set up two-factor authentication</a>' in security.content.decode()


@pytest.mark.parametrize("flags", [{"is_superuser": True, "is_staff": True}, {"is_staff": True}])
def test_superusers_and_staff_are_forced(client, mfa_on, db, flags):
    admin = UserFactory(**flags)
    client.force_login(admin)

    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")


def test_setup_pages_logout_and_health_stay_reachable(client, mfa_on, coordinator):
    client.force_login(coordinator)

    assert client.get(reverse("mfa_index")).status_code == 200
    # Turning it on asks for the password again first; that page must be reachable too.
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(activate["Location"]).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("account_email")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("home")).context["user"].is_authenticated is False


def test_coordinator_sets_up_totp_through_the_pages_then_gets_through(client, mfa_on, coordinator):
    client.force_login(coordinator)
    reauth = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert reauth.status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "data:image" not in body  # inline QR code: nothing for the CSP to allow
    assert (len(H1.findall(body)), STYLE_ATTR.findall(body), INLINE_SCRIPT.findall(body)) == (1, [], [])
    secret = page.context["form"].secret

    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert done.status_code == 302
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).count() == 1
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("sessions:program_list")).status_code == 200


def test_wrong_code_does_not_turn_it_on(client, mfa_on, coordinator):
    client.force_login(coordinator)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert Authenticator.objects.filter(user=coordinator).exists() is False
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_login_of_mfa_user_asks_for_the_code(client, mfa_on, coordinator):
    secret = with_totp(verified(coordinator))

    first = _login(client, coordinator)

    assert first.status_code == 302
    assert first["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).context["user"].is_authenticated is False
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert wrong.status_code == 200
    assert client.get(reverse("home")).context["user"].is_authenticated is False

    second = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert second.status_code == 302
    assert client.get(reverse("home")).context["user"] == coordinator


def test_recovery_code_signs_in_once(client, mfa_on, coordinator):
    with_totp(verified(coordinator))
    code = RecoveryCodes.activate(coordinator).get_unused_codes()[0]

    _login(client, coordinator)
    used = client.post(reverse("mfa_authenticate"), {"code": code})
    assert used.status_code == 302
    assert client.get(reverse("home")).context["user"] == coordinator
    client.post(reverse("account_logout"))

    _login(client, coordinator)
    again = client.post(reverse("mfa_authenticate"), {"code": code})

    assert again.status_code == 200
    assert "Incorrect code" in again.content.decode()
    assert client.get(reverse("home")).context["user"].is_authenticated is False


def test_hub_staff_cannot_turn_their_authenticator_off(client, mfa_on, coordinator, participant):
    coordinator_auth = TOTP.activate(coordinator, generate_totp_secret()).instance
    participant_auth = TOTP.activate(participant, generate_totp_secret()).instance
    adapter = get_mfa_adapter()

    assert adapter.can_delete_authenticator(coordinator_auth) is False
    assert adapter.can_delete_authenticator(participant_auth) is True


def test_participant_login_without_mfa_needs_no_code(client, mfa_on, participant):
    verified(participant)

    response = _login(client, participant)

    assert response.status_code == 302
    assert response["Location"] != reverse("mfa_authenticate")
    assert client.get(reverse("home")).context["user"] == participant


def test_production_settings_require_mfa_for_hub_roles():
    env = _env(DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="echo.example.org")
    env.pop("MFA_REQUIRED_FOR_HUB_ROLES", None)

    production = settings_from(env)

    assert (production.MFA_REQUIRED_FOR_HUB_ROLES, production.MFA_SUPPORTED_TYPES) == (
        True,
        ["totp", "recovery_codes"],
    )


def test_authenticator_secrets_are_encrypted_at_rest_and_survive_a_key_rotation(
    client, settings, coordinator
):
    secret = with_totp(verified(coordinator))
    codes = RecoveryCodes.activate(coordinator)
    stored = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP).data["secret"]
    # Fernet tokens (version byte 0x80) in the database, never the secret or the codes' seed.
    assert secret not in stored and stored.startswith("gAAAAA")
    assert codes.instance.data["seed"].startswith("gAAAAA")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "y" * 50, [settings.SECRET_KEY]

    _login(client, coordinator)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == coordinator


def test_login_sends_a_coordinator_without_authenticator_straight_to_setup(client, mfa_on, coordinator):
    verified(coordinator)

    login = _login(client, coordinator)
    home = client.get(login["Location"])
    # The password typed to sign in is the confirmation allauth asks for before setup.
    setup = client.get(home["Location"])

    assert home["Location"] == reverse("mfa_activate_totp")
    assert setup.status_code == 200
    assert '<h1 class="h3 mb-3">Set up two-factor authentication</h1>' in setup.content.decode()


def test_a_sign_in_without_a_typed_password_still_confirms_before_setup(client, mfa_on, coordinator):
    client.force_login(coordinator)

    activate = client.get(reverse("mfa_activate_totp"))

    assert activate["Location"].startswith(reverse("account_reauthenticate"))


def test_a_participant_password_sign_in_does_not_skip_the_confirmation(client, mfa_on, participant):
    verified(participant)
    _login(client, participant)

    activate = client.get(reverse("mfa_activate_totp"))

    assert activate["Location"].startswith(reverse("account_reauthenticate"))


def test_recovery_codes_page_explains_the_codes_and_continues_where_the_person_was_going(
    client, mfa_on, coordinator
):
    client.force_login(coordinator)
    client.get(reverse("sessions:program_list"))  # interrupted: set up an authenticator first
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(page.context["form"].secret)})
    codes = RecoveryCodes(
        Authenticator.objects.get(user=coordinator, type="recovery_codes")
    ).get_unused_codes()

    response = client.get(reverse("mfa_view_recovery_codes"))
    back = client.get(reverse("accounts:mfa_continue"))

    body = response.content.decode()
    assert (len(H1.findall(body)), STYLE_ATTR.findall(body), INLINE_SCRIPT.findall(body)) == (1, [], [])
    assert "<h1>Your recovery codes</h1>" in body
    assert "<title>Your recovery codes · ECHO Hub</title>" in body
    assert "Keep these codes somewhere safe before you go on." in body
    assert "Each code works once." in body
    assert f"{len(codes)} of {len(codes)} codes unused." in body
    assert [f"<li><code>{code}</code></li>" in body for code in codes] == [True] * len(codes)
    assert f'href="{reverse("mfa_download_recovery_codes")}" download>Download codes (text file)</a>' in body
    assert (
        f'<a class="btn btn-primary" href="{reverse("accounts:mfa_continue")}">I have saved my codes, continue</a>'
        in body
    )
    assert back["Location"] == reverse("sessions:program_list")


def test_recovery_codes_page_warns_when_few_codes_are_left(client, participant):
    with_totp(participant)
    recovery = RecoveryCodes.activate(participant)
    for code in recovery.get_unused_codes()[:-2]:
        recovery.validate_code(code)
    client.force_login(participant)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    body = client.get(reverse("mfa_view_recovery_codes")).content.decode()

    assert "2 of 10 codes unused. Running low: generate new codes below" in body
    assert f'href="{reverse("mfa_generate_recovery_codes")}">Generate new codes</a>' in body


def test_recovery_codes_page_speaks_french_to_a_french_speaker(client, participant):
    with_totp(participant)
    recovery = RecoveryCodes.activate(participant)
    for code in recovery.get_unused_codes()[:-1]:
        recovery.validate_code(code)
    client.force_login(participant)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    english = client.get(reverse("mfa_view_recovery_codes")).content.decode()

    participant.language = "fr-ca"
    participant.save()
    french = client.get(reverse("mfa_view_recovery_codes")).content.decode()

    assert "1 code inutilisé sur 10. Il en reste peu" in french
    assert ">J'ai enregistré mes codes, continuer</a>" in french.replace("&#x27;", "'")
    assert_french_page(french, english, data=tuple(recovery.get_unused_codes()))


def test_a_code_asked_for_in_the_last_seconds_of_a_step_is_the_next_steps(time_machine):
    """Else a test could send a code the server, a moment later, reads as expired."""
    secret, step = generate_totp_secret(), 59_000_000
    time_machine.move_to(datetime.fromtimestamp(step * 30 - 1, UTC), tick=True)

    code = totp_code(secret)

    assert code == format_hotp_value(hotp_value(secret, step))
    assert time.time() >= step * 30
