import time
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from zoom import crypto
from zoom.client import (
    REVOKED,
    ZoomAuthError,
    ZoomClient,
    ZoomError,
    ZoomMeetingGone,
    ZoomUnavailable,
    meeting_uuid_path,
)
from zoom.models import ZoomConnection, stored_message

from .fakezoom import participant


def _client(connection) -> ZoomClient:
    return ZoomClient(ZoomConnection.objects.get(pk=connection.pk))


def _meeting(client) -> dict:
    return client.create_meeting(
        topic="Pain — Session 1",
        starts_at=timezone.now() + timedelta(days=2),
        minutes=90,
        time_zone="America/Toronto",
    )


def test_token_is_fetched_once_and_kept_encrypted_until_it_expires(connection, fake_zoom):
    client = _client(connection)
    _meeting(client)
    _meeting(_client(connection))  # another worker, the same stored token
    assert len(fake_zoom.state.token_calls()) == 1
    connection.refresh_from_db()
    token = next(iter(fake_zoom.state.tokens))
    assert token not in connection.access_token_encrypted
    assert crypto.decrypt(connection.access_token_encrypted) == token
    assert connection.token_expires_at > timezone.now() + timedelta(minutes=58)


def test_token_is_fetched_again_when_the_stored_one_is_about_to_expire(connection, fake_zoom, time_machine):
    _meeting(_client(connection))
    time_machine.move_to(timezone.now() + timedelta(minutes=59, seconds=30))
    _meeting(_client(connection))
    assert len(fake_zoom.state.token_calls()) == 2


def test_expired_token_is_refreshed_and_the_request_repeated(connection, fake_zoom):
    client = _client(connection)
    _meeting(client)
    fake_zoom.expire_tokens()
    body = _meeting(client)
    assert body["id"] in fake_zoom.state.meetings
    assert len(fake_zoom.state.token_calls()) == 2
    assert [c.method for c in fake_zoom.state.api_calls()] == ["POST", "POST", "POST"]


def test_revoked_app_raises_a_clear_error(connection, fake_zoom):
    client = _client(connection)
    _meeting(client)
    fake_zoom.state.revoked = True
    with pytest.raises(ZoomAuthError) as exc:
        _meeting(client)
    assert str(exc.value) == REVOKED
    assert "s3cret" not in str(exc.value)


def test_rate_limit_waits_for_retry_after(connection, fake_zoom):
    client = _client(connection)
    fake_zoom.state.rate_limit = [1]
    started = time.monotonic()
    body = _meeting(client)
    assert time.monotonic() - started >= 1
    assert body["id"] in fake_zoom.state.meetings


def test_long_retry_after_is_left_to_the_task_retry(connection, fake_zoom):
    fake_zoom.state.rate_limit = [3600]
    started = time.monotonic()
    with pytest.raises(ZoomUnavailable) as exc:
        _meeting(_client(connection))
    assert exc.value.retry_after == 3600
    assert time.monotonic() - started < 5
    assert fake_zoom.state.meetings == {}


def test_rate_limit_waits_are_bounded(connection, fake_zoom):
    fake_zoom.state.rate_limit = [0, 0, 0, 0]
    with pytest.raises(ZoomUnavailable):
        _meeting(_client(connection))
    assert len(fake_zoom.state.api_calls()) == 3


def test_deleted_meeting_raises_meeting_gone(connection, fake_zoom):
    client = _client(connection)
    meeting_id = _meeting(client)["id"]
    fake_zoom.delete_meeting(meeting_id)
    with pytest.raises(ZoomMeetingGone, match="deleted in Zoom"):
        client.update_meeting(
            meeting_id, topic="x", starts_at=timezone.now() + timedelta(days=1), minutes=60, time_zone="UTC"
        )


def test_zoom_unreachable_is_unavailable(connection, settings):
    settings.ZOOM_OAUTH_URL = "http://127.0.0.1:9/oauth/token"
    with pytest.raises(ZoomUnavailable, match="could not be reached"):
        _meeting(_client(connection))


def test_past_participants_follow_next_page_token(connection, fake_zoom):
    start = timezone.now() - timedelta(hours=3)
    rows = [participant(name=f"P{n}", join=start, leave=start + timedelta(minutes=n + 1)) for n in range(7)]
    fake_zoom.end_meeting("abc123==", rows)
    fake_zoom.state.page_size_cap = 3
    got = _client(connection).past_participants("abc123==")
    assert [r["name"] for r in got] == [f"P{n}" for n in range(7)]
    pages = fake_zoom.state.api_calls("GET")
    assert [c.query.get("next_page_token", "") for c in pages] == ["", "3", "6"]


@pytest.mark.parametrize(
    ("uuid", "path"),
    [
        ("4444AAAiAAAAAiAiAiiAii==", "4444AAAiAAAAAiAiAiiAii%3D%3D"),
        ("/ajXp112QmuoKj4854875==", "%252FajXp112QmuoKj4854875%253D%253D"),
        ("ab//cd==", "ab%252F%252Fcd%253D%253D"),
    ],
)
def test_meeting_uuid_is_encoded_twice_only_when_zoom_says(uuid, path):
    assert meeting_uuid_path(uuid) == path


def test_past_participants_of_a_uuid_with_slashes(connection, fake_zoom):
    start = timezone.now() - timedelta(hours=3)
    fake_zoom.end_meeting(
        "/ajXp//112Qmu==", [participant(name="Slash", join=start, leave=start + timedelta(minutes=5))]
    )
    assert [r["name"] for r in _client(connection).past_participants("/ajXp//112Qmu==")] == ["Slash"]


def test_an_unknown_endpoint_404_is_not_a_deleted_meeting(connection, fake_zoom):
    with pytest.raises(ZoomError) as exc:
        _client(connection).request("GET", "/users/nobody/settings")
    assert not isinstance(exc.value, ZoomMeetingGone)
    assert str(exc.value) == "Zoom refused the request. — 404: Not found"


def test_a_stored_error_with_a_detail_reads_in_the_readers_language_and_keeps_the_detail(
    connection, fake_zoom
):
    with pytest.raises(ZoomError) as exc:
        _client(connection).request("GET", "/users/nobody/settings")
    with translation.override("fr-ca"):
        shown = stored_message(str(exc.value))
    assert shown.endswith(" — 404: Not found")
    assert shown.startswith("Zoom a refusé")
