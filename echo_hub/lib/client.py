"""The client's address, read one way everywhere (audit events, signed-in devices)."""

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """allauth's reading of the address, which honours ALLAUTH_TRUSTED_PROXY_COUNT as its rate
    limits do; None when a malformed forwarding header makes it unknowable."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured, ValueError):
        return None


def ratelimit_ip(request: HttpRequest) -> str:
    """The address django-ratelimit counts (RATELIMIT_IP_META_KEY): the same reading, or the
    connecting address when the forwarding header cannot be read."""
    return client_ip(request) or request.META.get("REMOTE_ADDR") or "0.0.0.0"
