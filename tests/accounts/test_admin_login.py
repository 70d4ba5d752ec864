from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from echo_hub.notifications.models import Notification
from tests.factories import UserFactory

from .test_mfa import PASSWORD, totp_code, with_totp

TOO_MANY = "Too many failed login attempts. Try again later."


def _site_login(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


@pytest.fixture
def superuser(db):
    user = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED_FOR_HUB_ROLES = True


def _signed_in_user(client):
    return client.get(reverse("home")).context["user"]


def test_admin_login_sends_visitors_to_the_site_sign_in(client, superuser):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == _site_login("/admin/")


def test_admin_login_with_the_right_password_signs_nobody_in(client, superuser):
    response = client.post("/admin/login/?next=/admin/", {"username": superuser.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == _site_login("/admin/")
    assert _signed_in_user(client).is_authenticated is False
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def test_signed_in_staff_cannot_switch_to_another_account_through_the_admin_login(client, superuser):
    staff = UserFactory(email="helpdesk@example.org", is_staff=True)
    client.force_login(staff)

    response = client.post("/admin/login/", {"username": superuser.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert _signed_in_user(client) == staff


def test_superuser_with_an_authenticator_reaches_the_admin_only_after_the_code(client, mfa_on, superuser):
    secret = with_totp(superuser)

    to_admin_login = client.get("/admin/")
    to_site_login = client.get(to_admin_login["Location"])
    password = client.post(to_site_login["Location"], {"login": superuser.email, "password": PASSWORD})
    admin_before_code = client.get("/admin/")
    code = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    admin = client.get("/admin/")

    assert to_admin_login["Location"] == "/admin/login/?next=/admin/"
    assert to_site_login["Location"] == _site_login("/admin/")
    assert (password.status_code, password["Location"]) == (302, reverse("mfa_authenticate"))
    assert admin_before_code["Location"] == "/admin/login/?next=/admin/"
    assert (code.status_code, code["Location"]) == (302, "/admin/")
    assert admin.status_code == 200
    assert admin.context["user"] == superuser


def test_superuser_without_an_authenticator_signs_in_then_must_set_one_up(client, mfa_on, superuser):
    password = client.post(_site_login("/admin/"), {"login": superuser.email, "password": PASSWORD})
    admin = client.get(password["Location"])

    assert password["Location"] == "/admin/"
    assert admin["Location"] == reverse("mfa_activate_totp")


def test_signed_in_non_staff_gets_no_admin(client, participant):
    client.force_login(participant)

    index = client.get("/admin/")
    login = client.get(index["Location"])

    assert index["Location"] == "/admin/login/?next=/admin/"
    assert login.status_code == 403
    assert _signed_in_user(client) == participant


def test_signed_in_staff_is_sent_on_to_a_local_next_only(client, superuser):
    client.force_login(superuser)

    local = client.get("/admin/login/?next=/admin/notifications/notification/")
    foreign = client.get("/admin/login/?next=https://evil.example/admin/")

    assert local["Location"] == "/admin/notifications/notification/"
    assert foreign["Location"] == reverse("admin:index")


def test_wrong_passwords_for_the_admin_are_rate_limited(client, superuser):
    for _ in range(40):
        guess = client.post("/admin/login/", {"username": superuser.email, "password": "wrong-password-123"})
        assert (guess.status_code, guess["Location"]) == (302, _site_login("/admin/login/"))
    site_login = _site_login("/admin/")
    for _ in range(5):
        wrong = client.post(site_login, {"login": superuser.email, "password": "wrong-password-123"})
        assert TOO_MANY not in wrong.content.decode()

    right = client.post(site_login, {"login": superuser.email, "password": PASSWORD})

    assert right.status_code == 200
    assert TOO_MANY in right.content.decode()
    assert _signed_in_user(client).is_authenticated is False


def test_admin_password_change_is_the_site_password_change(client, superuser):
    client.force_login(superuser)

    response = client.get(reverse("admin:password_change"))

    assert response.status_code == 302
    assert response["Location"] == reverse("account_change_password")


def test_a_new_superuser_confirms_the_address_at_the_first_sign_in(
    client, db, django_capture_on_commit_callbacks
):
    # As `manage.py createsuperuser` leaves it: no confirmed address yet.
    root = UserFactory(email="ops@example.org", is_superuser=True, is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        password = client.post(_site_login("/admin/"), {"login": root.email, "password": PASSWORD})

    assert password["Location"] == reverse("account_email_verification_sent")
    assert list(Notification.objects.values_list("email", "kind")) == [
        ("ops@example.org", "account:email_confirmation")
    ]
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
