"""PostgreSQL drops every connection of the app (a restart, a failover, an operator's
pg_terminate_backend) while gunicorn serves requests: the next requests succeed.

gunicorn keeps its connections between requests (CONN_MAX_AGE=60), so every thread holds a
connection the kill breaks; CONN_HEALTH_CHECKS makes Django notice at the next request and
reconnect instead of failing that request."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from .conftest import session_cookie

THREADS = 8


def _kill_app_connections() -> int:
    """Terminate every connection to the test database but this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _app_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _pages(program, session) -> list[str]:
    return [
        "/",
        f"/programs/{program.slug}/",
        f"/programs/{program.slug}/sessions/",
        f"/programs/{program.slug}/sessions/{session.pk}/",
        "/cpd/",
    ]


def _round(server, cookie: str, pages: list[str]) -> list[tuple[str, int]]:
    """Each thread requests every page once, all threads at once."""
    with ThreadPoolExecutor(THREADS) as pool:
        jobs = [pool.submit(lambda p: (p, server.get(p, cookie=cookie).status), p) for p in pages * THREADS]
        return [job.result() for job in jobs]


def _hammer_while_killing(server, cookie: str, pages: list[str], seconds: float) -> tuple[int, int]:
    """Threads keep requesting pages while the database kills their connections twice a second."""
    stop = threading.Event()
    statuses = []

    def user(offset: int) -> None:
        n = offset
        while not stop.is_set():
            statuses.append(server.get(pages[n % len(pages)], cookie=cookie).status)
            n += 1

    threads = [threading.Thread(target=user, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    killed = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.5)
        killed += _kill_app_connections()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    return killed, len(statuses)


def test_requests_after_the_database_killed_every_connection_succeed(
    start_gunicorn, program, participant, session
):
    server = start_gunicorn(workers=2, threads=THREADS // 2)
    cookie = session_cookie(participant)
    pages = _pages(program, session)

    warm = _round(server, cookie, pages)
    held = _app_connections()
    killed_idle = _kill_app_connections()
    after_idle_kill = _round(server, cookie, pages)
    killed_busy, served_while_killing = _hammer_while_killing(server, cookie, pages, seconds=4)
    _kill_app_connections()
    after_busy_kill = _round(server, cookie, pages)

    print(f"\nheld={held} killed_idle={killed_idle} killed_busy={killed_busy} served={served_while_killing}")
    assert {status for _, status in warm} == {200}, warm
    assert held >= 2 and killed_idle == held, "gunicorn's threads kept no connection to kill"
    assert killed_busy > 0
    assert [r for r in after_idle_kill if r[1] != 200] == []
    assert [r for r in after_busy_kill if r[1] != 200] == []
    assert server.process.poll() is None


def test_without_health_checks_the_first_request_after_the_kill_fails(
    start_gunicorn, program, participant, session
):
    """The control: the same kill with CONN_HEALTH_CHECKS off fails requests, so the test
    above passes because of the setting, not because nothing was broken."""
    server = start_gunicorn(workers=1, threads=THREADS // 2, CONN_HEALTH_CHECKS="false")
    cookie = session_cookie(participant)
    pages = _pages(program, session)

    _round(server, cookie, pages)
    killed = _kill_app_connections()
    after_kill = _round(server, cookie, pages)

    assert killed > 0
    assert 500 in {status for _, status in after_kill}
