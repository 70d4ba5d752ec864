"""Zoom's webhook signatures (https://developers.zoom.us/docs/api/webhooks/#verify-with-zooms-header):
`x-zm-signature` is "v0=" + hex HMAC-SHA256 of "v0:{x-zm-request-timestamp}:{raw body}" keyed with
the app's secret token. A timestamp more than five minutes away from now is refused, so that a
captured request cannot be replayed later."""

import hashlib
import hmac

from django.utils import timezone

MAX_AGE_SECONDS = 300


def sign(secret: str, message: str | bytes) -> str:
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def signature_problem(*, secret: str, timestamp: str, body: bytes, signature: str) -> str:
    """Why the request is refused ("" when it is Zoom's): said in the log, never the body."""
    if not timestamp or not signature:
        return "unsigned"
    try:
        sent = int(timestamp)
    except ValueError:
        return "bad timestamp"
    if abs(timezone.now().timestamp() - sent) > MAX_AGE_SECONDS:
        return "stale timestamp"
    expected = "v0=" + sign(secret, f"v0:{timestamp}:".encode() + body)
    if not hmac.compare_digest(expected, signature):
        return "wrong signature"
    return ""


def url_validation_answer(secret: str, plain_token: str) -> dict:
    return {"plainToken": plain_token, "encryptedToken": sign(secret, plain_token)}
