"""A small client of Zoom's REST API for one program's Server-to-Server OAuth app.

- The access token is kept (encrypted) on the connection row until a minute before it expires,
  shared by every worker; a 401 "Access token is expired" fetches a new one and tries again once.
- 429: waits for Retry-After when it is short (at most RETRY_AFTER_MAX seconds, RATE_LIMIT_TRIES
  times), else raises ZoomUnavailable so the task retries later.
- A deleted meeting (404, code 3001) raises ZoomMeetingGone; a token Zoom refuses (the app was
  deactivated, its secret changed) raises ZoomAuthError; both say what the coordinator can do.
- Secrets and tokens never go into an exception message or a log line.
"""

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from . import crypto
from .models import DETAIL, ZoomConnection

logger = logging.getLogger(__name__)

TIMEOUT = (5, 20)
TOKEN_MARGIN = timedelta(seconds=60)
RETRY_AFTER_MAX = 10
RATE_LIMIT_TRIES = 3
PAGE_SIZE = 300
MAX_PAGES = 100
MEETING_NOT_FOUND = 3001
TOKEN_CODES = {124}  # "Access token is expired." / "Invalid access token."


class ZoomError(Exception):
    """Zoom refused or failed a request; the message is safe to show a coordinator."""


class ZoomAuthError(ZoomError):
    pass


class ZoomMeetingGone(ZoomError):
    pass


def detailed(message: str, detail: object) -> str:
    """A stored message (English, marked with gettext_noop) with a technical detail that reads
    the same in every language (an HTTP status, an exception's class, Zoom's own words), kept
    apart by DETAIL so the message can be translated where it is shown (models.stored_message)."""
    return f"{message}{DETAIL}{detail}"


class ZoomUnavailable(ZoomError):
    """Worth trying again later: Zoom is down, slow or rate-limiting."""

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


# Stored as English on the connection or meeting (gettext_noop) and translated where shown.
REVOKED = gettext_noop(
    "Zoom refused the app's credentials: the Server-to-Server OAuth app may have been deactivated "
    "or deleted, or its client secret changed. Check the app in Zoom's App Marketplace, then enter "
    "its credentials again and reconnect."
)


UNREACHABLE = gettext_noop("Zoom could not be reached.")


@dataclass(frozen=True)
class Registration:
    registrant_id: str
    join_url: str


def meeting_uuid_path(uuid: str) -> str:
    """Zoom's rule: a UUID that starts with "/" or holds "//" is URL-encoded twice."""
    once = quote(uuid, safe="")
    return quote(once, safe="") if uuid.startswith("/") or "//" in uuid else once


