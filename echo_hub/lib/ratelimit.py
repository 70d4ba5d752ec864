"""A small fixed-window rate limiter for endpoints that could be used to enumerate codes or
to hammer a write: the public certificate verification, Join, and the evaluation.

Counters live in the default cache (Redis in production, with its database fallback), one
per client IP and one per signed-in user, so neither a shared NAT nor a user switching
networks escapes the limit. Limits come from settings.RATE_LIMITS, as "count/period" with
the period in seconds or with an s, m or h suffix ("30/5m")."""

import ipaddress
import logging
import math
import re
import time
from dataclasses import dataclass
from functools import wraps

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*([smh]?)\s*$")
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str) -> Rate:
    match = RATE.match(text)
    if not match or int(match[1]) < 1 or int(match[2]) < 1:
        raise ImproperlyConfigured(f"A rate limit must look like 30/5m (count/period), not {text!r}.")
    return Rate(count=int(match[1]), seconds=int(match[2]) * UNIT_SECONDS[match[3]])


def client_key(request: HttpRequest) -> str:
    """The client's address as allauth sees it (it honours ALLAUTH_TRUSTED_PROXY_COUNT), an
    IPv6 client by its /64 network, which one subscriber usually holds whole."""
    raw = get_adapter().get_client_ip(request)
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _count(key: str, rate: Rate, now: float) -> tuple[int, float]:
    """Adds one hit to the current window of `key`; returns the count and the seconds left."""
    window = int(now // rate.seconds)
    cache_key = f"ratelimit:{key}:{rate.seconds}:{window}"
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this hit opens a new window
        cache.set(cache_key, 1, timeout=rate.seconds + 1)
        hits = 1
    return hits, (window + 1) * rate.seconds - now


def check(request: HttpRequest, scope: str) -> int | None:
    """Counts this request against `scope`; the seconds to wait when it is over the limit."""
    rate = parse_rate(settings.RATE_LIMITS[scope])
    now = time.time()
    keys = [f"{scope}:ip:{client_key(request)}"]
    if request.user.is_authenticated:
        keys.append(f"{scope}:user:{request.user.pk}")
    waits = [left for hits, left in (_count(key, rate, now) for key in keys) if hits > rate.count]
    return math.ceil(max(waits)) if waits else None


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(request, "429.html", {"retry_minutes": math.ceil(retry_after / 60)}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(scope: str):
    """Refuses a view with 429 and Retry-After once the client or user is over the limit of
    `scope` in settings.RATE_LIMITS. Place it under @login_required and the method decorators,
    so that only requests the view would handle are counted."""

    def decorator(view):
        @wraps(view)
        def limited_view(request, *args, **kwargs):
            retry_after = check(request, scope)
            if retry_after is not None:
                user_id = request.user.pk if request.user.is_authenticated else None
                logger.warning("rate limited", extra={"scope": scope, "user_id": user_id})
                return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return limited_view

    return decorator
