import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.db import connection
from django.utils import translation

from echo_hub.accounts.models import CommunityType, Profession
from sessions.models import Enrollment, Role

from .factories import EnrollmentFactory, ProgramFactory, SessionFactory, UserFactory
from .storages import FullDisk


def pytest_sessionstart(session):
    """The French catalogue as `make setup` compiles it, for runs of pytest on its own."""
    for po_path in (Path(__file__).resolve().parent.parent / "locale").glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def broker_test_redis_url(url: str, alone_db: int) -> str:
    """The Redis database a test that runs Celery workers may empty and fill: in a parallel run,
    its process's own (settings_test gives each xdist process one, counted down from
    REDIS_URL's, and nothing else uses it); run alone, `alone_db`, away from the development
    broker's. A fixed number under xdist once met another process's own database: a fault test's
    queue was emptied by the other process's cache clearing, and its messages were lost."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return url
    return urlunsplit(urlsplit(url)._replace(path=f"/{alone_db}"))


def broker_redis_url_or_skip(alone_db: int, who: str) -> str:
    """broker_test_redis_url of REDIS_URL for `who` (e.g. "the fault tests"): without REDIS_URL
    they fail in CI and are skipped elsewhere."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        assert not running_in_ci(), f"CI must set REDIS_URL: {who} run Celery on the real Redis."
        pytest.skip(f"REDIS_URL is not set: {who} need a real Redis (CI runs them).")
    return broker_test_redis_url(url, alone_db)


def require_postgresql(why: str) -> None:
    """Skip on SQLite (a bare machine's `make test`); fail in CI, which runs PostgreSQL.

    Decided from the database in use before the test acts, never from how a race turned out."""
    if connection.vendor == "postgresql":
        return
    assert not running_in_ci(), f"CI must run this on PostgreSQL (DATABASE_URL): {why}"
    pytest.skip(f"Needs PostgreSQL (set DATABASE_URL): {why}")


@pytest.fixture
def postgresql(transactional_db) -> None:
    """Committed rows on PostgreSQL, for tests where two connections write at once: SQLite has
    one writer at a time, and a second one there fails on "database is locked" instead of
    waiting on a row lock."""
    require_postgresql("two connections must be able to wait on each other's row locks.")


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language: a request in French activates French
    for the thread (LocaleMiddleware never switches it back), and translated labels read later
    in the same thread would otherwise come out in French."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_caches(request):
    """Every test starts with empty caches.

    Rate limits (allauth's one confirmation email per address every few minutes) live in the
    caches: the database cache, which a test that commits (a browser test's live server) leaves
    behind for the next, and Redis in CI, which outlives a run. Without this, a second test
    signing up the same address, or a second run within minutes, is silently rate-limited. A
    test inside a transaction leaves the database cache as it found it.
    """
    commits = bool({"transactional_db", "live_server"} & set(request.fixturenames))
    if commits:
        request.getfixturevalue("transactional_db")
    aliases = [alias for alias in settings.CACHES if commits or alias != "default"]
    for alias in aliases:
        caches[alias].clear()
    yield
    for alias in aliases:
        caches[alias].clear()


@pytest.fixture
def program(db):
    return ProgramFactory(name="Chronic Pain & Opioid Stewardship", slug="chronic-pain")


@pytest.fixture
def other_program(db):
    return ProgramFactory(name="Addiction Medicine", slug="addiction-medicine")


def _member(program, role, **user_fields):
    return EnrollmentFactory(program=program, role=role, user=UserFactory(**user_fields)).user


@pytest.fixture
def coordinator(program):
    user = _member(program, Role.COORDINATOR, email="coord@example.org")
    user.user_permissions.add(Permission.objects.get(codename="add_program"))
    return user


@pytest.fixture
def expert(program):
    return _member(program, Role.EXPERT, email="expert@example.org")


@pytest.fixture
def participant(program):
    return _member(program, Role.PARTICIPANT, email="participant@example.org")


@pytest.fixture
def presenter(program):
    """A participant who presents cases: a nurse practitioner in a remote community."""
    return _member(
        program,
        Role.PARTICIPANT,
        email="presenter@example.org",
        full_name="Nadia Presenter",
        profession=Profession.NURSE_PRACTITIONER,
        community_type=CommunityType.REMOTE,
    )


@pytest.fixture
def pending_user(program):
    user = UserFactory(email="pending@example.org")
    EnrollmentFactory(program=program, user=user, status=Enrollment.Status.PENDING)
    return user


@pytest.fixture
def other_coordinator(other_program):
    return _member(other_program, Role.COORDINATOR, email="other-coord@example.org")


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org")


@pytest.fixture
def session(program):
    return SessionFactory(program=program, title="Session 1", didactic_topic="Opioid tapering")


@pytest.fixture
def session_held(session, time_machine):
    """The clock ten minutes after `session` (made a week ahead) ended: its cases were presented."""
    time_machine.move_to(session.ends_at + timedelta(minutes=10))
    return session


@pytest.fixture
def other_session(other_program):
    return SessionFactory(program=other_program, title="Other session")


@pytest.fixture
def past_session(program):
    """A 120-minute session of `program` that ended a week ago."""
    from .factories import PastSessionFactory

    return PastSessionFactory(program=program, title="Past session", didactic_topic="Opioid tapering")


@pytest.fixture
def full_disk(settings) -> FullDisk:
    """No space left on the disk: a render of a certificate or letter runs and fails when it
    stores the PDF, as in production, with "OSError: [Errno 28] No space left on device"."""
    return FullDisk(settings)
