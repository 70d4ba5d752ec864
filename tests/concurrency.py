"""Races in a fixed order, on PostgreSQL: the test takes a row lock in its own transaction, a
second writer starts in a thread on a connection of its own, and the test lets go only once
PostgreSQL shows that writer waiting on the test's lock. Whatever the machine's speed, the
first writer wins and the second meets what the first committed."""

import threading
import time
from collections.abc import Callable

from django.db import connection


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


class Contender:
    """`work` run in a thread on its own database connection: its result, or what it raised."""

    def __init__(self, work: Callable[[], object]) -> None:
        self._work = work
        self._pid: int | None = None
        self._started = threading.Event()
        self._outcome: object = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._started.wait(timeout=10), "the second writer never connected"
        assert self._pid is not None, f"the second writer could not connect: {self._outcome!r}"

    def _run(self) -> None:
        try:
            self._pid = _backend_pid()
            self._started.set()
            self._outcome = self._work()
        except Exception as exc:
            self._outcome = exc
        finally:
            self._started.set()
            connection.close()

    def wait_until_blocked(self, seconds: float = 10) -> None:
        """Return once this writer waits on a lock the calling connection holds; fail if it
        finishes without waiting (nothing made it queue behind the first) or never gets there."""
        holder = _backend_pid()
        deadline = time.monotonic() + seconds
        while True:
            with connection.cursor() as cursor:
                cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [holder, self._pid])
                if cursor.fetchone()[0]:
                    return
            assert self._thread.is_alive(), f"the second writer did not wait for the first: {self._outcome!r}"
            assert time.monotonic() < deadline, f"the second writer was not waiting after {seconds} s"
            time.sleep(0.01)

    def outcome(self, seconds: float = 30) -> object:
        self._thread.join(timeout=seconds)
        assert not self._thread.is_alive(), f"the second writer was still running after {seconds} s"
        return self._outcome
