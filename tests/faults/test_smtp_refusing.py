"""The mail server refuses: a real SMTP server (aiosmtpd) answers 550 to one recipient's
RCPT and 451 to another's DATA, through Django's SMTP backend and a real Celery worker.
The outbox retries with backoff, then marks those messages failed where the program's
coordinator sees them and can send them again; every row ends sent or failed."""

import logging
import re
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from echo_hub.notifications import services
from echo_hub.notifications.models import Notification
from tests.factories import EnrollmentFactory, SessionFactory, UserFactory

from .conftest import run_worker_until_idle
from .server import free_port

UNKNOWN = "left-the-clinic@example.org"
OVERLOADED = "full-mailbox@example.org"
FINE = "still-here@example.org"


class RefusingHandler:
    """Refuses UNKNOWN at RCPT (permanent 550) and any message to OVERLOADED at DATA
    (temporary 451) while `refusing`; accepts everything else."""

    def __init__(self) -> None:
        self.refusing = True
        self.delivered: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusing and address == UNKNOWN:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusing and OVERLOADED in envelope.rcpt_tos:
            return "451 4.3.0 Mailbox temporarily full, try again later"
        self.delivered.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = RefusingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()


def _statuses() -> dict[str, tuple[str, int, str]]:
    return {
        email: (status, attempts, re.sub(r"\(.*", "", error))
        for email, status, attempts, error in Notification.objects.values_list(
            "email", "status", "attempts", "last_error"
        )
    }


def test_refused_mail_is_retried_with_backoff_then_failed_visible_and_sent_again(
    broker, tasks, backoffs, smtp_server, client, program, coordinator
):
    for email in (UNKNOWN, OVERLOADED, FINE):
        EnrollmentFactory(program=program, user=UserFactory(email=email))
    session = SessionFactory(program=program, title="Session 7", starts_at=timezone.now() + timedelta(days=3))
    client.force_login(coordinator)

    cancelled = client.post(
        reverse("sessions:manage_session_cancel", args=[program.slug, session.pk]), {"reason": "Snowstorm"}
    )
    run_worker_until_idle(tasks)
    after_retries = _statuses()
    failed_page = client.get(reverse("sessions:manage_failed_messages", args=[program.slug])).content.decode()

    assert cancelled.status_code == 302
    assert after_retries == {
        coordinator.email: ("sent", 1, ""),
        FINE: ("sent", 1, ""),
        UNKNOWN: ("failed", services.MAX_ATTEMPTS, "SMTPRecipientsRefused: {'left-the-clinic@example.org': "),
        OVERLOADED: ("failed", services.MAX_ATTEMPTS, "SMTPDataError: "),
    }
    # Each refused message backed off 30, 60, 120, 240 s between its five tries (1 s here);
    # Celery computes the countdown (480) before it sees the retries are spent.
    assert sorted(backoffs) == sorted([30, 60, 120, 240, 480] * 2)
    assert sorted(smtp_server.delivered) == sorted([coordinator.email, FINE])
    assert UNKNOWN in failed_page and OVERLOADED in failed_page and FINE not in failed_page
    assert "550" in failed_page and "451" in failed_page

    # The mail server is fixed; the coordinator presses "Try again" on each failed message.
    smtp_server.refusing = False
    for notification in Notification.objects.filter(status="failed"):
        retried = client.post(reverse("sessions:manage_retry_message", args=[program.slug, notification.pk]))
        assert retried.status_code == 302
    run_worker_until_idle(tasks)

    assert {status for status, _, _ in _statuses().values()} == {"sent"}
    assert sorted(smtp_server.delivered) == sorted([coordinator.email, FINE, UNKNOWN, OVERLOADED])
    assert (
        "Every message went out"
        in client.get(reverse("sessions:manage_failed_messages", args=[program.slug])).content.decode()
    )
