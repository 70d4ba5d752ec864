import time

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
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
