"""Checking one row of Zoom's participants export: a name or an email, a whole number of minutes, and
join and leave times read in the program's zone (see sessions.zoom for the rules). A row is either
returned whole or refused with every problem it has, each message naming its line."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TIME_EXAMPLE = "11/25/2026 11:58:03 AM"
YEARS = range(2000, 2100)
TIME_LABELS = {"joined_at": gettext_lazy("the join time"), "left_at": gettext_lazy("the leave time")}
SLASH_TIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AP]M))?", re.I)
_ISO_TIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AP]M))?", re.I)


@dataclass(frozen=True)
class ZoomRow:
    line: int
    name: str
    email: str
    joined_at: datetime | None
    left_at: datetime | None
    minutes: int


@dataclass(frozen=True)
class DateOrder:
    day_first: bool = False
    line: int = 0
    value: str = ""


def check_row(
    number: int, values: dict[str, str], *, zone: ZoneInfo, max_minutes: int, order: DateOrder
) -> tuple[ZoomRow | None, list[str]]:
    errors = []
    name = " ".join(values.get("name", "").split())
    email = values.get("email", "").lower()
    if not name and not email:
        errors.append(
            _("Line %(line)s: the row has neither a name nor an email; fill in one or delete the line.")
            % {"line": number}
        )
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                _(
                    "Line %(line)s: the email “%(email)s” is not a valid email address; correct it or empty the cell."
                )
                % {"line": number, "email": values["email"]}
            )

    raw_minutes = values["minutes"]
    minutes = _minutes(raw_minutes)
    if not raw_minutes:
        errors.append(
            _("Line %(line)s: the duration is empty; enter the minutes attended (0 to %(max)s).")
            % {"line": number, "max": max_minutes}
        )
    elif minutes is None or not 0 <= minutes <= max_minutes:
        errors.append(
            _("Line %(line)s: the duration “%(value)s” is not a number of minutes between 0 and %(max)s.")
            % {"line": number, "value": raw_minutes, "max": max_minutes}
        )
    elif minutes != int(minutes):
        errors.append(
            _("Line %(line)s: the duration “%(value)s” is not a whole number of minutes.")
            % {"line": number, "value": raw_minutes}
        )

    times: dict[str, datetime | None] = {}
    for role, label in TIME_LABELS.items():
        value = " ".join(values.get(role, "").split())
        year = _year(value)
        if year is not None and int(year) not in YEARS:
            times[role] = None
            errors.append(
                _(
                    "Line %(line)s: %(label)s “%(value)s” is in the year %(year)s; a participants report has "
                    "dates between %(first)s and %(last)s."
                )
                % {
                    "line": number,
                    "label": label,
                    "value": value,
                    "year": year,
                    "first": YEARS.start,
                    "last": YEARS.stop - 1,
                }
            )
            continue
        times[role] = _utc_time(value, zone=zone, day_first=order.day_first) if value else None
        if value and times[role] is None:
            if order.day_first and _utc_time(value, zone=zone, day_first=False) is not None:
                errors.append(
                    _(
                        "Line %(line)s: %(label)s “%(value)s” puts the month first, but line %(other)s "
                        "(“%(other_value)s”) puts the day first; use one order throughout the file."
                    )
                    % {
                        "line": number,
                        "label": label,
                        "value": value,
                        "other": order.line,
                        "other_value": order.value,
                    }
                )
            else:
                errors.append(
                    _("Line %(line)s: %(label)s “%(value)s” is not a date and time like “%(example)s”.")
                    % {"line": number, "label": label, "value": value, "example": TIME_EXAMPLE}
                )
    joined_at, left_at = times["joined_at"], times["left_at"]
    if joined_at and left_at and left_at < joined_at:
        errors.append(
            _(
                "Line %(line)s: the leave time “%(left)s” is before the join time “%(joined)s”; correct one of them."
            )
            % {"line": number, "left": values["left_at"], "joined": values["joined_at"]}
        )

    if errors:
        return None, errors
    row = ZoomRow(
        line=number, name=name, email=email, joined_at=joined_at, left_at=left_at, minutes=int(minutes)
    )
    return row, []


def _minutes(value: str) -> Decimal | None:
    try:
        minutes = Decimal(value)
    except InvalidOperation:
        return None
    return minutes if minutes.is_finite() else None


def _year(value: str) -> str | None:
    if match := SLASH_TIME.fullmatch(value):
        return match[3]
    if match := _ISO_TIME.fullmatch(value):
        return match[1]
    return None


def _utc_time(value: str, *, zone: ZoneInfo, day_first: bool) -> datetime | None:
    if match := SLASH_TIME.fullmatch(value):
        first, second, year, hour, minute, seconds, meridiem = match.groups()
        month, day = (second, first) if day_first else (first, second)
    elif match := _ISO_TIME.fullmatch(value):
        year, month, day, hour, minute, seconds, meridiem = match.groups()
    else:
        return None
    hours = int(hour)
    if meridiem:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if meridiem.upper() == "PM" else 0)
    try:
        local = datetime(int(year), int(month), int(day), hours, int(minute), int(seconds or 0), tzinfo=zone)
    except ValueError:
        return None
    return local.astimezone(UTC)
