"""Rate limits for endpoints that could be used to enumerate codes or to hammer a write: the
public certificate verification, Join and the evaluation. django-ratelimit counts (fixed
windows in the "ratelimit" cache, IPv6 clients by their /64); this decorator counts each
request once per client address and once per signed-in user, so neither a shared NAT nor a
user switching networks escapes the limit, and answers with a 429 page that says how long to
wait. Limits come from settings.RATE_LIMITS, as "count/period" ("30/5m")."""

import logging
import math
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


def _wait_seconds(request: HttpRequest, scope: str) -> int | None:
    rate = settings.RATE_LIMITS[scope]
    keys = ["ip", "user"] if request.user.is_authenticated else ["ip"]
    usages = [get_usage(request, group=scope, key=key, rate=rate, increment=True) for key in keys]
    waits = [usage["time_left"] for usage in usages if usage and usage["should_limit"]]
    # The window's last second still counts in it: the next one is free.
    return max(waits) + 1 if waits else None


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(request, "429.html", {"retry_minutes": math.ceil(retry_after / 60)}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(scope: str):
    """Refuses a view with 429 and Retry-After once the client or user is over the limit of
    `scope`. Place it under @login_required and the method decorators, so that only requests
    the view would handle are counted."""

    def decorator(view):
        @wraps(view)
        def limited_view(request, *args, **kwargs):
            retry_after = _wait_seconds(request, scope)
            if retry_after is not None:
                user_id = request.user.pk if request.user.is_authenticated else None
                logger.warning("rate limited", extra={"scope": scope, "user_id": user_id})
                return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return limited_view

    return decorator
