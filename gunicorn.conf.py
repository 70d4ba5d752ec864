"""Gunicorn settings, read from the environment (see .env.example)."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (a deploy, a scale-down) workers finish the requests they hold for this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Heartbeat files on a RAM disk: a container's overlay filesystem can stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The app's middleware writes one JSON line per request (with its request id); a gunicorn
# access line would repeat it without the redaction of secret paths.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
# X-Forwarded-Proto (https) is believed only from these addresses: the reverse proxy's. With "*"
# anyone who reaches gunicorn directly could claim https. Django reads the scheme gunicorn
# decides (settings.py sets no SECURE_PROXY_SSL_HEADER). Comma-separated addresses or networks.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def post_worker_init(worker):
    """Once a worker has loaded the app (Django, every model, view and URL), move what it
    loaded out of the garbage collector's sight: those objects live as long as the worker, and
    a full collection walked all of them (some 155,000) to find none free, about 80 ms on one
    unlucky request each time. Python's documented gc.freeze(), after a collection of what the
    start-up left behind."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module now, not on a first request)
    gc.collect()
    gc.freeze()
