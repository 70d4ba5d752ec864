from datetime import UTC, datetime, timedelta

import pytest

from sessions.intervals import clipped, merged, minutes_present

NOON = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


def _at(minutes: float) -> datetime:
    return NOON + timedelta(minutes=minutes)


def _span(a: float, b: float) -> tuple[datetime, datetime]:
    return (_at(a), _at(b))


def test_merged_joins_overlapping_and_touching_intervals_in_order():
    intervals = [_span(40, 70), _span(0, 60), _span(15, 45), _span(70, 80), _span(90, 100)]

    assert merged(intervals) == [_span(0, 80), _span(90, 100)]


def test_merged_drops_empty_and_backwards_intervals():
    assert merged([_span(10, 10), _span(30, 20), _span(0, 5)]) == [_span(0, 5)]


def test_clipped_keeps_only_the_parts_inside_the_window():
    intervals = [_span(-20, 10), _span(30, 40), _span(80, 120), _span(-30, -10), _span(95, 99)]

    assert clipped(intervals, start=_at(0), end=_at(90)) == [_span(0, 10), _span(30, 40), _span(80, 90)]


@pytest.mark.parametrize(
    ("intervals", "expected"),
    [
        ([_span(0, 60), _span(15, 45)], 60),  # a laptop and a phone at once
        ([_span(0, 30), _span(40, 70)], 60),  # a rejoin
        ([_span(-10, 30), _span(80, 104)], 40),  # before the start, after the end
        ([_span(0.1, 45.05)], 44),  # 44 min 57 s
        ([_span(-60, -1)], 0),
        ([], 0),
    ],
    ids=["two-devices", "rejoin", "outside", "rounded-down", "before", "none"],
)
def test_minutes_present_counts_the_union_inside_the_session(intervals, expected):
    assert minutes_present(intervals, start=_at(0), end=_at(90)) == expected
