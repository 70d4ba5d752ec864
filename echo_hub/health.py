"""Readiness: can this process serve requests right now? Each check is short and answers
with the name of what is down, never with a URL, host or password."""

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import redis
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2
# A storage call can hang on a dead endpoint; it runs here so the probe answers in time.
_storage_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="readyz-storage")


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_redis() -> None:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


def _write_and_delete_probe() -> None:
    name = default_storage.save(f"health/readyz-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


def check_storage() -> None:
    """Letters and certificates must be storable, so the probe writes a tiny file and deletes it."""
    _storage_pool.submit(_write_and_delete_probe).result(timeout=TIMEOUT_SECONDS)


def _checks() -> dict[str, Callable[[], None]]:
    checks = {"database": check_database}
    if settings.REDIS_URL:
        checks["redis"] = check_redis
    checks["storage"] = check_storage
    return checks


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in _checks().items():
        try:
            check()
        except FutureTimeout:
            results[name] = "timeout"
            logger.warning("Readiness check %s timed out.", name)
        except Exception as exc:
            results[name] = "down"
            # The class name only: messages can hold hosts, URLs or credentials.
            logger.warning("Readiness check %s failed: %s.", name, type(exc).__name__)
        else:
            results[name] = "ok"
    return results


@never_cache
@require_GET
def readyz(request):
    checks = run_checks()
    down = [name for name, result in checks.items() if result != "ok"]
    return JsonResponse(
        {"status": "down" if down else "ok", "down": down, "checks": checks},
        status=503 if down else 200,
    )
