import re

import pytest
from django.core import mail
from django.urls import reverse

from echo_hub.accounts.models import User


@pytest.mark.django_db
def test_signup_requires_email_verification_then_leads_to_profile(client, django_capture_on_commit_callbacks):
    # The confirmation goes out through the outbox once the sign-up commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "Dr.Lee@Clinic.example",
                "password1": "a-long-pass-phrase-42",
                "password2": "a-long-pass-phrase-42",
            },
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="dr.lee@clinic.example")
    assert client.get(reverse("home")).context["user"].is_authenticated is False
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1] if "testserver" in link else "/" + link.split("/", 3)[3]

    confirm = client.post(path)

    assert confirm.status_code == 302
    assert confirm["Location"] == reverse("accounts:profile")
    assert client.get(reverse("home")).context["user"] == user


@pytest.mark.django_db
def test_signup_short_password_is_refused_and_email_kept(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "np@clinic.example", "password1": "short1", "password2": "short1"},
    )

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert 'value="np@clinic.example"' in response.content.decode()
    assert User.objects.filter(email="np@clinic.example").exists() is False
