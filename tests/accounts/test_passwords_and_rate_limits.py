import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from echo_hub.accounts.models import User
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
TOO_MANY = "Too many failed login attempts. Try again later."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "This password is too short. It must contain at least 12 characters."),
        ("481516234284", "This password is entirely numeric."),
        ("q1w2e3r4t5y6", "This password is too common."),
        ("np.lee.clinic", "The password is too similar to the email address."),
    ],
)
def test_signup_refuses_weak_passwords(client, password, message):
    response = client.post(
        reverse("account_signup"),
        {"email": "np.lee@clinic.example", "password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.filter(email="np.lee@clinic.example").exists() is False


def _verified_user(**fields) -> User:
    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _login(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_even_for_the_right_password(client):
    user = _verified_user()
    for _ in range(5):
        assert TOO_MANY not in _login(client, user.email, "wrong-password-123").content.decode()

    blocked = _login(client, user.email, PASSWORD)

    assert blocked.status_code == 200
    assert TOO_MANY in blocked.content.decode()
    assert client.get(reverse("home")).context["user"].is_authenticated is False


@pytest.mark.django_db
def test_failed_logins_for_other_accounts_do_not_lock_this_one(client):
    target, other = _verified_user(), _verified_user()
    for _ in range(5):
        _login(client, other.email, "wrong-password-123")

    response = _login(client, target.email, PASSWORD)

    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == target


@pytest.mark.django_db
def test_one_ip_guessing_across_many_accounts_is_stopped(client):
    users = [_verified_user() for _ in range(11)]
    for user in users[:10]:
        _login(client, user.email, "wrong-password-123")

    response = _login(client, users[10].email, "wrong-password-123")

    assert TOO_MANY in response.content.decode()
