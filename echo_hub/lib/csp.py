"""Per-response additions to the Content Security Policy set in settings."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.http import HttpResponse


def url_origin(url: str) -> str | None:
    """scheme://host[:port] of an http(s) URL, None for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


def allow_form_redirects(response: HttpResponse, urls: Iterable[str]) -> HttpResponse:
    """Browsers apply form-action to the redirects that follow a form post too: the Join
    button posts to our own view, which redirects to the video platform. A page showing Join
    buttons allows exactly the origins of those join links, and no others."""
    origins = sorted({origin for origin in map(url_origin, urls) if origin})
    if origins:
        # django-csp reads _csp_update (what its @csp_update decorator sets) when it writes
        # the header; here the origins depend on the page's data, so the view sets it.
        response._csp_update = {"form-action": origins}
    return response
