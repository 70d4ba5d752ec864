import json
import os
import socket

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from .conftest import S3_SECRET_KEY, s3_storages

pytestmark = pytest.mark.django_db

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///secret-looking-database-url")


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _assert_no_secrets(body: str) -> None:
    assert django_settings.SECRET_KEY not in body
    assert DATABASE_URL not in body
    assert "127.0.0.1" not in body
    assert S3_SECRET_KEY not in body


def test_healthz_says_ok_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert (response.status_code, response.content) == (200, b"ok")


def test_readyz_with_the_database_up_is_ok(client):
    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "down": [], "checks": {"database": "ok"}}
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_readyz_stays_ok_while_redis_and_storage_are_unreachable(client, settings, closed_port, tmp_path):
    """Redis and storage failures have their own fallbacks; taking every replica out of the
    load balancer for them would turn a partial outage into a whole one."""
    settings.REDIS_URL = f"redis://:hunter2-redis-password@127.0.0.1:{closed_port}/0"
    settings.STORAGES = s3_storages(f"http://127.0.0.1:{closed_port}")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.MEDIA_ROOT = blocker / "media"

    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "down": [], "checks": {"database": "ok"}}


def test_readyz_with_the_database_unreachable_is_down_and_names_nothing_secret(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(f"could not connect to {DATABASE_URL} at 127.0.0.1")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)

    response = client.get(reverse("readyz"))

    body = response.content.decode()
    assert response.status_code == 503
    assert json.loads(body) == {"status": "down", "down": ["database"], "checks": {"database": "down"}}
    _assert_no_secrets(body)


def test_readyz_is_open_to_anonymous_probes_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get(reverse("home")).status_code == 301
