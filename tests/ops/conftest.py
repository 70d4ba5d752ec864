import io
import json
import logging
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from echo_hub import settings as base_settings
from echo_hub.lib.observability import JsonFormatter

S3_BUCKET = "echo-hub-test"
S3_ACCESS_KEY = "ops-test-access-key"
S3_SECRET_KEY = "ops-test-secret-key"


class LogLines:
    """What the configured JSON console handler wrote during the test."""

    def __init__(self, buffer: io.StringIO) -> None:
        self.buffer = buffer

    @property
    def text(self) -> str:
        return self.buffer.getvalue()

    def of(self, logger: str) -> list[dict]:
        lines = [json.loads(line) for line in self.text.splitlines() if line.strip()]
        return [line for line in lines if line["logger"] == logger]


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield LogLines(buffer)
    finally:
        handler.setStream(previous)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3 API (moto's server) on a free local port, with our bucket in it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3_client(endpoint).create_bucket(Bucket=S3_BUCKET)
    yield endpoint
    server.stop()


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_ACCESS_KEY,
        aws_secret_access_key=S3_SECRET_KEY,
        region_name="us-east-1",
    )


def s3_storages(endpoint: str) -> dict:
    """STORAGES as settings.py builds them when S3_BUCKET and S3_ENDPOINT_URL are set."""
    return {
        "default": base_settings.s3_storage(
            bucket=S3_BUCKET,
            endpoint_url=endpoint,
            access_key=S3_ACCESS_KEY,
            secret_key=S3_SECRET_KEY,
            region="us-east-1",
        ),
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def use_s3(s3_endpoint, settings):
    """Default storage on the S3 server for this test; returns a client to look in the bucket."""
    settings.STORAGES = s3_storages(s3_endpoint)
    return s3_client(s3_endpoint)
