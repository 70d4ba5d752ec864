"""Time a person was present, from (joined, left) intervals: overlapping ones (two devices at
once) count once, rejoins add up, and only the time inside the session counts. Whole minutes,
rounded down: a record must never say more than happened."""

from collections.abc import Iterable
from datetime import datetime

Interval = tuple[datetime, datetime]


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of the intervals, as sorted intervals that do not overlap or touch."""
    union: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if union and start <= union[-1][1]:
            union[-1] = (union[-1][0], max(union[-1][1], end))
        else:
            union.append((start, end))
    return union


def clipped(intervals: Iterable[Interval], *, start: datetime, end: datetime) -> list[Interval]:
    """The parts of the intervals between `start` and `end`."""
    return [(max(a, start), min(b, end)) for a, b in intervals if min(b, end) > max(a, start)]


def minutes_present(intervals: Iterable[Interval], *, start: datetime, end: datetime) -> int:
    """Whole minutes between `start` and `end` covered by at least one interval."""
    seconds = sum((b - a).total_seconds() for a, b in merged(clipped(intervals, start=start, end=end)))
    return int(seconds // 60)
