"""The shared cache: Redis, or the database cache while Redis is unreachable.

Every web process must see the same rate-limit counters (allauth's login limits and
echo_hub/lib/ratelimit.py), so production caches in Redis. When Redis is down, logins and
pages must keep working and the limits must keep counting: each operation then goes to
Django's database cache (table DATABASE_CACHE_TABLE, created by this app's migration).

A circuit breaker keeps a Redis outage from costing every request a connection timeout:
after a failure, Redis is not tried again for BREAKER_SECONDS; then one request probes it
while the others keep using the database, and the first success closes the breaker. The
breaker is per process and per Redis URL, shared by the per-thread cache instances.

What is written to one store while the other is in use is not copied over: counters restart
when the store changes, which only loosens a limit for one window. Sessions therefore do not
live in this cache (SESSION_ENGINE is the database): a logout during an outage must not be
undone by a stale copy in Redis afterwards.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DATABASE_CACHE_TABLE = "echo_cache"
DEFAULT_BREAKER_SECONDS = 30
# The database cache culls a third of its rows past MAX_ENTRIES; rate-limit counters of many
# clients must survive an outage.
FALLBACK_MAX_ENTRIES = 20_000
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


class Breaker:
    """Closed: Redis is tried. Open: Redis is skipped until `retry_at`; then a single caller
    gets to probe it (the window is pushed back for the others while it does)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.failing = False
        self.retry_at = 0.0
        self._lock = threading.Lock()

    def allows_try(self) -> bool:
        if not self.failing:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self.retry_at:
                return False
            self.retry_at = now + self.seconds
            return True

    def failed(self) -> None:
        with self._lock:
            self.failing = True
            self.retry_at = time.monotonic() + self.seconds

    def succeeded(self) -> None:
        if self.failing:
            with self._lock:
                self.failing = False

    def run(self, attempt, otherwise, *, while_down: str):
        """`attempt()` when Redis may be tried; `otherwise()` while the breaker is open or
        when the attempt finds Redis down (which opens it)."""
        if self.allows_try():
            try:
                result = attempt()
            except REDIS_DOWN as exc:
                self.failed()
                logger.warning(
                    f"redis unreachable: {while_down}",
                    extra={"error": type(exc).__name__, "retry_in_s": self.seconds},
                )
            else:
                self.succeeded()
                return result
        return otherwise()


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, seconds: float) -> Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, Breaker(seconds))


def reset_breakers() -> None:
    """Forget every breaker's state (tests)."""
    with _breakers_lock:
        _breakers.clear()


class RedisWithDatabaseFallbackCache(BaseCache):
    """CACHES entry: BACKEND this class, LOCATION the Redis URL, OPTIONS the Redis client's,
    and optionally BREAKER_SECONDS and FALLBACK_TABLE."""

    def __init__(self, server: str, params: dict) -> None:
        super().__init__(params)
        shared = {
            key: params[key] for key in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION") if key in params
        }
        self.primary = RedisCache(server, {**shared, "OPTIONS": params.get("OPTIONS", {})})
        self.fallback = DatabaseCache(
            params.get("FALLBACK_TABLE", DATABASE_CACHE_TABLE),
            {**shared, "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}},
        )
        self.breaker = breaker_for(server, params.get("BREAKER_SECONDS", DEFAULT_BREAKER_SECONDS))

    def _call(self, operation: str, *args, **kwargs):
        return self.breaker.run(
            lambda: getattr(self.primary, operation)(*args, **kwargs),
            lambda: getattr(self.fallback, operation)(*args, **kwargs),
            while_down="using the database cache",
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        """Empties the store in use. The other one holds only what was written while it was
        in use, with its expiry."""
        return self._call("clear")

    def close(self, **kwargs):
        self.primary.close(**kwargs)
        self.fallback.close(**kwargs)


class RedisOrMissCache(RedisCache):
    """CACHES entry for what can be recomputed (the page cache, echo_hub/lib/pagecache.py):
    Redis, and while Redis is unreachable every read misses and every write is dropped, with
    the same circuit breaker as the shared cache. Nothing falls back to the database: pages
    there would push the rate-limit counters out of its bounded table."""

    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self.breaker = breaker_for(server, params.get("BREAKER_SECONDS", DEFAULT_BREAKER_SECONDS))

    def _try(self, operation: str, default, *args, **kwargs):
        redis_operation = getattr(super(), operation)
        return self.breaker.run(
            lambda: redis_operation(*args, **kwargs), lambda: default, while_down="page cache off"
        )

    def get(self, key, default=None, version=None):
        return self._try("get", default, key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("set", None, key, value, timeout=timeout, version=version)

    def clear(self):
        return self._try("clear", None)
