import logging
import smtplib
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template import Context
from django.template.loader import get_template

logger = logging.getLogger(__name__)


def render_text(template_name: str, context: dict) -> str:
    """Render a plain-text template (subject, text body) without HTML escaping:
    "Pain & Opioids" and "We're full" must reach the reader as typed."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


# --- one mail-server connection per worker thread, reused ------------------------------

# A fresh SMTP connection (TCP, EHLO, QUIT) per message was the largest cost of a 10,000-member
# reminder in `make bench`. Reused, but not for ever: servers drop idle clients.
MESSAGES_PER_CONNECTION = 100
CONNECTION_SECONDS = 60.0
PROBE_AFTER_IDLE_SECONDS = 5.0
_EMAIL_SETTINGS = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
)


@dataclass
class _Held:
    backend: object
    settings: tuple
    opened_at: float
    used_at: float
    sent: int = 0


_local = threading.local()


def send_reusing_connection(message: EmailMessage) -> None:
    """Send `message` over this thread's open connection to the mail server, opened when there
    is none, when it has sent MESSAGES_PER_CONNECTION messages or is CONNECTION_SECONDS old, when
    the email settings changed, or when it sat idle and does not answer a NOOP. Any failure
    closes it, so the next message starts on a fresh connection; the failure is raised."""
    held = _fresh_connection()
    try:
        held.backend.send_messages([message])
    except Exception:
        close_held_connection()
        raise
    held.sent += 1
    held.used_at = time.monotonic()


def close_held_connection() -> None:
    held = getattr(_local, "held", None)
    _local.held = None
    if held is not None:
        try:
            held.backend.close()
        except Exception:  # closing a connection that already broke
            logger.debug("closing the mail connection failed", exc_info=True)


def _fresh_connection() -> _Held:
    now = time.monotonic()
    current = tuple(getattr(settings, name, None) for name in _EMAIL_SETTINGS)
    held = getattr(_local, "held", None)
    if held is not None and (
        held.settings != current
        or held.sent >= MESSAGES_PER_CONNECTION
        or now - held.opened_at > CONNECTION_SECONDS
        or (now - held.used_at > PROBE_AFTER_IDLE_SECONDS and not _answers(held.backend))
    ):
        close_held_connection()
        held = None
    if held is None:
        backend = get_connection(fail_silently=False)
        backend.open()
        held = _local.held = _Held(backend, current, opened_at=now, used_at=now)
    return held


def _answers(backend) -> bool:
    smtp = getattr(backend, "connection", None)  # smtplib.SMTP of Django's SMTP backend
    if smtp is None:
        return True  # not an SMTP backend (tests, console): nothing to probe
    try:
        return smtp.noop()[0] == 250
    except (smtplib.SMTPException, OSError):
        return False
