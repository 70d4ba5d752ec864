"""Readiness: can this process serve requests right now? Only the database is checked: it
is the one thing a web process cannot serve a page without. Redis (the broker, rate-limit
counters) and file storage have their own fallbacks and retries, and failing them here would
take every web replica out of the load balancer at once. The answer names what is down,
never a URL, host or password."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def run_checks() -> dict[str, str]:
    try:
        check_database()
    except Exception as exc:
        # The class name only: messages can hold hosts, URLs or credentials.
        logger.warning("Readiness check database failed: %s.", type(exc).__name__)
        return {"database": "down"}
    return {"database": "ok"}


@never_cache
@require_GET
def readyz(request):
    checks = run_checks()
    down = [name for name, result in checks.items() if result != "ok"]
    return JsonResponse(
        {"status": "down" if down else "ok", "down": down, "checks": checks},
        status=503 if down else 200,
    )
