import hashlib
import hmac
import json
import time

import pytest

from tests.factories import EnrollmentFactory, SessionFactory, UserFactory
from zoom import crypto
from zoom.models import ZoomConnection

from .fakezoom import ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, FakeZoom

WEBHOOK_TOKEN = "whsec-7cQx2"


@pytest.fixture
def fake_zoom(settings):
    zoom = FakeZoom()
    settings.ZOOM_API_URL = f"{zoom.url}/v2"
    settings.ZOOM_OAUTH_URL = f"{zoom.url}/oauth/token"
    yield zoom
    zoom.stop()


@pytest.fixture
def connection(program, fake_zoom) -> ZoomConnection:
    return ZoomConnection.objects.create(
        program=program,
        account_id=ACCOUNT_ID,
        client_id=CLIENT_ID,
        client_secret_encrypted=crypto.encrypt(CLIENT_SECRET),
        webhook_token_encrypted=crypto.encrypt(WEBHOOK_TOKEN),
        status=ZoomConnection.Status.CONNECTED,
    )


@pytest.fixture
def members(program):
    return [
        EnrollmentFactory(
            program=program, user=UserFactory(email=f"member{n}@example.org", full_name=f"Ana Member{n}")
        ).user
        for n in range(3)
    ]


@pytest.fixture
def zoom_session(program):
    return SessionFactory(program=program, title="Session 1")


def signed_headers(body: bytes, *, secret: str = WEBHOOK_TOKEN, timestamp: int | None = None) -> dict:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_ZM_REQUEST_TIMESTAMP": ts, "HTTP_X_ZM_SIGNATURE": f"v0={digest}"}


def event_body(event: dict) -> bytes:
    return json.dumps(event).encode()
