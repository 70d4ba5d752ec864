"""allauth's messages (confirmation, password reset, unknown account, MFA notices) go through the
outbox like every other email: the request writes a row and answers at once, whatever the mail
server does; the worker or the sweep sends the row once."""

import logging
import re
from datetime import timedelta

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from echo_hub.accounts.models import User
from echo_hub.notifications import services
from echo_hub.notifications.models import Notification
from tests.factories import UserFactory
from tests.faults.server import free_port

from .test_mfa import PASSWORD, totp_code, verified

NEW_PASSWORD = "a-long-pass-phrase-42"
LINK = re.compile(r"https?://testserver(/accounts/[^\s]+/)")


@pytest.fixture
def browser(db) -> Client:
    """A client that sees a 500 page as a browser would, instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def mail_down(settings):
    """A mail server that refuses connections: nothing listens on its port."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return settings


def _mail_back(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _sweep_later() -> list[int]:
    """The notifications sweep, once the first retry's wait (2 minutes) is over."""
    Notification.objects.update(updated_at=timezone.now() - timedelta(minutes=3))
    return services.sweep_notifications()


def _outbox() -> list[tuple[str, str, str, int]]:
    return list(Notification.objects.order_by("pk").values_list("email", "kind", "status", "attempts"))


def _link(message) -> str:
    return LINK.search(message.body).group(1)


def _signup(client, email: str = "dr.lee@clinic.example"):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )


def test_signup_with_the_mail_server_down_creates_the_account_once_and_confirms_later(
    browser, mail_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(browser)
    queued = _outbox()
    last_error = Notification.objects.get().last_error
    _mail_back(mail_down)
    swept = _sweep_later()
    swept_again = _sweep_later()
    confirmed = browser.post(_link(mail.outbox[0]))

    assert (response.status_code, response["Location"]) == (302, reverse("account_email_verification_sent"))
    assert queued == [("dr.lee@clinic.example", "account:email_confirmation_signup", "pending", 1)]
    assert last_error.startswith("ConnectionRefusedError: ")
    assert User.objects.filter(email="dr.lee@clinic.example").count() == 1
    assert (len(swept), swept_again) == (1, [])
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["dr.lee@clinic.example"], "[ECHO Hub] Please Confirm Your Email Address")
    ]
    assert _outbox() == [("dr.lee@clinic.example", "account:email_confirmation_signup", "sent", 2)]
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="dr.lee@clinic.example").verified is True


@pytest.mark.parametrize(
    ("email", "kind", "subject"),
    [
        ("participant@example.org", "account:password_reset_key", "[ECHO Hub] Password Reset Email"),
        ("nobody@example.org", "account:unknown_account", "[ECHO Hub] Unknown Account"),
    ],
)
def test_password_reset_with_the_mail_server_down_answers_and_sends_later(
    browser, mail_down, participant, django_capture_on_commit_callbacks, email, kind, subject
):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("account_reset_password"), {"email": email})
    queued = _outbox()
    _mail_back(mail_down)
    swept = _sweep_later()
    swept_again = _sweep_later()

    assert (response.status_code, response["Location"]) == (302, reverse("account_reset_password_done"))
    assert queued == [(email, kind, "pending", 1)]
    assert (len(swept), swept_again) == (1, [])
    assert [(m.to, m.subject) for m in mail.outbox] == [([email], subject)]


