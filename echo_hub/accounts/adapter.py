"""allauth adapted to the hub. Its messages (email confirmation, password reset, unknown account,
security notices) go through the outbox like every other email, so that a slow or refusing mail
server never fails a sign-up or a password reset: the request writes a row and answers. Hub
staff sent to set up an authenticator straight from a password sign-in are not asked for the
password they have just typed."""

import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_tags

from echo_hub.notifications.kinds import ACCOUNT_KIND_PREFIX
from echo_hub.notifications.services import queue_rendered

from .mfa import RESUME_AFTER_SETUP
from .services import mfa_required, start_session_clocks

# The outbox's unique key is (email, kind, object): the object of an account message is the
# request that asked for it. Each request (each reset asked for, each confirmation resent) is
# its own message, and one request queueing the same message twice still sends it once.
_REQUEST_KEY = "_echo_hub_account_mail_key"


def _request_key(request: HttpRequest | None) -> str:
    if request is None:
        return uuid.uuid4().hex
    if not hasattr(request, _REQUEST_KEY):
        setattr(request, _REQUEST_KEY, uuid.uuid4().hex)
    return getattr(request, _REQUEST_KEY)


@dataclass(frozen=True)
class _Site:
    """What allauth's messages call the site ("Hello from ECHO Hub!"): the product's name and
    the public domain of SITE_URL, never the host a request happened to use."""

    name: str
    domain: str


def _site() -> _Site:
    return _Site(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class HubAccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        message = self.render_mail(
            template_prefix, email, {"request": request, "email": email, **context, "current_site": _site()}
        )
        if message.content_subtype == "html":
            text, html = strip_tags(message.body), message.body
        else:
            alternatives = getattr(message, "alternatives", ())
            text = message.body
            html = next((c for c, mimetype in alternatives if mimetype == "text/html"), "")
        # allauth's messages are plain text: the HTML part lays that text out like every other
        # email of the hub (logo bar, links as links).
        html = html or render_to_string(
            "emails/account_body.html", {"text": text, "subject": message.subject}
        )
        # Not tied to the user: these rows stay out of the program pages that list a member's
        # failed messages, and an unknown address has no user anyway.
        queue_rendered(
            email=email,
            kind=ACCOUNT_KIND_PREFIX + template_prefix.rsplit("/", 1)[-1],
            object_key=_request_key(request),
            subject=message.subject,
            body_text=text,
            body_html=html,
        )

    def save_user(self, request, user, form, commit=True):
        # A new account speaks the language the person was browsing in.
        user.language = translation.get_language_from_request(request) if request else settings.LANGUAGE_CODE
        return super().save_user(request, user, form, commit=commit)

    def login(self, request: HttpRequest, user) -> None:
        super().login(request, user)
        start_session_clocks(request)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # allauth asks for the password again before an authenticator is added, even seconds
        # after a password sign-in; hub staff are sent to that setup straight from signing in,
        # and an invited expert straight from accepting the invitation.
        if app == "allauth.mfa" and _password_just_typed_by_someone_sent_to_set_up(allauth_context.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)


def _password_just_typed_by_someone_sent_to_set_up(request: HttpRequest | None) -> bool:
    """The session's last authentication is a password typed within allauth's
    reauthentication window, by someone who must use two-factor authentication or whom the
    site sent to set it up (accepting a hub role waits for it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    last = records[-1] if records else {}
    recent = time.time() - last.get("at", 0) < account_settings.REAUTHENTICATION_TIMEOUT
    sent = bool(request.session.get(RESUME_AFTER_SETUP))
    return last.get("method") == "password" and recent and (sent or mfa_required(user))
