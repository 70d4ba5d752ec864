"""One mail-server connection per worker thread, reused across messages
(echo_hub/lib/email.send_reusing_connection), against a real SMTP server (aiosmtpd)."""

import logging
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage

from echo_hub.lib import email
from tests.faults.server import free_port

REFUSED = "left-the-clinic@example.org"


class CountingHandler:
    """Counts connections (one EHLO each) and keeps who each message was for."""

    def __init__(self) -> None:
        self.connections = 0
        self.delivered: list[str] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.delivered.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture
def server_factory(settings):
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controllers = []

    def start() -> CountingHandler:
        handler = CountingHandler()
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        return handler

    yield start
    email.close_held_connection()
    for controller in controllers:
        controller.stop()


@pytest.fixture
def server(server_factory) -> CountingHandler:
    return server_factory()


def _send(to: str) -> None:
    email.send_reusing_connection(EmailMessage("Reminder", "Tomorrow at noon.", "hub@example.org", [to]))


def test_messages_share_one_connection(server):
    for n in range(5):
        _send(f"member{n}@example.org")

    assert server.delivered == [f"member{n}@example.org" for n in range(5)]
    assert server.connections == 1


def test_a_connection_is_replaced_after_so_many_messages(server, monkeypatch):
    monkeypatch.setattr(email, "MESSAGES_PER_CONNECTION", 2)
    for n in range(5):
        _send(f"member{n}@example.org")

    assert len(server.delivered) == 5
    assert server.connections == 3


def test_a_connection_is_replaced_when_it_is_too_old(server, monkeypatch):
    _send("first@example.org")
    monkeypatch.setattr(email, "CONNECTION_SECONDS", -1.0)
    _send("second@example.org")

    assert server.delivered == ["first@example.org", "second@example.org"]
    assert server.connections == 2


def test_an_idle_connection_the_server_dropped_is_replaced_before_sending(server, monkeypatch):
    _send("first@example.org")
    email._local.held.backend.connection.sock.shutdown(
        socket.SHUT_RDWR
    )  # as a server dropping an idle client
    monkeypatch.setattr(email, "PROBE_AFTER_IDLE_SECONDS", -1.0)

    _send("second@example.org")

    assert server.delivered == ["first@example.org", "second@example.org"]
    assert server.connections == 2


def test_a_refused_message_raises_and_the_next_one_starts_a_fresh_connection(server):
    _send("first@example.org")
    with pytest.raises(Exception, match="No such user"):
        _send(REFUSED)
    _send("third@example.org")

    assert server.delivered == ["first@example.org", "third@example.org"]
    assert server.connections == 2


def test_new_email_settings_take_a_new_connection(server_factory):
    old = server_factory()
    _send("first@example.org")
    new = server_factory()  # EMAIL_PORT now points at another server

    _send("second@example.org")

    assert old.delivered == ["first@example.org"]
    assert new.delivered == ["second@example.org"]
