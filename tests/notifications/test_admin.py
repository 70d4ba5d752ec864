import pytest
from django.urls import reverse

from tests.factories import NotificationFactory, UserFactory

RESET_LINK = "http://testserver/accounts/password/reset/key/1-c4xk2m-0123456789abcdef/"


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_admin_never_shows_the_text_of_a_pending_account_message(superuser_client):
    pending = NotificationFactory(
        kind="account:password_reset_key", subject="[ECHO Hub] Password Reset Email", body_text=RESET_LINK
    )

    page = superuser_client.get(reverse("admin:notifications_notification_change", args=[pending.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert "[ECHO Hub] Password Reset Email" in body
    assert RESET_LINK not in body
    assert "1-c4xk2m" not in body


def test_admin_shows_the_text_of_other_messages(superuser_client):
    approval = NotificationFactory()

    page = superuser_client.get(reverse("admin:notifications_notification_change", args=[approval.pk]))

    assert page.status_code == 200
    assert "Your request to join Addiction Medicine is approved." in page.content.decode()
