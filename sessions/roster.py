"""Reading a roster CSV (email, full name, profession, organization) into a per-row report."""

import csv
import io
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from echo_hub.accounts.models import Profession
from echo_hub.lib.text import invisible_characters_problem, normalize_name
from echo_hub.lib.uploads import read_upload

# The columns are a machine format, the same in every language: the import reads them by name.
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


@cache
def _professions() -> dict[str, str]:
    """A profession by its code or its label in any of the site's languages, so a French
    coordinator may write « Médecin de famille »."""
    found = {value.lower(): value for value in Profession.values}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found |= {str(label).lower(): value for value, label in Profession.choices}
    return found


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
                line.note = _("Already a member; left as is.")


NOT_UTF8 = gettext_lazy(
    "The file is not UTF-8 text. In Excel choose File › Save As › “CSV UTF-8 (comma delimited)” "
    "and upload that file."
)


TOO_BIG = gettext_lazy("The file is larger than 1 MB. Split the roster into smaller files.")


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
        raise ValidationError(_("The file is empty. The first line must name the columns.")) from None
    except csv.Error as exc:
        raise ValidationError(
            _("The file is not a readable CSV file (%(error)s).") % {"error": exc}
        ) from None

    columns = [_COLUMN_ALIASES.get(name.strip().lower(), name.strip().lower()) for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ValidationError(
            _(
                "The first line must name the columns email, full_name, profession, organization. Missing: %(missing)s."
            )
            % {"missing": ", ".join(missing)}
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
                raise ValidationError(
                    _("The file has more than %(max)s rows. Split it into smaller files.") % {"max": MAX_ROWS}
                )
            values = {
                name: (raw[i].strip() if i < len(raw) else "")
                for i, name in enumerate(columns)
                if name in REQUIRED_COLUMNS
            }
            lines.append(_check_line(number, values, seen))
    except csv.Error as exc:
        raise ValidationError(
            _("The file is not a readable CSV file (%(error)s).") % {"error": exc}
        ) from None
    if not lines:
        raise ValidationError(_("The file has a header line but no people."))
    return RosterReport(lines=lines)


def _check_line(number: int, values: dict[str, str], seen: dict[str, int]) -> RosterLine:
    line = RosterLine(line=number, values=values)
    email = values["email"].lower()
    if not email:
        line.errors.append(_("Email is missing."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            line.errors.append(_("“%(email)s” is not a valid email address.") % {"email": values["email"]})
        else:
            if email in seen:
                line.errors.append(
                    _("Same email as line %(line)s; each person once.") % {"line": seen[email]}
                )
            else:
                seen[email] = number
    full_name = normalize_name(values["full_name"])
    if not full_name:
        line.errors.append(_("Full name is missing."))
    elif problem := invisible_characters_problem(full_name):
        line.errors.append(_("Full name %(problem)s") % {"problem": problem})
    profession = _professions().get(values["profession"].lower())
    if not values["profession"]:
        line.errors.append(_("Profession is missing."))
    elif profession is None:
        line.errors.append(
            _("Unknown profession “%(profession)s”. Use one of: %(professions)s.")
            % {
                "profession": values["profession"],
                "professions": ", ".join(str(label) for label in Profession.labels),
            }
        )
    if not values["organization"]:
        line.errors.append(_("Organization is missing."))
    if not line.errors:
        line.row = RosterRow(
            email=email,
            full_name=full_name[:150],
            profession=profession,
            organization=values["organization"][:200],
            line=number,
        )
    return line
