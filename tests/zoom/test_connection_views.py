import logging

import pytest
from django.urls import reverse

from echo_hub.audit.models import AuditEvent
from zoom import crypto
from zoom.models import ZoomConnection

from .conftest import WEBHOOK_TOKEN
from .fakezoom import ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.django_db

FORM = {
    "account_id": ACCOUNT_ID,
    "client_id": CLIENT_ID,
    "client_secret": CLIENT_SECRET,
    "webhook_token": WEBHOOK_TOKEN,
}


def _url(program, name="zoom:connection"):
    return reverse(name, args=[program.slug])


def test_coordinator_connects_and_sees_connected(
    client, program, coordinator, fake_zoom, django_capture_on_commit_callbacks, caplog
):
    client.force_login(coordinator)
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(program), FORM)
    assert response.status_code == 302
    connection = ZoomConnection.objects.get(program=program)
    assert connection.status == ZoomConnection.Status.CONNECTED
    assert CLIENT_SECRET not in connection.client_secret_encrypted
    assert crypto.decrypt(connection.client_secret_encrypted) == CLIENT_SECRET
    assert crypto.decrypt(connection.webhook_token_encrypted) == WEBHOOK_TOKEN
    page = client.get(_url(program)).content.decode()
    assert "Connected" in page
    assert CLIENT_SECRET not in page and WEBHOOK_TOKEN not in page
    assert CLIENT_SECRET not in caplog.text and WEBHOOK_TOKEN not in caplog.text
    event = AuditEvent.objects.get(action="program_changed")
    assert event.extra == {
        "zoom_account_id": "changed",
        "zoom_client_id": "changed",
        "zoom_client_secret": "changed",
        "zoom_webhook_token": "changed",
    }


def test_wrong_secret_shows_the_error_and_reconnect_fixes_it(
    client, program, coordinator, fake_zoom, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(program), FORM | {"client_secret": "typo"})
    page = client.get(_url(program)).content.decode()
    assert "Error: Zoom refused the app&#x27;s credentials" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(program), FORM | {"client_secret": CLIENT_SECRET, "webhook_token": ""})
    connection = ZoomConnection.objects.get(program=program)
    assert connection.status == ZoomConnection.Status.CONNECTED
    assert connection.webhook_token == WEBHOOK_TOKEN  # a blank secret keeps the stored one
    fake_zoom.state.revoked = True
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(program, "zoom:reconnect"))
    connection.refresh_from_db()
    assert connection.status == ZoomConnection.Status.ERROR
    fake_zoom.state.revoked = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(program, "zoom:reconnect"))
    assert response.status_code == 302
    connection.refresh_from_db()
    assert (connection.status, connection.last_error) == (ZoomConnection.Status.CONNECTED, "")


def test_new_connection_without_secrets_is_refused_and_keeps_the_input(client, program, coordinator):
    client.force_login(coordinator)
    response = client.post(_url(program), FORM | {"client_secret": "", "account_id": "acct-typed"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter it: no secret is stored yet." in page
    assert 'value="acct-typed"' in page
    assert not ZoomConnection.objects.exists()


def test_ids_with_spaces_are_refused(client, program, coordinator):
    client.force_login(coordinator)
    response = client.post(_url(program), FORM | {"client_id": "abc def"})
    assert "Copy it without spaces" in response.content.decode()
    assert not ZoomConnection.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("participant", 403), ("expert", 403), ("other_coordinator", 404), ("outsider", 404)],
)
@pytest.mark.parametrize("name", ["zoom:connection", "zoom:reconnect"])
def test_only_the_programs_coordinators_reach_zoom_settings(
    client, request, program, connection, who, status, name
):
    client.force_login(request.getfixturevalue(who))
    before = list(ZoomConnection.objects.values())
    response = client.post(_url(program, name), FORM | {"account_id": "hijack"})
    assert response.status_code == status
    assert list(ZoomConnection.objects.values()) == before


def test_anonymous_is_sent_to_sign_in(client, program):
    response = client.get(_url(program))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_reconnect_needs_post(client, program, coordinator):
    client.force_login(coordinator)
    assert client.get(_url(program, "zoom:reconnect")).status_code == 405


def test_reconnect_without_a_connection_says_so(client, program, coordinator):
    client.force_login(coordinator)
    response = client.post(_url(program, "zoom:reconnect"), follow=True)
    assert "Enter the Zoom app&#x27;s credentials first." in response.content.decode()


def test_secret_encrypted_under_a_dedicated_key(settings, program):
    settings.ZOOM_ENCRYPTION_KEY = "dedicated-key-1"
    token = crypto.encrypt("abc")
    settings.ZOOM_ENCRYPTION_KEY = ""
    with pytest.raises(crypto.UnreadableSecret):
        crypto.decrypt(token)
    settings.ZOOM_ENCRYPTION_KEY = "dedicated-key-1"
    assert crypto.decrypt(token) == "abc"
