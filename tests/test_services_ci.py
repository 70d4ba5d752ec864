import os
import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection

from echo_hub import settings as base_settings

from .conftest import running_in_ci

# CI must prove the real services are there; a bare machine checks the fallbacks instead.
# Neither branch skips, so a CI job without Redis or PostgreSQL fails loudly.


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if running_in_ci():
        assert url, "CI must set REDIS_URL: Celery and the cache run on Redis there."
    return url


def test_redis_answers_ping_when_configured():
    url = _redis_url()
    if not url:
        assert base_settings.CELERY_TASK_ALWAYS_EAGER is True
        assert base_settings.CELERY_BROKER_URL == "memory://"
        return

    client = redis.Redis.from_url(url)
    try:
        assert client.ping() is True
    finally:
        client.close()


def test_celery_settings_follow_redis_url():
    url = _redis_url()
    configured = base_settings.REDIS_URL
    broker = base_settings.CELERY_BROKER_URL

    assert configured == url
    assert broker == (url or "memory://")
    assert base_settings.CELERY_TASK_ALWAYS_EAGER is (not url)
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


def test_database_is_postgresql_in_ci():
    database_url = os.environ.get("DATABASE_URL", "")
    on_postgres = running_in_ci() or database_url.startswith(("postgres://", "postgresql://", "pgsql://"))

    assert connection.vendor == ("postgresql" if on_postgres else "sqlite")


def test_rate_limit_counters_round_trip_through_redis_when_configured():
    url = _redis_url()
    counters = caches["ratelimit"]
    key = f"echo-hub-ci-check-{uuid.uuid4().hex}"
    expected_backend = (
        "django_redis.cache.RedisCache" if url else "django.core.cache.backends.locmem.LocMemCache"
    )

    counters.add(key, 0, timeout=60)
    try:
        assert settings.CACHES["ratelimit"]["BACKEND"] == expected_backend
        assert counters.incr(key) == 1
        if url:
            client = redis.Redis.from_url(url)
            try:
                assert client.exists(counters.make_key(key)) == 1
            finally:
                client.close()
    finally:
        counters.delete(key)

    assert counters.get(key) is None


@pytest.mark.django_db
def test_shared_cache_is_the_database():
    key = f"echo-hub-ci-check-{uuid.uuid4().hex}"
    cache.set(key, {"answer": 42}, timeout=60)

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM echo_cache WHERE cache_key LIKE %s", [f"%{key}"])
        assert cursor.fetchone() == (1,)
    assert cache.get(key) == {"answer": 42}
