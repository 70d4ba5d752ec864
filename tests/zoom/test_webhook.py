import copy
import hashlib
import hmac
import json
import logging
import time

import pytest
from django.urls import reverse

from zoom.models import ZoomMeeting

from .conftest import WEBHOOK_TOKEN, event_body, signed_headers
from .fakezoom import fixture

pytestmark = pytest.mark.django_db


def _post(client, program, body: bytes, **headers):
    return client.post(
        reverse("zoom:webhook", args=[program.slug]), data=body, content_type="application/json", **headers
    )


def test_url_validation_is_answered_with_the_hmac_of_the_plain_token(client, program, connection):
    body = event_body(fixture("webhook_url_validation"))
    response = _post(client, program, body, **signed_headers(body))
    assert response.status_code == 200
    expected = hmac.new(WEBHOOK_TOKEN.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert response.json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


@pytest.mark.parametrize(
    ("headers_of", "reason"),
    [
        (lambda body: signed_headers(body, secret="not-the-token"), "wrong signature"),
        (lambda body: signed_headers(body, timestamp=int(time.time()) - 330), "stale timestamp"),
        (lambda body: signed_headers(body, timestamp=int(time.time()) + 330), "stale timestamp"),
        (lambda body: signed_headers(body + b" "), "wrong signature"),
        (lambda body: {}, "unsigned"),
        (lambda body: {**signed_headers(body), "HTTP_X_ZM_REQUEST_TIMESTAMP": "soon"}, "bad timestamp"),
    ],
)
def test_unverified_requests_get_401_and_a_log_line_without_the_body(
    client, program, connection, caplog, headers_of, reason
):
    body = event_body(fixture("webhook_url_validation"))
    caplog.set_level(logging.INFO, logger="zoom.views")
    response = _post(client, program, body, **headers_of(body))
    assert response.status_code == 401
    assert "encryptedToken" not in response.content.decode()
    records = [r for r in caplog.records if r.name == "zoom.views"]
    assert [r.getMessage() for r in records] == [f"Zoom webhook for program {program.slug} refused: {reason}"]
    assert "qgg8vlvZRS6UYooatFL8Aw" not in caplog.text


def test_a_signature_four_minutes_old_is_accepted(client, program, connection):
    body = event_body(fixture("webhook_url_validation"))
    response = _post(client, program, body, **signed_headers(body, timestamp=int(time.time()) - 240))
    assert response.status_code == 200


def test_program_without_zoom_refuses_webhooks(client, program):
    body = event_body(fixture("webhook_url_validation"))
    assert _post(client, program, body, **signed_headers(body)).status_code == 401


def test_another_programs_token_does_not_sign_for_this_one(client, program, other_program, connection):
    body = event_body(fixture("webhook_url_validation"))
    response = client.post(
        reverse("zoom:webhook", args=[other_program.slug]),
        data=body,
        content_type="application/json",
        **signed_headers(body),
    )
    assert response.status_code == 401


def test_webhook_needs_post(client, program, connection):
    assert client.get(reverse("zoom:webhook", args=[program.slug])).status_code == 405


def test_signed_garbage_is_a_400(client, program, connection):
    body = b"not json"
    assert _post(client, program, body, **signed_headers(body)).status_code == 400


def test_meeting_ended_for_an_unknown_meeting_is_acknowledged(client, program, connection):
    event = copy.deepcopy(fixture("webhook_meeting_ended"))
    body = json.dumps(event).encode()
    assert _post(client, program, body, **signed_headers(body)).status_code == 204
    assert not ZoomMeeting.objects.exists()
