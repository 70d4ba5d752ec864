"""Reading Zoom's Participants export into minutes per person, all or nothing.

Rules, chosen so that importing the same file twice always gives the same answer:

- A person is their email (lower-cased) when the row has one, else their display name compared
  without regard to case, accents' composed form or repeated spaces. The name is kept whole: a
  trailing "(…)" is as often a site ("Marie Tremblay (Manitoulin FHT)") as Zoom's original name, and
  dropping it could merge two people, giving one of them credit for the other's minutes. A person's
  name is the first non-empty display name among their rows.
- Times are local to the program's zone. Slash dates are month first, as Zoom writes them, unless a
  date in the file starts with a number above 12: then the whole file is day first, so that 12/11
  and 13/11 in a session crossing midnight are read alike. A time that happens twice when clocks
  fall back is read as the first of the two (fold=0); a time skipped when clocks spring forward is
  read with the offset in force before the change.
- A time must fall in the years 2000–2099: the year 9999 (or 1) moved to UTC leaves the calendar
  Python can count in, and no meeting happened outside them anyway.
- Rows marked "In Waiting Room: Yes" are checked like any other but not counted: waiting is not
  attending.
- A person's rows give their intervals (join, leave); sessions.attendance merges and clips them to
  the session. `minutes` is the sum of the report's durations, shown beside what counts. Lines of
  counted rows without both times are listed, for the import to refuse.
"""

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from echo_hub.lib.uploads import read_upload

from .zoom_rows import SLASH_TIME, TIME_LABELS, DateOrder, ZoomRow, check_row

MAX_BYTES = 2_000_000
MAX_MESSAGES = 20

_COLUMN_ALIASES = {
    "name (original name)": "name",
    "user name (original name)": "name",
    "name": "name",
    "participant": "name",
    "participant name": "name",
    "user email": "email",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "join time": "joined_at",
    "leave time": "left_at",
    "duration (minutes)": "minutes",
    "total duration (minutes)": "minutes",
    "in waiting room": "waiting",
    "meeting id": "meeting_id",
    "id": "meeting_id",
    "topic": "topic",
}
_DELIMITERS = (",", ";", "\t")
_EXPORT_HINT = gettext_lazy("Export the participants report from Zoom as CSV and upload that file.")
_BINARY_SIGNATURES = {
    b"%PDF-": gettext_lazy("a PDF document"),
    b"PK\x03\x04": gettext_lazy("an Excel workbook or another zipped file"),
    b"\xd0\xcf\x11\xe0": gettext_lazy("an Excel 97–2003 workbook"),
}


@dataclass
class ZoomPerson:
    key: str
    name: str
    email: str
    minutes: int = 0
    lines: list[int] = field(default_factory=list)
    first_joined_at: datetime | None = None
    last_left_at: datetime | None = None
    intervals: list[tuple[datetime, datetime]] = field(default_factory=list)


@dataclass
class ZoomReport:
    people: list[ZoomPerson]
    meeting_topic: str
    meeting_id: str
    row_count: int
    untimed_lines: list[int] = field(default_factory=list)


TOO_BIG = gettext_lazy(
    "The file is larger than 2 MB. A Zoom participants export is far smaller; "
    "check that you picked the right file."
)


def _with_hint(message: str) -> ValidationError:
    return ValidationError(f"{message} {_EXPORT_HINT}")


def read_report(upload: UploadedFile) -> str:
    return decode_report(read_upload(upload, max_bytes=MAX_BYTES, too_big=TOO_BIG))


