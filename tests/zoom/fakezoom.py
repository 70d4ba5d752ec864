"""A fake Zoom on 127.0.0.1: a real HTTP server (threads) answering the endpoints ECHO Hub
uses with JSON shaped as Zoom's API reference documents (fixtures/, see fixtures/README.md).

It holds meetings, registrants and past meetings' participants, issues tokens that expire,
and can be told to rate-limit, to expire every token, or to refuse the app (revoked)."""

import base64
import copy
import itertools
import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET = "acct-4Yq", "client-9Lm", "s3cret-client-value"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@dataclass
class Call:
    method: str
    path: str
    query: dict
    body: dict | None


@dataclass
class FakeZoomState:
    tokens: dict[str, bool] = field(default_factory=dict)  # token -> still valid
    meetings: dict[int, dict] = field(default_factory=dict)
    registrants: dict[int, list[dict]] = field(default_factory=dict)
    participants: dict[str, list[dict]] = field(default_factory=dict)  # meeting uuid -> rows
    calls: list[Call] = field(default_factory=list)
    rate_limit: list[int] = field(default_factory=list)  # Retry-After of the next 429s
    revoked: bool = False
    page_size_cap: int = 300

    def api_calls(self, method: str | None = None, prefix: str = "") -> list[Call]:
        return [
            c
            for c in self.calls
            if not c.path.startswith("/oauth")
            and (method is None or c.method == method)
            and c.path.startswith(prefix)
        ]

    def token_calls(self) -> list[Call]:
        return [c for c in self.calls if c.path.startswith("/oauth")]


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    # Plumbing ----------------------------------------------------------------------------

    def _answer(self, status: int, body: dict | None = None, headers: dict | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if data:
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.server.lock:
            state.calls.append(Call(self.command, parts.path, query, body))
        if parts.path == "/oauth/token":
            return self._token(query)
        if not parts.path.startswith("/v2/"):
            return self._answer(404, {"code": 404, "message": "Not found"})
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if state.revoked or token not in state.tokens:
            return self._answer(401, {"code": 124, "message": "Invalid access token."})
        if not state.tokens[token]:
            return self._answer(401, fixture("error_token_expired"))
        with self.server.lock:
            wait = state.rate_limit.pop(0) if state.rate_limit else None
        if wait is not None:
            return self._answer(429, fixture("error_rate_limited"), {"Retry-After": str(wait)})
        segments = parts.path.split("/")[2:]
        with self.server.lock:
            return self._route(self.command, segments, query, body or {})

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

    # Endpoints ---------------------------------------------------------------------------

    def _token(self, query: dict) -> None:
        state = self.server.state
        user, _, password = (
            base64.b64decode(self.headers.get("Authorization", "Basic ")[6:]).decode().partition(":")
        )
        valid = (user, password, query.get("account_id"), query.get("grant_type")) == (
            CLIENT_ID,
            CLIENT_SECRET,
            ACCOUNT_ID,
            "account_credentials",
        )
        if state.revoked or not valid:
            return self._answer(400, fixture("token_invalid_client"))
        body = fixture("token") | {"access_token": secrets.token_urlsafe(24)}
        with self.server.lock:
            state.tokens[body["access_token"]] = True
        return self._answer(200, body)

    def _not_found(self, meeting_id) -> None:
        body = fixture("error_meeting_not_found")
        body["message"] = f"Meeting does not exist: {meeting_id}."
        return self._answer(404, body)

    def _route(self, method: str, seg: list[str], query: dict, body: dict) -> None:
        state = self.server.state
        if method == "POST" and seg == ["users", "me", "meetings"]:
            meeting_id = next(self.server.ids)
            meeting = copy.deepcopy(fixture("meeting_created")) | {
                "id": meeting_id,
                "uuid": base64.b64encode(secrets.token_bytes(16)).decode(),
                "topic": body["topic"],
                "start_time": body["start_time"],
                "duration": body["duration"],
                "timezone": body["timezone"],
                "type": body["type"],
                "join_url": f"https://example.zoom.us/j/{meeting_id}",
                "registration_url": f"https://example.zoom.us/meeting/register/{meeting_id}",
                "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            meeting["settings"] |= body.get("settings", {})
            state.meetings[meeting_id] = meeting
            state.registrants[meeting_id] = []
            return self._answer(201, meeting)
        if seg[:1] == ["meetings"] and len(seg) >= 2:
            meeting_id = int(seg[1])
            meeting = state.meetings.get(meeting_id)
            if meeting is None:
                return self._not_found(meeting_id)
            if method == "PATCH" and len(seg) == 2:
                meeting.update({k: v for k, v in body.items() if k != "settings"})
                return self._answer(204)
            if method == "DELETE" and len(seg) == 2:
                del state.meetings[meeting_id]
                return self._answer(204)
            if method == "POST" and seg[2:] == ["registrants"]:
                rid = secrets.token_urlsafe(12)
                registrant = fixture("registrant_created") | {
                    "id": meeting_id,
                    "registrant_id": rid,
                    "join_url": f"https://example.zoom.us/w/{meeting_id}?tk={rid}",
                    "topic": meeting["topic"],
                    "start_time": meeting["start_time"],
                }
                state.registrants[meeting_id].append(body | {"id": rid, "status": "approved"})
                return self._answer(201, registrant)
            if method == "PUT" and seg[2:] == ["registrants", "status"]:
                ids = {r["id"] for r in body["registrants"]}
                for r in state.registrants[meeting_id]:
                    if r["id"] in ids and body["action"] == "cancel":
                        r["status"] = "denied"
                return self._answer(204)
        if method == "GET" and seg[:1] == ["past_meetings"] and seg[2:] == ["participants"]:
            uuid = unquote(seg[1])
            if uuid.startswith("/") or "//" in uuid:
                return self._not_found(uuid)  # Zoom needs these encoded twice
            uuid = unquote(uuid) if "%" in uuid else uuid
            rows = state.participants.get(uuid)
            if rows is None:
                return self._not_found(uuid)
            size = min(int(query.get("page_size", 30)), state.page_size_cap)
            start = int(query.get("next_page_token") or 0)
            page = rows[start : start + size]
            following = str(start + size) if start + size < len(rows) else ""
            answer = fixture("past_meeting_participants") | {
                "participants": page,
                "page_size": size,
                "page_count": -(-len(rows) // size),
                "total_records": len(rows),
                "next_page_token": following,
            }
            return self._answer(200, answer)
        return self._answer(404, {"code": 404, "message": "Not found"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = FakeZoomState()
        self.lock = threading.RLock()
        self.ids = itertools.count(85_000_000_001)


class FakeZoom:
    def __init__(self):
        self.server = _Server()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        host, port = self.server.server_address[:2]
        self.url = f"http://{host}:{port}"

    @property
    def state(self) -> FakeZoomState:
        return self.server.state

    def expire_tokens(self) -> None:
        with self.server.lock:
            for token in self.state.tokens:
                self.state.tokens[token] = False

    def delete_meeting(self, meeting_id: int) -> None:
        """A host deletes the meeting in Zoom, behind ECHO Hub's back."""
        with self.server.lock:
            self.state.meetings.pop(meeting_id, None)

    def end_meeting(self, uuid: str, participants: list[dict]) -> None:
        with self.server.lock:
            self.state.participants[uuid] = participants

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def participant(
    *, name: str, join: datetime, leave: datetime, registrant_id: str = "", email: str = "", **extra
) -> dict:
    """One row of the participants report, as the reference's example."""
    row = copy.deepcopy(fixture("past_meeting_participants")["participants"][0])
    row |= {
        "id": secrets.token_urlsafe(16),
        "name": name,
        "user_id": str(secrets.randbelow(10**8)),
        "registrant_id": registrant_id,
        "user_email": email,
        "join_time": join.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "leave_time": leave.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": int((leave - join).total_seconds()),
    }
    return row | extra
