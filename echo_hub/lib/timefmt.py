"""How times read everywhere in the product, in the reader's language and zone:
`Wed 21 Oct 2026, 12:00–14:00 EDT`, « jeudi 14 janvier 2027, 12 h 00 à 14 h 00 EST ».
The patterns are the language's formats (echo_hub/formats/<locale>/formats.py), never strftime,
whose day and month names are the C locale's English."""

from datetime import date, datetime, tzinfo
from functools import lru_cache

from django.utils import dateformat, timezone, translation
from django.utils.formats import get_format
from django.utils.translation import gettext


@lru_cache(maxsize=8192)
def _formatted(value: date, name: str, language: str | None) -> str:
    # The patterns exist for en-ca and fr-ca only: with no language active (a task, a
    # shell) or another variant active ("fr", "en-us"), Django would hand back the pattern's
    # own name and format that; read the nearest of ours instead.
    ours = "fr-ca" if (language or "").startswith("fr") else "en-ca"
    return dateformat.format(value, get_format(name, lang=ours))


def _format(value: date, name: str) -> str:
    """Django's date_format, kept per local value, format and language: formatting a date costs
    some 70 µs, and the same session times are read on every page by everyone (a case queue
    lists a program's few hundred sessions). The key is the wall-clock value without its zone:
    aware datetimes of one instant are equal whatever their zone, and the formats name no zone."""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    return _formatted(value, name, translation.get_language())


def _day(value: date, name: str = "DAY_FORMAT") -> str:
    # French writes the first of the month « 1er ».
    if value.day == 1:
        name = name.replace("_FORMAT", "_FIRST_FORMAT")
    return _format(value, name)


def _clock(value: datetime) -> str:
    return _format(value, "CLOCK_FORMAT")


def session_time(starts_at: datetime, ends_at: datetime, zone: tzinfo | None = None) -> str:
    zone = zone or timezone.get_current_timezone()
    start = starts_at.astimezone(zone)
    end = ends_at.astimezone(zone)
    parts = {"day": _day(start), "start": _clock(start), "end": _clock(end), "zone": start.tzname()}
    if start.date() == end.date():
        # Translators: a session's day and times, e.g. "Wed 21 Oct 2026, 12:00–14:00 EDT".
        return gettext("%(day)s, %(start)s–%(end)s %(zone)s") % parts
    parts["end_day"] = _format(end, "DAY_IN_RANGE_FORMAT")
    # Translators: a session that ends the next day, e.g. "Wed 21 Oct 2026, 23:00 – Thu 22 Oct 01:00 EDT".
    return gettext("%(day)s, %(start)s – %(end_day)s %(end)s %(zone)s") % parts


def date_time(value: datetime, zone: tzinfo | None = None) -> str:
    return _date_time(value, zone or timezone.get_current_timezone(), translation.get_language())


@lru_cache(maxsize=8192)
def _date_time(value: datetime, zone: tzinfo, language: str | None) -> str:
    # Kept per instant, zone and language: a select of a program's sessions names a few
    # hundred, the same for everyone who reads it in that zone and language.
    local = value.astimezone(zone)
    # Translators: a moment, e.g. "Wed 21 Oct 2026, 12:00 EDT".
    return gettext("%(day)s, %(time)s %(zone)s") % {
        "day": _day(local),
        "time": _clock(local),
        "zone": local.tzname(),
    }


def short_date(value: date | datetime, zone: tzinfo | None = None, *, weekday: bool = False) -> str:
    """`21 Oct 2026`, « 21 oct. 2026 »: a date in a table or a list; with the weekday
    `Wed 21 Oct 2026`, « mer 21 oct. 2026 »."""
    if isinstance(value, datetime):
        value = value.astimezone(zone or timezone.get_current_timezone())
    return _day(value, "SHORT_DAY_FORMAT") if weekday else _format(value, "SHORT_DATE_FORMAT_TEXT")


def long_date(value: date | datetime, zone: tzinfo | None = None, *, weekday: bool = False) -> str:
    """`21 October 2026` (`Wednesday 21 October 2026` with the weekday), « 1er octobre 2026 »:
    a date in a sentence or on a certificate."""
    if isinstance(value, datetime):
        value = value.astimezone(zone or timezone.get_current_timezone())
    return _day(value, "LONG_DAY_FORMAT" if weekday else "LONG_DATE_FORMAT")
