"""allauth adapted to the hub: its messages (email confirmation, password reset, unknown account,
security notices) go through the outbox like every other email, so that a slow or refusing mail
server never fails a sign-up or a password reset: the request writes a row and answers."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.utils.html import strip_tags

from echo_hub.notifications.kinds import ACCOUNT_KIND_PREFIX
from echo_hub.notifications.services import queue_rendered

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


class HubAccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request), **context},
        )
        if message.content_subtype == "html":
            text, html = strip_tags(message.body), message.body
        else:
            alternatives = getattr(message, "alternatives", ())
            text, html = (
                message.body,
                next((c for c, mimetype in alternatives if mimetype == "text/html"), ""),
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
