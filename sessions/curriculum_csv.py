"""A cycle's curriculum as CSV: the template to fill (one line per session of the cycle, with
what it says today) and the reading of a filled file into a report of every row and cell."""

import csv
import datetime
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from echo_hub.lib.csv_export import safe_cell
from echo_hub.lib.uploads import read_upload

from .curriculum import CurriculumRow, clean_row, row_problems
from .models import Session

# The columns are a machine format, the same in every language: the import reads them by name.
COLUMNS = (
    "session",
    "date",
    "topic",
    "presenter_email",
    "guest_name",
    "guest_profession",
    "guest_affiliation",
    "learning_objectives",
)
# "date" only helps a person find their way in the file; it is checked when given.
REQUIRED_COLUMNS = tuple(name for name in COLUMNS if name != "date")
MAX_BYTES = 500_000
MAX_ROWS = 200
TOO_BIG = gettext_lazy("The file is larger than 500 kB: a curriculum is a line per session.")
NOT_UTF8 = gettext_lazy(
    "The file is not UTF-8 text. In Excel choose File › Save As › “CSV UTF-8 (comma delimited)” "
    "and upload that file."
)
# The columns a row's field problems belong to.
_FIELD_COLUMN = {
    "didactic_topic": "topic",
    "presenter": "presenter_email",
    "guest_name": "guest_name",
    "guest_profession": "guest_profession",
    "guest_affiliation": "guest_affiliation",
    "learning_objectives": "learning_objectives",
    "session": "session",
}


@dataclass(frozen=True)
class CellError:
    column: str
    message: str


@dataclass
class CurriculumLine:
    line: int
    values: dict[str, str]
    errors: list[CellError] = field(default_factory=list)
    row: CurriculumRow | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class CurriculumReport:
    lines: list[CurriculumLine]

    @property
    def rows(self) -> list[CurriculumRow]:
        return [line.row for line in self.lines if line.row is not None]

    @property
    def errors(self) -> list[tuple[int, CellError]]:
        return [(line.line, error) for line in self.lines for error in line.errors]


def template_csv(sessions: Iterable[Session], zone) -> str:
    """The file to fill: every session of the cycle with what it says today."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for s in sessions:
        guest = s.guest_presenter
        writer.writerow(
            safe_cell(value)
            for value in (
                s.number,
                s.starts_at.astimezone(zone).date().isoformat(),
                s.didactic_topic,
                s.presenter.email if s.presenter else "",
                guest.name if guest else "",
                guest.profession if guest else "",
                guest.affiliation if guest else "",
                s.learning_objectives,
            )
        )
    return out.getvalue()


def read_curriculum(upload: UploadedFile) -> str:
    data = read_upload(upload, max_bytes=MAX_BYTES, too_big=TOO_BIG)
    if b"\x00" in data:
        raise ValidationError(NOT_UTF8)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(NOT_UTF8) from exc


def parse_curriculum(
    text: str, *, sessions: Mapping[int, Session], presenters: Mapping[str, int], zone
) -> CurriculumReport:
    """Check every row and cell against the cycle's sessions (by number) and the program's
    possible presenters (by email). Raises ValidationError only for the file as a whole."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(_("The file is empty. The first line must name the columns.")) from None
    except csv.Error as exc:
        raise ValidationError(
            _("The file is not a readable CSV file (%(error)s).") % {"error": exc}
        ) from None
    columns = [name.strip().lower().replace(" ", "_") for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ValidationError(
            _(
                "The first line must name the columns %(columns)s. Missing: %(missing)s. "
                "Download the template to start from the right columns."
            )
            % {"columns": ", ".join(REQUIRED_COLUMNS), "missing": ", ".join(missing)}
        )
    lines: list[CurriculumLine] = []
    seen: dict[int, int] = {}
    try:
        # Spreadsheet rows, not file lines: a cell with line breaks is one row. The header is row 1.
        for number, raw in enumerate(reader, start=2):
            if not any(cell.strip() for cell in raw):
                continue
            if len(lines) >= MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(max)s rows: one line per session.") % {"max": MAX_ROWS}
                )
            values = {
                name: (raw[i].strip() if i < len(raw) else "")
                for i, name in enumerate(columns)
                if name in COLUMNS
            }
            lines.append(_check_line(number, values, sessions, presenters, zone, seen))
    except csv.Error as exc:
        raise ValidationError(
            _("The file is not a readable CSV file (%(error)s).") % {"error": exc}
        ) from None
    if not lines:
        raise ValidationError(_("The file has a header line but no sessions."))
    return CurriculumReport(lines=lines)


def _is_iso_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _check_line(number, values, sessions, presenters, zone, seen) -> CurriculumLine:
    line = CurriculumLine(line=number, values=values)

    def add(column: str, message: str) -> None:
        line.errors.append(CellError(column, message))

    raw_number = values.get("session", "")
    session = None
    if not raw_number:
        add("session", _("The session number is missing."))
    elif not (raw_number.isascii() and raw_number.isdigit()) or int(raw_number) not in sessions:
        add(
            "session",
            _("“%(number)s” is not the number of a session of this cycle.") % {"number": raw_number},
        )
    elif int(raw_number) in seen:
        add(
            "session",
            _("Session %(number)s is also on line %(line)s; each session once.")
            % {"number": raw_number, "line": seen[int(raw_number)]},
        )
    else:
        session = sessions[int(raw_number)]
        seen[session.number] = number
        date = values.get("date", "")
        expected = session.starts_at.astimezone(zone).date().isoformat()
        # Spreadsheets rewrite dates in their own format: only an ISO date is compared.
        if _is_iso_date(date) and date != expected:
            add(
                "date",
                _(
                    "Session %(number)s is on %(expected)s, not “%(date)s”. Check the row is the right session."
                )
                % {"number": session.number, "expected": expected, "date": date},
            )
    email = values.get("presenter_email", "").lower()
    presenter_id = None
    if email:
        try:
            validate_email(email)
        except ValidationError:
            add(
                "presenter_email",
                _("“%(email)s” is not a valid email address.") % {"email": values["presenter_email"]},
            )
        else:
            presenter_id = presenters.get(email)
            if presenter_id is None:
                add(
                    "presenter_email",
                    _(
                        "No hub expert or coordinator of this program has the email “%(email)s”. "
                        "For someone without an account, fill guest_name instead."
                    )
                    % {"email": email},
                )
    row = clean_row(
        CurriculumRow(
            session_id=session.pk if session else 0,
            didactic_topic=values.get("topic", ""),
            presenter_id=presenter_id,
            guest_name=values.get("guest_name", ""),
            guest_profession=values.get("guest_profession", ""),
            guest_affiliation=values.get("guest_affiliation", ""),
            learning_objectives=values.get("learning_objectives", "").replace(";", "\n"),
            line=number,
        )
    )
    if email and row.guest_name and presenter_id is None:
        add("guest_name", _("Fill presenter_email for a member or guest_name for a guest, not both."))
    for name, messages in row_problems(row).items():
        for message in messages:
            add(_FIELD_COLUMN[name], message)
    if not line.errors:
        line.row = row
    return line
