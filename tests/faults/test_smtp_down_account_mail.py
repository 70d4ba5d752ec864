"""The mail server refuses connections (nothing listens on its port) while people sign up and
ask for password resets, through a real Redis broker and Celery worker. The pages answer as
usual, each account exists once, and once the server is back (here: after each message failed
once) every message goes out exactly once, its links working."""

import email
import email.policy
import logging
import re
import threading

import pytest
from aiosmtpd.controller import Controller
from allauth.account.models import EmailAddress
from celery import signals
from django.test import Client
from django.urls import reverse

from echo_hub.accounts.models import User
from echo_hub.notifications.models import Notification

from .conftest import run_worker_until_idle
from .server import free_port

PASSWORD = "a-long-pass-phrase-42"
NEWCOMER = "np.new@clinic.example"
STRANGER = "nobody@example.org"
LINK = re.compile(r"https?://testserver(/accounts/[^\s]+/)")


class Sink:
    def __init__(self) -> None:
        self.delivered: dict[str, list[str]] = {}

    async def handle_DATA(self, server, session, envelope):
        # Account mail is multipart (plain text and HTML): keep the plain-text part.
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",)).get_content()
        for address in envelope.rcpt_tos:
            self.delivered.setdefault(address, []).append(body)
        return "250 Message accepted for delivery"


class MailServerComesBack:
    """Nothing listens on `port` until `after` sends have failed; then a real SMTP server starts
    there (from the worker's retry signal, before the retries run)."""

    def __init__(self, *, after: int) -> None:
        self.port = free_port()
        self.sink = Sink()
        self.after = after
        self.failures = 0
        self.controller: Controller | None = None
        self._lock = threading.Lock()

    def on_retry(self, **kwargs) -> None:
        with self._lock:
            self.failures += 1
            if self.failures == self.after and self.controller is None:
                self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
                self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


@pytest.fixture
def mail_server(settings):
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    server = MailServerComesBack(after=3)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    signals.task_retry.connect(server.on_retry, weak=False)
    yield server
    signals.task_retry.disconnect(server.on_retry)
    server.stop()


def _outbox() -> dict[str, tuple[str, str, int]]:
    return {
        address: (kind, status, attempts)
        for address, kind, status, attempts in Notification.objects.values_list(
            "email", "kind", "status", "attempts"
        )
    }


def test_sign_up_and_password_reset_while_the_mail_server_refuses(
    broker, tasks, backoffs, mail_server, participant
):
    browser = Client(raise_request_exception=False)

    signup = browser.post(
        reverse("account_signup"), {"email": NEWCOMER, "password1": PASSWORD, "password2": PASSWORD}
    )
    reset = browser.post(reverse("account_reset_password"), {"email": participant.email})
    unknown = browser.post(reverse("account_reset_password"), {"email": STRANGER})
    queued = _outbox()
    run_worker_until_idle(tasks)
    delivered = mail_server.sink.delivered
    confirm = browser.post(LINK.search(delivered[NEWCOMER][0]).group(1))

    assert (signup.status_code, signup["Location"]) == (302, reverse("account_email_verification_sent"))
    assert (reset.status_code, reset["Location"]) == (302, reverse("account_reset_password_done"))
    assert (unknown.status_code, unknown["Location"]) == (302, reverse("account_reset_password_done"))
    assert User.objects.filter(email=NEWCOMER).count() == 1
    assert queued == {
        NEWCOMER: ("account:email_confirmation_signup", "pending", 0),
        participant.email: ("account:password_reset_key", "pending", 0),
        STRANGER: ("account:unknown_account", "pending", 0),
    }
    # Each message failed once (connection refused), waited its first backoff, then went out.
    assert mail_server.failures == 3
    assert backoffs == [30, 30, 30]
    assert _outbox() == {
        NEWCOMER: ("account:email_confirmation_signup", "sent", 2),
        participant.email: ("account:password_reset_key", "sent", 2),
        STRANGER: ("account:unknown_account", "sent", 2),
    }
    assert {address: len(bodies) for address, bodies in delivered.items()} == {
        NEWCOMER: 1,
        participant.email: 1,
        STRANGER: 1,
    }
    assert "/accounts/password/reset/key/" in delivered[participant.email][0]
    assert "tried to access an account with email nobody@example.org" in delivered[STRANGER][0]
    assert confirm.status_code == 302
    assert EmailAddress.objects.get(email=NEWCOMER).verified is True
