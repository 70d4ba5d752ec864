import json
import os
import socket

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from .conftest import S3_BUCKET, S3_SECRET_KEY, s3_storages

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


def test_readyz_with_everything_up_is_ok(client, settings):
    response = client.get(reverse("readyz"))

    expected = {"database": "ok", "storage": "ok"} | ({"redis": "ok"} if settings.REDIS_URL else {})
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "down": [], "checks": expected}
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_readyz_with_redis_unreachable_names_redis(client, settings, closed_port):
    settings.REDIS_URL = f"redis://:hunter2-redis-password@127.0.0.1:{closed_port}/0"

    response = client.get(reverse("readyz"))

    body = response.content.decode()
    assert response.status_code == 503
    assert json.loads(body) == {
        "status": "down",
        "down": ["redis"],
        "checks": {"database": "ok", "redis": "down", "storage": "ok"},
    }
    assert "hunter2-redis-password" not in body
    _assert_no_secrets(body)


def test_readyz_with_media_root_unwritable_names_storage(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.MEDIA_ROOT = blocker / "media"

    response = client.get(reverse("readyz"))

    body = response.content.decode()
    assert response.status_code == 503
    assert json.loads(body)["down"] == ["storage"]
    assert json.loads(body)["checks"]["storage"] == "down"
    assert str(tmp_path) not in body
    _assert_no_secrets(body)


def test_readyz_with_the_bucket_endpoint_closed_names_storage(client, settings, closed_port):
    settings.STORAGES = s3_storages(f"http://127.0.0.1:{closed_port}")

    response = client.get(reverse("readyz"))

    body = response.content.decode()
    assert response.status_code == 503
    assert json.loads(body)["down"] == ["storage"]
    assert S3_BUCKET not in body
    _assert_no_secrets(body)


def test_readyz_with_the_bucket_reachable_is_ok(client, use_s3):
    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == "ok"
    assert use_s3.list_objects_v2(Bucket=S3_BUCKET, Prefix="health/").get("KeyCount") == 0


def test_readyz_is_open_to_anonymous_probes_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get(reverse("home")).status_code == 301
