"""Private files (letters, certificates, slides, exports, calendars) leave only through
permission-checked views, as attachments that no cache keeps and no browser sniffs; nothing
is reachable under MEDIA_URL."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve, reverse

from tests.sessions.test_permissions import (
    ANONYMOUS,
    COORDINATOR,
    LETTER_SENT,
    PARTICIPANT,
    PRESENTER,
    World,
    _url,
    build_world,
)

BASE_DIR = Path(settings.BASE_DIR)
# Every view that sends a file, with who may download it.
DOWNLOADS = {
    "cpd:certificate_download": PARTICIPANT,
    "sessions:material_download": PARTICIPANT,
    "cases:letter": PRESENTER,
    "cpd:export_attendance": COORDINATOR,
    "cpd:survey_export": COORDINATOR,
    "reports:csv": COORDINATOR,
    "reports:export_download": COORDINATOR,
    "sessions:session_ics": PARTICIPANT,
}


@pytest.fixture
def world(db) -> World:
    return build_world()


def _download_url(name: str, w) -> str:
    if name == "cases:letter":
        return reverse(name, kwargs={"pk": w.cases[LETTER_SENT].pk})
    if name == "cpd:export_attendance":
        return f"{_url(name, w)}?session={w.past_session.pk}"
    return _url(name, w)


@pytest.mark.parametrize("name", list(DOWNLOADS))
def test_download_is_a_private_unsniffed_attachment(client, world, name):
    client.force_login(world.users[DOWNLOADS[name]])

    response = client.get(_download_url(name, world))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize("role", [ANONYMOUS, PARTICIPANT, COORDINATOR])
def test_stored_files_are_not_served_under_media_url(client, world, role):
    names = [
        world.certificate.file.name,
        world.material.file.name,
        world.cases[LETTER_SENT].letter.file.name,
    ]
    if world.users[role] is not None:
        client.force_login(world.users[role])

    for name in names:
        assert default_storage.exists(name), name
        response = client.get(f"{settings.MEDIA_URL}{name}")

        assert response.status_code == 404, name
        assert response.get("Content-Disposition") is None
        with pytest.raises(Resolver404):
            resolve(f"{settings.MEDIA_URL}{name}")


def test_media_url_is_private_and_nothing_routes_it():
    urls = (BASE_DIR / "echo_hub" / "urls.py").read_text()

    assert settings.MEDIA_URL == "/private-media/"
    assert "static(" not in urls and "MEDIA" not in urls


def test_files_leave_storage_only_through_private_file_response():
    """A view that built its own FileResponse could forget the headers above."""
    sources = [
        path
        for app in ("echo_hub", "sessions", "cases", "cpd")
        for path in (BASE_DIR / app).rglob("*.py")
        if "FileResponse(" in path.read_text() or ".file.url" in path.read_text()
    ]

    assert sources == [BASE_DIR / "echo_hub" / "lib" / "storage.py"]
