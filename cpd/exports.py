"""Files for certifying bodies: who earned which credits, with the identifiers the body
matches learners on. Their formats, and where they come from, are in the README
("Accreditation exports")."""

from collections.abc import Iterator

from django.db.models import QuerySet

from echo_hub.accounts.models import HONORIFICS
from sessions.models import Program, Session

from .credits import format_amount
from .models import CreditType
from .selectors import attendance_export_rows

# ACCME PARS: the learner data elements ACCME lists (completion date, name, birth month and day,
# board or licence identifiers), as tab-delimited text, the file type of its learner template.
PARS_HEADER = [
    "activity_id",
    "completion_date",
    "first_name",
    "last_name",
    "dob_month",
    "dob_day",
    "npi",
    "licensing_body",
    "licence_number",
    "credits",
    "credit_type",
    "email",
]

# Mainpro+: the CFPC member number, the certified session ID and the credits, per person and session.
MAINPRO_HEADER = [
    "cfpc_number",
    "full_name",
    "email",
    "session_id",
    "session_date",
    "credits",
    "credit_type",
]


def split_name(full_name: str) -> tuple[str, str]:
    """(first, last) of a name as typed: the last word is the last name; honorifics dropped."""
    words = [w for w in full_name.split() if w.lower().rstrip(".") not in HONORIFICS]
    if not words:
        return "", ""
    return " ".join(words[:-1]), words[-1]


def _earned(program: Program, *, sessions: QuerySet[Session], credit_type: CreditType) -> Iterator[dict]:
    """Rows of people who earned credits of `credit_type`: the only ones a body takes."""
    for row in attendance_export_rows(program, sessions=sessions):
        result = row["result"]
        if result.eligible and result.credit_type is not None and result.credit_type.pk == credit_type.pk:
            yield row


def pars_rows(program: Program, *, sessions: QuerySet[Session], credit_type: CreditType) -> Iterator[list]:
    for row in _earned(program, sessions=sessions, credit_type=credit_type):
        session, user = row["session"], row["attendance"].user
        first, last = split_name(user.full_name)
        yield [
            session.accreditation_id,
            session.starts_at.astimezone(program.zone).date().isoformat(),
            first,
            last,
            user.birth_month or "",
            user.birth_day or "",
            user.npi,
            user.licensing_body,
            user.licence_number,
            format_amount(row["result"].credits),
            credit_type.name,
            user.email,
        ]


def mainpro_rows(program: Program, *, sessions: QuerySet[Session], credit_type: CreditType) -> Iterator[list]:
    for row in _earned(program, sessions=sessions, credit_type=credit_type):
        session, user = row["session"], row["attendance"].user
        yield [
            user.cfpc_number,
            user.full_name,
            user.email,
            session.accreditation_id,
            session.starts_at.astimezone(program.zone).date().isoformat(),
            format_amount(row["result"].credits),
            credit_type.name,
        ]
