"""The page cache (echo_hub/lib/pagecache.py): a hit is the page a render would give, every
kind of write makes the next request render, and nothing per request or per user leaks."""

import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from echo_hub.accounts.models import User
from echo_hub.audit.models import AuditEvent
from echo_hub.lib import pagecache
from echo_hub.lib.cache import reset_breakers
from sessions.models import Enrollment, Program, Session
from tests.factories import AttendanceFactory, CaseFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _pages(program, session, case) -> dict[str, str]:
    return {
        "dashboard": reverse("home"),
        "session page": reverse("sessions:session_detail", args=[program.slug, session.pk]),
        "program page": reverse("sessions:manage_schedule", args=[program.slug]),
        "case page": reverse("cases:detail", args=[case.pk]),
        "transcript": reverse("cpd:transcript"),
        "report": reverse("reports:program", args=[program.slug]),
        "attendance roster": reverse("sessions:manage_attendance", args=[program.slug, session.pk]),
    }


@pytest.fixture
def case(program, coordinator):
    return CaseFactory(program=program, status=Case.Status.SUBMITTED, title="Cached case")


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def stored(monkeypatch) -> list[str]:
    """The keys the page cache stores, in order."""
    cache = caches[pagecache.CACHE_ALIAS]
    keys: list[str] = []
    real_set = cache.set

    def recording_set(key, value, *args, **kwargs):
        keys.append(key)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    return keys


def _without_tokens(body: bytes) -> bytes:
    return TOKEN.sub(b'name="csrfmiddlewaretoken" value="-"', body)


@pytest.mark.parametrize(
    "name",
    ["dashboard", "session page", "program page", "case page", "transcript", "report", "attendance roster"],
)
def test_a_hit_is_the_page_a_render_gives(signed_in, program, session, case, name, stored):
    url = _pages(program, session, case)[name]
    rendered = signed_in.get(url)
    assert rendered.status_code == 200 and rendered.context is not None
    assert len(stored) == 1

    served = signed_in.get(url)

    assert served.status_code == 200
    assert served.context is None  # no template was rendered
    assert _without_tokens(served.content) == _without_tokens(rendered.content)
    assert served["Content-Type"] == rendered["Content-Type"]
    assert served["Content-Security-Policy"] == rendered["Content-Security-Policy"]
    assert pagecache.csrf_placeholder().encode() not in served.content


def test_join_origins_in_the_policy_survive_the_cache(signed_in, program, coordinator):
    starting = Session.objects.create(
        program=program,
        title="Starting soon",
        starts_at=timezone.now() + timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(minutes=95),
        join_url="https://video.example.org/j/123",
    )
    url = reverse("sessions:session_detail", args=[program.slug, starting.pk])
    signed_in.get(url)

    served = signed_in.get(url)

    assert served.context is None
    assert "https://video.example.org" in served["Content-Security-Policy"]


def test_the_token_of_a_served_page_is_this_browsers_and_posts(program, coordinator, past_session):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator)
    url = reverse("sessions:manage_attendance", args=[program.slug, past_session.pk])
    first = browser.get(url)
    assert first.context is not None and TOKEN.search(first.content)
    del browser.cookies[settings.CSRF_COOKIE_NAME]  # a new CSRF secret, the same cached page

    served = browser.get(url)
    assert served.context is None
    token = TOKEN.search(served.content).group(1).decode()
    posted = browser.post(url, {"csrfmiddlewaretoken": token, "present": [coordinator.pk]})

    assert posted.status_code == 302
    assert past_session.attendances.filter(user=coordinator).exists()


def test_each_user_gets_their_own_page(client, program, session, participant):
    other = EnrollmentFactory(
        program=program, user=UserFactory(full_name="Zed Other", email="zed@example.org")
    ).user
    url = reverse("home")
    client.force_login(participant)
    mine = client.get(url)
    client.force_login(other)

    theirs = client.get(url)

    assert theirs.context is not None
    assert b">Zed</a>" in theirs.content and b">Zed</a>" not in mine.content


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda p: Program.objects.filter(pk=p.pk).update(name="Renamed by update"), id="update"),
        pytest.param(lambda p: _save(p, "Renamed by save"), id="save"),
        pytest.param(lambda p: _raw(p, "Renamed by raw SQL"), id="raw-sql"),
    ],
)
def test_every_kind_of_write_makes_the_next_request_render(signed_in, program, write):
    url = reverse("sessions:manage_schedule", args=[program.slug])
    signed_in.get(url)

    write(program)
    response = signed_in.get(url)

    assert response.context is not None
    assert b"Renamed by" in response.content


