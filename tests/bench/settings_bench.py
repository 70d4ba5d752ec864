"""Production settings plus the benchmark's baseline URL: only `make bench`'s gunicorn and
Celery workers load this module (nothing of it is in the product)."""

from echo_hub.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls_bench"
