"""Reading a roster CSV (email, full name, profession, organization) into a per-row report."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email

from echo_hub.accounts.models import Profession
from echo_hub.lib.text import invisible_characters_problem, normalize_name
from echo_hub.lib.uploads import read_upload

REQUIRED_COLUMNS = ("email", "full_name", "profession", "organization")
# The downloadable template's one example row: replace it with your people.
TEMPLATE_EXAMPLE = (
    "amira.lee@example.org",
    "Dr Amira Lee",
    "Family physician",
    "Northern Family Health Team",
)
MAX_ROWS = 2000
MAX_BYTES = 1_000_000

_COLUMN_ALIASES = {
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "full_name": "full_name",
    "full name": "full_name",
    "name": "full_name",
    "profession": "profession",
    "organization": "organization",
    "organisation": "organization",
    "organization/site": "organization",
    "site": "organization",
}

_PROFESSIONS = {value.lower(): value for value in Profession.values} | {
    label.lower(): value for value, label in Profession.choices
}


@dataclass(frozen=True)
class RosterRow:
    email: str
    full_name: str
    profession: str
    organization: str
    # The file line, for messages; two rows for the same person are equal wherever they were.
    line: int = field(default=0, compare=False)


@dataclass
class RosterLine:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    row: RosterRow | None = None
    note: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class RosterReport:
    lines: list[RosterLine]

    @property
    def valid_rows(self) -> list[RosterRow]:
        return [line.row for line in self.lines if line.row is not None]

    @property
    def error_count(self) -> int:
        return sum(1 for line in self.lines if line.errors)

    def skip_members(self, member_emails: set[str]) -> None:
        """Leave out people already in the program: importing them would change nothing."""
        for line in self.lines:
            if line.row is not None and line.row.email in member_emails:
                line.row = None
                line.note = "Already a member; left as is."


NOT_UTF8 = (
    "The file is not UTF-8 text. In Excel choose File › Save As › “CSV UTF-8 (comma delimited)” "
    "and upload that file."
)


TOO_BIG = "The file is larger than 1 MB. Split the roster into smaller files."


def read_roster(upload: UploadedFile) -> str:
    return decode_roster(read_upload(upload, max_bytes=MAX_BYTES, too_big=TOO_BIG))


def decode_roster(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_BIG)
    # NUL bytes mean a spreadsheet or UTF-16 file, and PostgreSQL refuses them in any query.
    if b"\x00" in data:
        raise ValidationError(NOT_UTF8)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(NOT_UTF8) from exc


def parse_roster(text: str) -> RosterReport:
    """Check every row; raise ValidationError only for problems with the file as a whole."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError("The file is empty. The first line must name the columns.") from None
    except csv.Error as exc:
        raise ValidationError(f"The file is not a readable CSV file ({exc}).") from None

    columns = [_COLUMN_ALIASES.get(name.strip().lower(), name.strip().lower()) for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ValidationError(
            "The first line must name the columns email, full_name, profession, organization. "
            f"Missing: {', '.join(missing)}."
        )

    lines: list[RosterLine] = []
    seen: dict[str, int] = {}
    try:
        # reader.line_num counts file lines, so a quoted cell spanning two lines keeps numbers right.
        last_line = reader.line_num
        for raw in reader:
            number, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in raw):
                continue
            if len(lines) >= MAX_ROWS:
                raise ValidationError(f"The file has more than {MAX_ROWS} rows. Split it into smaller files.")
            values = {
                name: (raw[i].strip() if i < len(raw) else "")
                for i, name in enumerate(columns)
                if name in REQUIRED_COLUMNS
            }
            lines.append(_check_line(number, values, seen))
    except csv.Error as exc:
        raise ValidationError(f"The file is not a readable CSV file ({exc}).") from None
    if not lines:
        raise ValidationError("The file has a header line but no people.")
    return RosterReport(lines=lines)


def _check_line(number: int, values: dict[str, str], seen: dict[str, int]) -> RosterLine:
    line = RosterLine(line=number, values=values)
    email = values["email"].lower()
    if not email:
        line.errors.append("Email is missing.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            line.errors.append(f"“{values['email']}” is not a valid email address.")
        else:
            if email in seen:
                line.errors.append(f"Same email as line {seen[email]}; each person once.")
            else:
                seen[email] = number
    full_name = normalize_name(values["full_name"])
    if not full_name:
        line.errors.append("Full name is missing.")
    elif problem := invisible_characters_problem(full_name):
        line.errors.append(f"Full name {problem}")
    profession = _PROFESSIONS.get(values["profession"].lower())
    if not values["profession"]:
        line.errors.append("Profession is missing.")
    elif profession is None:
        line.errors.append(
            f"Unknown profession “{values['profession']}”. Use one of: "
            + ", ".join(str(label) for _, label in Profession.choices)
            + "."
        )
    if not values["organization"]:
        line.errors.append("Organization is missing.")
    if not line.errors:
        line.row = RosterRow(
            email=email,
            full_name=full_name[:150],
            profession=profession,
            organization=values["organization"][:200],
            line=number,
        )
    return line