def _save(program, name):
    program.name = name
    program.save()


def _raw(program, name):
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "echo_sessions_program" SET "name" = %s WHERE "id" = %s', [name, program.pk])


def test_inserts_and_deletes_make_the_next_request_render(signed_in, program, past_session):
    url = reverse("sessions:manage_attendance", args=[program.slug, past_session.pk])
    member = EnrollmentFactory(program=program, user=UserFactory(full_name="Ada Roster")).user
    signed_in.get(url)

    attendance = AttendanceFactory(session=past_session, user=member)
    assert signed_in.get(url).context is not None
    signed_in.get(url)
    attendance.delete()

    assert signed_in.get(url).context is not None


def test_signing_in_and_activity_do_not_empty_the_cache(client, coordinator, program):
    url = reverse("sessions:manage_schedule", args=[program.slug])
    client.force_login(coordinator)
    client.get(url)

    User.objects.filter(pk=coordinator.pk).update(last_login=timezone.now())  # update_last_login's shape
    coordinator.last_login = timezone.now()
    coordinator.save(update_fields=["last_login"])
    client.force_login(coordinator)  # a new session row, a new UserSession

    assert client.get(url).context is None


def test_a_removed_member_is_refused_not_served_the_cached_page(client, program, participant, session):
    url = reverse("sessions:session_detail", args=[program.slug, session.pk])
    client.force_login(participant)
    assert client.get(url).status_code == 200

    Enrollment.objects.filter(user=participant, program=program).update(status=Enrollment.Status.REMOVED)

    assert client.get(url).status_code in {403, 404}


def test_a_flash_message_is_shown_and_the_page_neither_served_nor_stored(signed_in, program, stored):
    url = reverse("sessions:manage_schedule", args=[program.slug])
    session = signed_in.session
    session["_messages"] = '[["__json_message",0,25,"Roster saved."]]'
    session.save()

    response = signed_in.get(url)

    assert b"Roster saved." in response.content
    assert stored == []
    again = signed_in.get(url)
    assert again.context is not None
    assert b"Roster saved." not in again.content


def test_a_page_is_served_only_within_the_minute_it_was_rendered_in(signed_in, program, monkeypatch):
    url = reverse("sessions:manage_schedule", args=[program.slug])
    start = timezone.now().replace(second=10)
    monkeypatch.setattr(timezone, "now", lambda: start)
    signed_in.get(url)
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(seconds=45))
    assert signed_in.get(url).context is None

    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(seconds=55))

    assert signed_in.get(url).context is not None


def test_the_query_string_is_part_of_the_key(signed_in, program):
    url = reverse("sessions:manage_schedule", args=[program.slug])
    signed_in.get(url)

    assert signed_in.get(url + "?when=past").context is not None


def test_serving_costs_three_queries_whatever_the_page(signed_in, program, session, case):
    for name, url in _pages(program, session, case).items():
        signed_in.get(url)
        with CaptureQueriesContext(connection) as ctx:
            signed_in.get(url)
        # The session, the user and the content version; the case page also writes its audit event.
        assert len(ctx) == (4 if name == "case page" else 3), (name, [q["sql"] for q in ctx])


def test_the_case_page_records_every_view_also_when_served(signed_in, case, coordinator):
    url = reverse("cases:detail", args=[case.pk])
    signed_in.get(url)
    signed_in.get(url)

    events = AuditEvent.objects.filter(action="case_viewed", object_id=case.pk, actor=coordinator)
    assert events.count() == 2
    assert {(e.object_type, e.program_id, e.object_label) for e in events} == {
        ("cases.case", case.program_id, f"Case #{case.pk}")
    }


def test_pages_render_when_the_cache_is_unreachable(signed_in, program):
    unreachable = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "echo_hub.lib.cache.RedisOrMissCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        },
    }
    url = reverse("sessions:manage_schedule", args=[program.slug])
    try:
        with override_settings(CACHES=unreachable):
            first, second = signed_in.get(url), signed_in.get(url)
    finally:
        reset_breakers()

    assert first.status_code == second.status_code == 200
    assert second.context is not None


def test_switched_off_every_request_renders(signed_in, program, settings, stored):
    settings.PAGE_CACHE_ENABLED = False
    url = reverse("sessions:manage_schedule", args=[program.slug])
    signed_in.get(url)

    assert signed_in.get(url).context is not None
    assert stored == []


