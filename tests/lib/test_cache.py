"""The shared cache falls back to the database cache when Redis is unreachable: logins,
pages and rate limits keep working, and a breaker keeps Redis from being tried again (and
from costing a timeout) more than once per window."""

import os
import shutil
import socket
import subprocess
import threading
import time
import uuid

import pytest
import redis
import redis.connection
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from echo_hub.lib import cache as shared_cache
from echo_hub.lib.cache import DATABASE_CACHE_TABLE, RedisWithDatabaseFallbackCache, reset_breakers
from tests.conftest import running_in_ci
from tests.factories import UserFactory

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"
PASSWORD = "correct-horse-battery"


def _fallback_settings(location: str, **extra) -> dict:
    return {
        "default": {
            "BACKEND": "echo_hub.lib.cache.RedisWithDatabaseFallbackCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
            "KEY_PREFIX": f"t-{uuid.uuid4().hex[:8]}",
            **extra,
        }
    }


@pytest.fixture(autouse=True)
def _fresh_breakers():
    reset_breakers()
    yield
    reset_breakers()


@pytest.fixture
def redis_connects(monkeypatch):
    """How many times a Redis connection was attempted."""
    attempts = []
    connect = redis.connection.AbstractConnection.connect

    def counting_connect(self):
        attempts.append((self.host, self.port))
        return connect(self)

    monkeypatch.setattr(redis.connection.AbstractConnection, "connect", counting_connect)
    return attempts


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(shared_cache.time, "monotonic", lambda: now[0])
    return now


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_redis_url():
    """The CI's Redis (REDIS_URL); elsewhere a redis-server of our own on a free port."""
    url = os.environ.get("REDIS_URL", "")
    if url:
        yield url
        return
    assert not running_in_ci(), "CI must set REDIS_URL"
    binary = shutil.which("redis-server")
    assert binary, "install redis-server or set REDIS_URL to run the shared-cache tests"
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _db_cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(DATABASE_CACHE_TABLE)}")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_with_redis_down_every_operation_works_on_the_database(redis_connects):
    with override_settings(CACHES=_fallback_settings(CLOSED_PORT_URL)):
        store = caches["default"]
        store.set("a", 1)
        assert store.add("a", 2) is False
        assert store.add("b", 2) is True
        assert store.incr("a", 5) == 6
        assert store.decr("a") == 5
        assert store.get_many(["a", "b", "c"]) == {"a": 5, "b": 2}
        store.set_many({"c": 3, "d": 4})
        assert store.has_key("c") is True
        assert store.touch("c", 60) is True
        store.delete("c")
        store.delete_many(["d"])
        assert store.get("c", "gone") == "gone"
        assert store.get_or_set("e", 7) == 7
        rows = _db_cache_rows()

    assert rows == 3  # a, b and e
    assert redis_connects == [("127.0.0.1", 1)]


@pytest.mark.django_db
def test_breaker_tries_redis_once_per_window_then_probes_again(redis_connects, clock):
    with override_settings(CACHES=_fallback_settings(CLOSED_PORT_URL, BREAKER_SECONDS=30)):
        store = caches["default"]
        for n in range(20):
            store.set(f"k{n}", n)
        clock[0] += 29
        assert store.get("k3") == 3
        tries_in_first_window = len(redis_connects)
        clock[0] += 2
        assert store.get("k4") == 4
        assert store.get("k5") == 5

    assert tries_in_first_window == 1
    assert len(redis_connects) == 2


@pytest.mark.django_db
def test_breaker_is_shared_by_the_per_thread_instances_of_one_redis(redis_connects):
    params = _fallback_settings(CLOSED_PORT_URL)["default"]
    first = RedisWithDatabaseFallbackCache(CLOSED_PORT_URL, params)
    second = RedisWithDatabaseFallbackCache(CLOSED_PORT_URL, params)

    first.set("x", 1)
    second.set("y", 2)

    assert (first.get("y"), second.get("x")) == (2, 1)
    assert len(redis_connects) == 1


@pytest.mark.django_db
def test_with_redis_up_nothing_goes_to_the_database(live_redis_url, redis_connects):
    settings = _fallback_settings(live_redis_url)
    prefix = settings["default"]["KEY_PREFIX"]
    with override_settings(CACHES=settings):
        caches["default"].set("up", "yes")
        caches["default"].add("n", 0)
        caches["default"].incr("n")
        value = caches["default"].get("up")

    client = redis.Redis.from_url(live_redis_url)
    try:
        stored = client.exists(f"{prefix}:1:up", f"{prefix}:1:n")
    finally:
        client.close()
    assert value == "yes"
    assert stored == 2
    assert _db_cache_rows() == 0


@pytest.mark.django_db
def test_after_the_window_a_successful_probe_returns_to_redis(live_redis_url, clock):
    with override_settings(CACHES=_fallback_settings(live_redis_url, BREAKER_SECONDS=30)):
        store = caches["default"]
        store.breaker.failed()  # as if Redis had just failed
        store.set("during-outage", 1)
        clock[0] += 31
        store.set("after-probe", 2)
        store.set("after-close", 3)

        assert store.breaker.failing is False
        assert store.fallback.get("during-outage") == 1
        assert store.primary.get("during-outage") is None
        assert (store.primary.get("after-probe"), store.primary.get("after-close")) == (2, 3)


@pytest.mark.django_db
def test_a_redis_error_that_is_not_an_outage_is_raised_not_hidden(live_redis_url):
    with override_settings(CACHES=_fallback_settings(live_redis_url)):
        store = caches["default"]
        store.set("text", "not a number")

        with pytest.raises(redis.ResponseError):
            store.incr("text")
        assert store.breaker.failing is False
        assert _db_cache_rows() == 0


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_login_pages_and_rate_limits_keep_working(client, redis_connects, settings):
    settings.CACHES = _fallback_settings(CLOSED_PORT_URL)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify": "2/5m"}
    user = UserFactory(email="during-outage@example.org")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    login = reverse("account_login")

    failures = [
        client.post(login, {"login": user.email, "password": "wrong-password-123"}).status_code
        for _ in range(6)
    ]
    throttled = client.post(login, {"login": user.email, "password": PASSWORD})
    other = UserFactory(email="other@example.org")
    other.emailaddress_set.create(email=other.email, verified=True, primary=True)
    logged_in = client.post(login, {"login": other.email, "password": PASSWORD})
    dashboard = client.get(reverse("home"))
    verify = [client.get(reverse("cpd:verify", args=["nope"])).status_code for _ in range(3)]

    assert failures == [200] * 6
    assert "Too many failed login attempts" in throttled.content.decode()
    assert (logged_in.status_code, logged_in["Location"]) == (302, reverse("home"))
    assert dashboard.status_code == 200
    assert dashboard.context["user"] == other
    assert verify == [404, 404, 429]
    assert _db_cache_rows() > 0
    assert len(redis_connects) == 1


def test_default_cache_in_tests_is_the_configured_one():
    """Guard: the suite's default cache is the production backend whenever REDIS_URL is set."""
    if os.environ.get("REDIS_URL"):
        assert isinstance(caches["default"], RedisWithDatabaseFallbackCache)
    else:
        assert type(caches["default"]).__name__ == "LocMemCache"


def test_after_the_window_only_one_of_many_threads_probes_redis(clock):
    breaker = shared_cache.Breaker(30)
    breaker.failed()
    clock[0] += 31
    start = threading.Barrier(8)
    answers = []

    def ask():
        start.wait()
        answers.append(breaker.allows_try())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [False] * 7 + [True]
    breaker.succeeded()
    assert breaker.allows_try() is True
