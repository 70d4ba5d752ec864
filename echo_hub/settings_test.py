import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")


def _redis_for_this_worker(url: str, worker: str) -> str:
    """`make test` runs the suite in parallel processes (pytest-xdist), each with its own test
    database (pytest-django); each gets its own Redis database too, counting down from the one
    configured, so that one process's rate-limit counters, Celery queues and flushes never meet
    another's. Processes the tests start (gunicorn, Celery workers) inherit it."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) - 1 - int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{number % 16}"))


# Processes the tests start inherit the environment, REDIS_URL and PYTEST_XDIST_WORKER with
# it: the marker keeps them on their test process's database instead of counting down again
# (onto the next process's).
if (
    os.environ.get("REDIS_URL")
    and os.environ.get("PYTEST_XDIST_WORKER")
    and not os.environ.get("ECHO_TEST_OWN_REDIS")
):
    os.environ["REDIS_URL"] = _redis_for_this_worker(
        os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )
    os.environ["ECHO_TEST_OWN_REDIS"] = os.environ["REDIS_URL"]

from .settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="echo-hub-test-static-"))  # noqa: F405
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="echo-hub-test-media-"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SITE_URL = "http://testserver"
# Query-count tests assert literal numbers: the session read must not move to Redis in CI.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# About 2,300 tests force_login coordinators without an authenticator; the MFA tests switch the
# rule back on with the `settings` fixture, and a test checks production settings keep it on.
MFA_REQUIRED_FOR_HUB_ROLES = False