def decode_report(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_BIG)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _with_hint(_("The file is not a CSV export: it is damaged UTF-16 text.")) from None
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise _with_hint(_("The file is not a CSV export: it is %(kind)s.") % {"kind": kind})
    if b"\x00" in data:
        raise _with_hint(_("The file is not a CSV export: it holds binary data."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Excel on Windows re-saves "CSV (comma delimited)" in cp1252, which is not UTF-8.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _with_hint(_("The file is not a CSV export: it is not readable text.")) from None


def parse_zoom_report(text: str, *, zone: ZoneInfo, max_minutes: int = 24 * 60) -> ZoomReport:
    """Check every row and raise one ValidationError listing all problems, or return the whole report."""
    rows, header_at = _read_table(text)
    header_line, header = rows[header_at]
    roles = _roles(header)
    name_at = roles.index("name")
    columns: dict[str, int] = {}
    # Wide exports repeat the meeting's columns (host email, meeting duration) on every row, before the
    # participant's; the participant's own columns are the ones that follow the name.
    for index in [*range(name_at, len(roles)), *range(name_at)]:
        if roles[index]:
            columns.setdefault(roles[index], index)
    body = rows[header_at + 1 :]
    if not body:
        raise ValidationError(
            _("The participants table (line %(line)s) has no rows.") % {"line": header_line}
        )
    meeting_topic, meeting_id = _summary(rows[: header_at + 2])

    order = _date_order(body, columns)
    errors: list[str] = []
    attended: list[ZoomRow] = []
    for number, cells in body:
        values = {role: _cell(cells, index) for role, index in columns.items()}
        row, row_errors = check_row(number, values, zone=zone, max_minutes=max_minutes, order=order)
        errors.extend(row_errors)
        if row is not None and values.get("waiting", "").casefold() != "yes":
            attended.append(row)
    if errors:
        if len(errors) > MAX_MESSAGES:
            hidden = len(errors) - MAX_MESSAGES
            more = _("…and %(count)s more; fix these and upload again to see them.") % {"count": hidden}
            errors = [*errors[:MAX_MESSAGES], more]
        raise ValidationError(errors)
    return ZoomReport(
        people=_people(attended),
        meeting_topic=meeting_topic,
        meeting_id=meeting_id,
        row_count=len(body),
        untimed_lines=[row.line for row in attended if not (row.joined_at and row.left_at)],
    )


def _read_table(text: str) -> tuple[list[tuple[int, list[str]]], int]:
    """Return the non-blank rows with their file line numbers, and the index of the participants header."""
    tables = []
    for delimiter in _DELIMITERS:
        rows = _csv_rows(text, delimiter)
        for index, (_line, cells) in enumerate(rows):
            if {"name", "minutes"} <= set(_roles(cells)):
                return rows, index
        tables.append(rows)
    if not tables[0]:
        raise _with_hint(_("The file is empty."))
    # Name the columns as split by the delimiter that gives the first line the most of them.
    raise ValidationError(_missing_columns(max(tables, key=lambda rows: len(rows[0][1]) if rows else 0)))


def _csv_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    # newline="" lets csv count lines ending in \r, \n or \r\n alike.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        # reader.line_num counts file lines, so a quoted cell spanning two lines keeps numbers right.
        last_line = reader.line_num
        for cells in reader:
            number, last_line = last_line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                rows.append((number, cells))
    except csv.Error as exc:
        message = _("The file is not a CSV export that can be read (%(error)s).") % {"error": exc}
        raise ValidationError(f"{message} {_EXPORT_HINT}") from None
    return rows


def _missing_columns(rows: list[tuple[int, list[str]]]) -> str:
    # Show the line that looks most like the participants header: one with a name column, else the first.
    number, cells = next(((n, c) for n, c in rows if "name" in _roles(c)), rows[0])
    missing = []
    if "name" not in _roles(cells):
        missing.append(_("a name column (“Name (Original Name)” or “Participant”)"))
    if "minutes" not in _roles(cells):
        missing.append(_("a duration column (“Duration (Minutes)” or “Total Duration (Minutes)”)"))
    found = ", ".join(f"“{cell.strip()}”" for cell in cells if cell.strip())
    needs = _("The participants table needs %(missing)s. Line %(line)s has the columns %(found)s.") % {
        "missing": _(" and ").join(missing),
        "line": number,
        "found": found,
    }
    return f"{needs} {_EXPORT_HINT}"


def _roles(cells: list[str]) -> list[str | None]:
    keys = (" ".join(cell.replace("\ufeff", "").split()).casefold() for cell in cells)
    return [_COLUMN_ALIASES.get(re.sub(r" ?\( ?(.*?) ?\)", r" (\1)", key).strip()) for key in keys]


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _summary(rows: list[tuple[int, list[str]]]) -> tuple[str, str]:
    for position, (_line, cells) in enumerate(rows[:-1]):
        roles = _roles(cells)
        if "meeting_id" in roles or "topic" in roles:
            data = rows[position + 1][1]
            topic = _cell(data, roles.index("topic")) if "topic" in roles else ""
            raw_id = _cell(data, roles.index("meeting_id")) if "meeting_id" in roles else ""
            compact = re.sub(r"[\s-]", "", raw_id)
            return " ".join(topic.split()), compact if compact.isdigit() else raw_id
    return "", ""


def _date_order(body: list[tuple[int, list[str]]], columns: dict[str, int]) -> DateOrder:
    for number, cells in body:
        for role in TIME_LABELS:
            if role not in columns:
                continue
            value = " ".join(_cell(cells, columns[role]).split())
            match = SLASH_TIME.fullmatch(value)
            if match and int(match[1]) > 12 and int(match[2]) <= 12:
                return DateOrder(day_first=True, line=number, value=value)
    return DateOrder()


def _person_key(row: ZoomRow) -> str:
    if row.email:
        return f"email:{row.email}"
    return "name:" + " ".join(unicodedata.normalize("NFKC", row.name).casefold().split())


def people_from_rows(rows: list[ZoomRow]) -> list[ZoomPerson]:
    """Rows grouped into people exactly as the CSV import groups them (the same keys, so a name
    matched by hand once is remembered for reports from Zoom's API too)."""
    return _people(rows)


def _people(rows: list[ZoomRow]) -> list[ZoomPerson]:
    people: dict[str, ZoomPerson] = {}
    for row in rows:
        key = _person_key(row)
        person = people.setdefault(key, ZoomPerson(key=key, name=row.name, email=row.email))
        person.name = person.name or row.name
        person.minutes += row.minutes
        person.lines.append(row.line)
        if row.joined_at and (person.first_joined_at is None or row.joined_at < person.first_joined_at):
            person.first_joined_at = row.joined_at
        if row.left_at and (person.last_left_at is None or row.left_at > person.last_left_at):
            person.last_left_at = row.left_at
        if row.joined_at and row.left_at:
            person.intervals.append((row.joined_at, row.left_at))
    return list(people.values())