def _error_body(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(response: requests.Response) -> int | None:
    try:
        return max(0, int(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


class ZoomClient:
    def __init__(self, connection: ZoomConnection, *, session: requests.Session | None = None):
        self.connection = connection
        self.http = session or requests.Session()
        self.api_url = settings.ZOOM_API_URL.rstrip("/")

    # Token ----------------------------------------------------------------------------

    def _stored_token(self) -> str:
        c = self.connection
        if (
            c.access_token_encrypted
            and c.token_expires_at
            and c.token_expires_at - TOKEN_MARGIN > timezone.now()
        ):
            try:
                return crypto.decrypt(c.access_token_encrypted)
            except crypto.UnreadableSecret:
                return ""
        return ""

    def fetch_token(self) -> str:
        c = self.connection
        try:
            secret = c.client_secret
        except crypto.UnreadableSecret:
            raise ZoomAuthError(
                gettext_noop(
                    "The stored client secret cannot be read (the server's keys changed): enter it again."
                )
            ) from None
        try:
            response = self.http.post(
                settings.ZOOM_OAUTH_URL,
                params={"grant_type": "account_credentials", "account_id": c.account_id},
                auth=(c.client_id, secret),
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise ZoomUnavailable(detailed(UNREACHABLE, type(exc).__name__)) from None
        if response.status_code in (400, 401, 403):
            logger.warning(
                "Zoom refused the token request of program %s (%s)", c.program_id, response.status_code
            )
            raise ZoomAuthError(REVOKED)
        if response.status_code != 200:
            raise ZoomUnavailable(
                detailed(gettext_noop("Zoom's sign-in failed."), f"HTTP {response.status_code}"),
                _retry_after(response),
            )
        body = _error_body(response)
        token, expires_in = body.get("access_token"), body.get("expires_in")
        if not token or not isinstance(expires_in, int):
            raise ZoomUnavailable(gettext_noop("Zoom's sign-in answered without a token."))
        expires_at: datetime = timezone.now() + timedelta(seconds=expires_in)
        c.access_token_encrypted, c.token_expires_at = crypto.encrypt(token), expires_at
        ZoomConnection.objects.filter(pk=c.pk).update(
            access_token_encrypted=c.access_token_encrypted, token_expires_at=expires_at
        )
        return token

    # Requests -------------------------------------------------------------------------

    def request(self, method: str, path: str, *, json: dict | None = None, params: dict | None = None):
        token = self._stored_token() or self.fetch_token()
        refreshed = False
        rate_limited = 0
        while True:
            try:
                response = self.http.request(
                    method,
                    f"{self.api_url}{path}",
                    json=json,
                    params=params,
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=TIMEOUT,
                )
            except requests.RequestException as exc:
                raise ZoomUnavailable(detailed(UNREACHABLE, type(exc).__name__)) from None
            status, body = response.status_code, _error_body(response)
            if status == 401 and not refreshed:
                # Expired or revoked: one new token tells which.
                refreshed, token = True, self.fetch_token()
                continue
            if status == 401:
                raise ZoomAuthError(REVOKED)
            if status == 429:
                wait = _retry_after(response)
                rate_limited += 1
                if wait is None or wait > RETRY_AFTER_MAX or rate_limited >= RATE_LIMIT_TRIES:
                    raise ZoomUnavailable(
                        gettext_noop("Zoom's rate limit was reached; trying again later."), wait
                    )
                time.sleep(wait)
                continue
            if body.get("code") == MEETING_NOT_FOUND or (
                status == 404 and path.startswith(("/meetings/", "/past_meetings/"))
            ):
                raise ZoomMeetingGone(
                    gettext_noop(
                        "The Zoom meeting of this session no longer exists: it was deleted in Zoom. "
                        "Recreate it from the session's Zoom page."
                    )
                )
            if status >= 500:
                raise ZoomUnavailable(
                    detailed(gettext_noop("Zoom is not answering; trying again later."), f"HTTP {status}")
                )
            if status >= 400:
                message = str(body.get("message", ""))[:200]
                raise ZoomError(
                    detailed(
                        gettext_noop("Zoom refused the request."),
                        f"{status}: {message}" if message else status,
                    )
                )
            return body

    # Meetings -------------------------------------------------------------------------

    @staticmethod
    def _meeting_body(*, topic: str, starts_at: datetime, minutes: int, time_zone: str) -> dict:
        return {
            "topic": topic[:200],
            "type": 2,
            "start_time": starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration": minutes,
            "timezone": time_zone,
            # Registration on, approved at once: each registrant gets a personal join link.
            "settings": {"approval_type": 0, "registration_type": 1, "registrants_email_notification": False},
        }

    def create_meeting(self, *, topic: str, starts_at: datetime, minutes: int, time_zone: str) -> dict:
        body = self._meeting_body(topic=topic, starts_at=starts_at, minutes=minutes, time_zone=time_zone)
        return self.request("POST", "/users/me/meetings", json=body)

    def update_meeting(
        self, meeting_id: int, *, topic: str, starts_at: datetime, minutes: int, time_zone: str
    ) -> None:
        body = self._meeting_body(topic=topic, starts_at=starts_at, minutes=minutes, time_zone=time_zone)
        self.request("PATCH", f"/meetings/{meeting_id}", json=body)

    def delete_meeting(self, meeting_id: int) -> None:
        self.request("DELETE", f"/meetings/{meeting_id}")

    def add_registrant(self, meeting_id: int, *, email: str, first_name: str, last_name: str) -> Registration:
        body = self.request(
            "POST",
            f"/meetings/{meeting_id}/registrants",
            json={"email": email, "first_name": first_name[:64] or email, "last_name": last_name[:64]},
        )
        return Registration(registrant_id=str(body["registrant_id"]), join_url=body["join_url"])

    def cancel_registrants(self, meeting_id: int, registrants: list[tuple[str, str]]) -> None:
        """Cancel registrations, given as (registrant_id, email)."""
        self.request(
            "PUT",
            f"/meetings/{meeting_id}/registrants/status",
            json={
                "action": "cancel",
                "registrants": [{"id": rid, "email": email} for rid, email in registrants],
            },
        )

    def past_participants(self, meeting_uuid: str) -> list[dict]:
        """Every participant row of an ended meeting instance, following next_page_token."""
        rows: list[dict] = []
        token = ""
        for _ in range(MAX_PAGES):
            params = {"page_size": PAGE_SIZE} | ({"next_page_token": token} if token else {})
            body = self.request(
                "GET", f"/past_meetings/{meeting_uuid_path(meeting_uuid)}/participants", params=params
            )
            rows.extend(body.get("participants") or [])
            token = body.get("next_page_token") or ""
            if not token:
                return rows
        raise ZoomError(gettext_noop("Zoom's participants report has more pages than expected."))
