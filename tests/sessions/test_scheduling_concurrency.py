"""Two coordinators changing one program's schedule at the same moment queue on the program's
row: the numbers still follow the dates, and one time is never taken twice."""

import threading
from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from sessions import services
from sessions.models import Session
from tests.conftest import running_in_ci
from tests.factories import CycleFactory

TORONTO = ZoneInfo("America/Toronto")


def _at_once(calls) -> list:
    """Run each call on its own connection, released together."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _skip_on_sqlite(outcomes: list) -> None:
    locked = [outcome for outcome in outcomes if "is locked" in str(outcome)]
    if not locked:
        return
    assert connection.vendor != "postgresql", locked
    assert not running_in_ci(), f"CI runs on PostgreSQL, where this race must run: {locked}"
    pytest.skip("SQLite serialises writers (“database table is locked”): the race needs PostgreSQL.")


def _weekly(program, cycle, day: date, by):
    return lambda: services.schedule_weekly(
        program=program, cycle=cycle, first_date=day, start_time=time(12), count=1, by=by
    )


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_inserting_sessions_at_once_keep_the_numbers_in_date_order(program, coordinator):
    cycle = CycleFactory(program=program, name="Winter 2027", start_date=date(2027, 1, 6), end_date=None)
    services.schedule_weekly(
        program=program, cycle=cycle, first_date=date(2027, 1, 6), start_time=time(12), count=1
    )
    services.schedule_weekly(
        program=program, cycle=cycle, first_date=date(2027, 1, 27), start_time=time(12), count=1
    )

    outcomes = _at_once(
        [
            _weekly(program, cycle, date(2027, 1, 13), coordinator),
            _weekly(program, cycle, date(2027, 1, 20), coordinator),
        ]
    )

    _skip_on_sqlite(outcomes)
    assert [type(outcome) for outcome in outcomes] == [list, list], outcomes
    sessions = Session.objects.filter(cycle=cycle).order_by("starts_at")
    assert [(s.starts_at.astimezone(TORONTO).day, s.number, s.title) for s in sessions] == [
        (6, 1, "Session 1"),
        (13, 2, "Session 2"),
        (20, 3, "Session 3"),
        (27, 4, "Session 4"),
    ]


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_taking_the_same_time_at_once_get_one_session(program, coordinator):
    outcomes = _at_once(
        [
            _weekly(program, None, date(2027, 2, 3), coordinator),
            _weekly(program, None, date(2027, 2, 3), coordinator),
        ]
    )

    _skip_on_sqlite(outcomes)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["ValidationError", "list"], outcomes
    refused = next(outcome for outcome in outcomes if not isinstance(outcome, list))
    assert refused.messages == ["This program already has a session at Wed 3 Feb 2027 12:00."]
    assert Session.objects.filter(program=program).count() == 1