def test_password_reset_link_from_the_outbox_sets_a_new_password(
    client, participant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": participant.email})
    form = client.get(_link(mail.outbox[0]), follow=True)

    done = client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    participant.refresh_from_db()
    assert participant.check_password(NEW_PASSWORD) is True


def test_each_password_reset_request_is_its_own_message_sent_once(
    client, participant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": participant.email})
        client.post(reverse("account_reset_password"), {"email": participant.email})
    swept = _sweep_later()

    assert _outbox() == [(participant.email, "account:password_reset_key", "sent", 1)] * 2
    assert swept == []
    assert [m.to for m in mail.outbox] == [[participant.email]] * 2


def test_the_same_message_twice_in_one_request_is_queued_once(rf, participant):
    adapter = get_adapter()
    first_request, second_request = rf.post("/accounts/password/reset/"), rf.post("/accounts/password/reset/")
    context = {
        "user": participant,
        "password_reset_url": "http://testserver/accounts/password/reset/key/1-x/",
    }

    with allauth_context.request_context(first_request):
        adapter.send_mail("account/email/password_reset_key", participant.email, context)
        adapter.send_mail("account/email/password_reset_key", participant.email, context)
    with allauth_context.request_context(second_request):
        adapter.send_mail("account/email/password_reset_key", participant.email, context)

    assert Notification.objects.count() == 2


def test_account_messages_keep_no_key_once_sent_and_never_log_it(
    client, mail_down, participant, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": participant.email})
    pending_body = Notification.objects.get().body_text
    _mail_back(mail_down)
    _sweep_later()
    link = _link(mail.outbox[0])
    key = link.rstrip("/").rsplit("/", 1)[-1]
    opened = client.get(link)

    sent = Notification.objects.get()
    assert opened.status_code == 302
    assert key in pending_body
    assert (sent.status, sent.body_text, sent.body_html) == ("sent", "", "")
    assert [r.getMessage() for r in caplog.records if key in r.getMessage() or key in str(r.__dict__)] == []


def test_login_of_an_unverified_address_queues_the_confirmation_again(
    client, db, django_capture_on_commit_callbacks
):
    user = UserFactory(email="np.west@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response["Location"] == reverse("account_email_verification_sent")
    assert _outbox() == [("np.west@example.org", "account:email_confirmation", "sent", 1)]
    assert [m.to for m in mail.outbox] == [["np.west@example.org"]]


def test_resending_the_confirmation_from_the_email_page_goes_through_the_outbox(
    client, participant, django_capture_on_commit_callbacks
):
    verified(participant)
    EmailAddress.objects.create(user=participant, email="second@example.org", verified=False)
    client.force_login(participant)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_email"), {"email": "second@example.org", "action_send": ""})

    assert response.status_code == 302
    assert _outbox() == [("second@example.org", "account:email_confirmation", "sent", 1)]
    assert [m.to for m in mail.outbox] == [["second@example.org"]]


# allauth sends its MFA notices on commit: committed for real, as in production.
@pytest.mark.django_db(transaction=True)
def test_mfa_notices_go_through_the_outbox(client, settings, participant):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    verified(participant)
    client.force_login(participant)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret

    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert _outbox() == [(participant.email, "account:totp_activated", "sent", 1)]
    assert [m.subject for m in mail.outbox] == ["[ECHO Hub] Authenticator App Activated"]


def test_the_message_carries_allauths_text_and_html(
    settings, tmp_path, db, django_capture_on_commit_callbacks
):
    html_dir = tmp_path / "account" / "email"
    html_dir.mkdir(parents=True)
    (html_dir / "unknown_account_message.html").write_text("<p>No account uses {{ email }}.</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    request = Client().get(reverse("account_reset_password")).wsgi_request
    signup_url = "http://testserver/accounts/signup/"

    with django_capture_on_commit_callbacks(execute=True), allauth_context.request_context(request):
        get_adapter().send_mail(
            "account/email/unknown_account", "nobody@example.org", {"signup_url": signup_url}
        )

    (message,) = mail.outbox
    assert (message.to, message.subject) == (["nobody@example.org"], "[ECHO Hub] Unknown Account")
    assert message.body.startswith(
        "Hello from ECHO Hub!\n\nYou are receiving this email because you, or someone"
    )
    assert "tried to access an account with email nobody@example.org." in message.body
    assert signup_url in message.body
    assert [tuple(a) for a in message.alternatives] == [
        ("<p>No account uses nobody@example.org.</p>", "text/html")
    ]


def test_account_messages_are_branded_from_site_url_with_an_html_part_in_the_hubs_layout(
    settings, db, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://echo.example.org"
    request = Client().get(reverse("account_reset_password"), HTTP_HOST="127.0.0.1:8000").wsgi_request

    with django_capture_on_commit_callbacks(execute=True), allauth_context.request_context(request):
        get_adapter().send_mail(
            "account/email/unknown_account",
            "nobody@example.org",
            {"signup_url": "https://echo.example.org/s/"},
        )

    (message,) = mail.outbox
    html = {mimetype: content for content, mimetype in message.alternatives}["text/html"]
    assert message.body.startswith("Hello from ECHO Hub!")
    assert message.body.rstrip().endswith("Thank you for using ECHO Hub!\necho.example.org")
    assert "127.0.0.1" not in message.body and "127.0.0.1" not in html
    assert (
        '<td style="background:#0b5563;color:#ffffff;padding:16px 24px;font-weight:bold;border-radius:8px 8px 0 0">ECHO Hub</td>'
        in html
    )
    assert '<a href="https://echo.example.org/s/" rel="nofollow">https://echo.example.org/s/</a>' in html
