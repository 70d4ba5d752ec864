import time

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.utils.cache import has_vary_header
from django.utils.functional import SimpleLazyObject, empty

from .observability import accept_request_id, current_request, redact, request_id, request_logger


class RequestLogMiddleware:
    """Gives each request an id (X-Request-ID on the way in and out) and writes one JSON
    line for it: method, redacted path without query string, status, duration, user id."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        current = accept_request_id(request.headers.get("X-Request-ID"))
        # Not reset on the way out: Django logs 4xx/5xx after the middleware has returned,
        # and that line should carry the id too. request_finished clears it.
        request_id.set(current)
        current_request.set(request)
        response = self.get_response(request)
        response["X-Request-ID"] = current
        request_logger.info(
            "request",
            extra={
                "method": request.method,
                "path": redact(request.path),
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "user_id": _user_id(request),
            },
        )
        return response


class PermissionsPolicyMiddleware:
    """Turns off, on every response, the browser features the app never uses
    (settings.PERMISSIONS_POLICY_OFF): no script or frame can ask for the camera, the
    microphone, the location or a payment. Placed before WhiteNoise, so files get it too."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_OFF)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


PRIVATE = "private, no-store"


class PrivateCacheMiddleware:
    """Cache-Control: private, no-store on every response that may hold one person's data, so
    neither the browser's disk nor a proxy keeps a case page: signed-in responses, responses
    that set a cookie (a shared cache would hand it to the next visitor), and responses that
    vary by cookie to a visitor who sent a session (a flash message, the page after signing
    out). Anonymous pages without a session keep their caching; static files never get here
    (WhiteNoise answers first). A response that already says no-store is left as it is."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", "") and _is_private(request, response):
            response["Cache-Control"] = PRIVATE
        return response


def _is_private(request: HttpRequest, response: HttpResponse) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    if response.cookies:
        return True
    return settings.SESSION_COOKIE_NAME in request.COOKIES and has_vary_header(response, "Cookie")


def _forget_request(**kwargs) -> None:
    request_id.set(None)
    current_request.set(None)


request_finished.connect(_forget_request, dispatch_uid="echo_hub.forget_request_id")


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    # A user nobody looked at stays unloaded: the log line must not add queries.
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None
