"""Request ids, JSON log lines and error reports that carry no case text, email body or token.

A request id comes from a safe incoming X-Request-ID or is made here; it sits in a context
variable for the length of the request, travels to the Celery tasks the request enqueues as
a message header, and is stamped on every log line and error report on the way."""

import logging
import re
import time
import uuid
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

if TYPE_CHECKING:
    from django.http import HttpRequest

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# The request being served, for code deep in a request that is not handed it (audit events).
current_request: ContextVar["HttpRequest | None"] = ContextVar("current_request", default=None)

TASK_HEADER = "echo_request_id"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
# Path segments that are secrets: calendar feed tokens, certificate codes, unsubscribe,
# invitation, email confirmation and password reset keys.
_SECRET_SEGMENT = re.compile(
    r"(/(?:calendar|verify|invitations|notifications/unsubscribe|accounts/confirm-email"
    r"|accounts/password/reset/key)/)[^/?#\s\"']+?(\.ics)?(?=[/?#\s\"']|$)"
)
_QUERY = re.compile(r"\?[^\s\"']*")

request_logger = logging.getLogger("echo_hub.request")
task_logger = logging.getLogger("echo_hub.task")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(incoming: str | None) -> str:
    """The caller's id when it is a short plain token, so ids can be followed across a proxy;
    anything else (spaces, markup, log-injection attempts) gets a fresh one."""
    if incoming and _SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return new_request_id()


def redact(text: str) -> str:
    """A path or log message with its query strings dropped and secret segments replaced."""
    return _SECRET_SEGMENT.sub(r"\1…\2", _QUERY.sub("", text))


class RequestIdFilter(logging.Filter):
    """Stamps the request id on every record and takes secrets out of Django's own
    request messages ("Not Found: /calendar/<token>.ics")."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        if hasattr(record, "request"):
            # django.request and django.security attach the request; its repr has the full URL.
            del record.request
            if isinstance(record.args, tuple):
                record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)


# Celery signal receivers, connected in echo_hub/celery.py.

_running: dict[str, tuple[float, Token]] = {}


def add_request_id_header(headers: dict | None = None, **kwargs) -> None:
    current = request_id.get()
    if headers is not None and current:
        headers.setdefault(TASK_HEADER, current)


def start_task(task_id: str, task, **kwargs) -> None:
    incoming = getattr(task.request, TASK_HEADER, None) or (task.request.headers or {}).get(TASK_HEADER)
    # An eager task runs inside the request and already sees its id; a beat task gets its own.
    token = request_id.set(incoming or request_id.get() or new_request_id())
    _running[task_id] = (time.monotonic(), token)


def finish_task(task_id: str, task, state: str | None = None, **kwargs) -> None:
    started, token = _running.pop(task_id, (None, None))
    task_logger.info(
        "task",
        extra={
            "task": task.name,
            "task_id": task_id,
            "outcome": (state or "unknown").lower(),
            "duration_ms": round((time.monotonic() - started) * 1000, 1) if started else None,
        },
    )
    if token is not None:
        request_id.reset(token)


# Sentry.

_SAFE_HEADERS = {"user-agent", "content-type", "content-length", "x-request-id"}


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """What leaves for Sentry: the exception, its stack without local variables, the
    redacted path and the request id; never a body, cookie, query string or email address."""
    request = event.get("request")
    if request:
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        if "url" in request:
            request["url"] = redact(request["url"])
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in _SAFE_HEADERS}
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in (event.get("exception") or {}).get("values", []):
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values", []):
        for frame in (thread.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        if isinstance(crumb.get("message"), str):
            crumb["message"] = redact(crumb["message"])
    if event.get("transaction"):
        event["transaction"] = redact(event["transaction"])
    current = request_id.get()
    if current:
        event.setdefault("tags", {})["request_id"] = current
    return event


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float = 0.0, transport=None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # data_collection supersedes send_default_pii (deprecated in this SDK): the same
        # "no PII" stance, stated per category, and stricter: no cookies, query strings,
        # bodies, SQL parameters or frame locals at all.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "url_query_params": {"mode": "off"},
            "http_bodies": [],
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
            "graphql": {"document": False, "variables": False},
            "gen_ai": {"inputs": False, "outputs": False},
        },
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_event,
        traces_sample_rate=traces_sample_rate,
        transport=transport,
    )
