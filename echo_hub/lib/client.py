"""The client: its address, read one way everywhere (audit events, rate limits, signed-in
devices), and a name for its browser."""

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _


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


_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_user_agent(user_agent: str) -> str:
    """ "Firefox on Windows" from a User-Agent header; good enough to recognise one's devices."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown device")