def test_without_a_content_version_pages_render_and_nothing_is_stored(
    signed_in, program, stored, monkeypatch
):
    monkeypatch.setattr(pagecache, "current_version", lambda: None)  # the one-row table emptied by a flush
    url = reverse("sessions:manage_schedule", args=[program.slug])

    assert signed_in.get(url).status_code == 200
    assert signed_in.get(url).context is not None
    assert stored == []


def test_only_plain_successful_pages_are_stored(signed_in, other_program, program, past_session, stored):
    assert signed_in.get(reverse("sessions:manage_schedule", args=[other_program.slug])).status_code == 404
    roster = reverse("sessions:manage_attendance", args=[program.slug, past_session.pk])
    assert signed_in.post(roster, {"present": []}).status_code == 302

    assert stored == []


@pytest.mark.parametrize(
    ("sql", "counts"),
    [
        ('SELECT "x" FROM "echo_sessions_program"', False),
        ('  SAVEPOINT "s1"', False),
        ('CREATE TABLE "t" ("id" integer)', False),
        ('INSERT INTO "echo_sessions_program" ("name") VALUES (%s)', True),
        ('UPDATE "echo_sessions_program" SET "name" = %s WHERE "id" = %s', True),
        ('DELETE FROM "cases_case" WHERE "id" IN (%s)', True),
        ('TRUNCATE "cases_case"', True),
        ('INSERT INTO "audit_auditevent" ("action") VALUES (%s)', False),
        ('DELETE FROM "django_session" WHERE "session_key" = %s', False),
        ('UPDATE "accounts_usersession" SET "last_seen" = %s WHERE "id" = %s', False),
        ('INSERT INTO "echo_cache" ("cache_key") VALUES (%s)', False),
        ('UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s', False),
        ('UPDATE "accounts_user" SET "last_login" = %s, "full_name" = %s WHERE "id" = %s', True),
        ('UPDATE "accounts_user" SET "full_name" = %s WHERE "id" = %s', True),
        (b"UPDATE x", True),  # not text: counted
    ],
)
def test_which_statements_count_as_writes(sql, counts):
    assert pagecache.is_content_write(sql) is counts


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_moves_the_version_once_and_a_rolled_back_one_not_at_all(program):
    before = pagecache.current_version()
    with transaction.atomic():
        Program.objects.filter(pk=program.pk).update(name="One")
        Program.objects.filter(pk=program.pk).update(name="Two")
        assert pagecache.current_version() == before  # not before the commit
    assert pagecache.current_version() == before + 1

    with pytest.raises(RuntimeError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(name="Three")
        raise RuntimeError

    assert pagecache.current_version() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_write_on_another_connection_invalidates_this_ones_pages(program, coordinator):
    browser = Client()
    browser.force_login(coordinator)
    url = reverse("sessions:manage_schedule", args=[program.slug])
    browser.get(url)
    assert browser.get(url).context is None

    def elsewhere():  # a thread has its own connection, as a Celery worker has
        try:
            Program.objects.filter(pk=program.pk).update(name="Renamed elsewhere")
        finally:
            connection.close()

    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()

    response = browser.get(url)
    assert response.context is not None
    assert b"Renamed elsewhere" in response.content


def test_the_code_fingerprint_follows_the_files(tmp_path, settings):
    (tmp_path / "page.html").write_text("<h1>One</h1>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    settings.STATICFILES_DIRS = []
    pagecache.code_fingerprint.cache_clear()
    try:
        first = pagecache.code_fingerprint()
        (tmp_path / "page.html").write_text("<h1>Two</h1>")
        pagecache.code_fingerprint.cache_clear()
        assert pagecache.code_fingerprint() != first
    finally:
        pagecache.code_fingerprint.cache_clear()


def test_the_code_fingerprint_covers_the_project_package_and_every_app(monkeypatch):
    read = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read.append(path) or real(path))
    pagecache.code_fingerprint.cache_clear()
    try:
        pagecache.code_fingerprint()
    finally:
        pagecache.code_fingerprint.cache_clear()

    names = {str(path.relative_to(settings.BASE_DIR)) for path in read}
    assert {
        "echo_hub/views.py",
        "echo_hub/templatetags/echo.py",
        "cases/views.py",
        "templates/base.html",
    } <= names
    assert len(names) == len(read)  # each file once


def test_the_placeholder_never_reaches_a_browser_even_when_not_stored(signed_in, program, session):
    url = reverse("sessions:manage_attendance", args=[program.slug, session.pk])
    session_data = signed_in.session
    session_data["_messages"] = '[["__json_message",0,25,"Hello."]]'
    session_data.save()

    response = signed_in.get(url)

    assert pagecache.csrf_placeholder().encode() not in response.content
    assert TOKEN.search(response.content)
