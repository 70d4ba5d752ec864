"""A person's CPD transcript as files they keep: a PDF to show a college or an employer and a
CSV for their own records. Both come from the transcript page's own rows (selectors.transcript),
so the numbers are the ones the page shows."""

from collections.abc import Iterator

from .credits import format_amount
from .selectors import TranscriptGroup

# A machine format (a person's own records, a college's import): the column names and yes/no
# flags stay English in every language; the reasons in `missing` read in the person's language.
CSV_HEADER = [
    "program",
    "session",
    "session_start",
    "minutes",
    "provisional",
    "evaluation_done",
    "eligible",
    "credits",
    "credit_type",
    "missing",
    "certificate_code",
]


def csv_rows(groups: list[TranscriptGroup]) -> Iterator[list]:
    """One row per session, oldest first within each program; times in ISO 8601 (UTC offset
    of the program's zone), amounts exactly as computed."""
    for group in groups:
        for row in reversed(group.rows):
            session, result, certificate = row.session, row.result, row.certificate
            valid = certificate is not None and certificate.status == certificate.Status.VALID
            yield [
                group.program.name,
                session.heading,
                session.starts_at.astimezone(group.program.zone).isoformat(timespec="minutes"),
                row.minutes,
                "yes" if row.provisional else "no",
                "yes" if row.evaluated else "no",
                "yes" if result.eligible else "no",
                format_amount(result.credits) if result.eligible else "0",
                (result.credit_name or "hours of attendance") if result.eligible else "",
                "; ".join(result.missing),
                certificate.code if valid else "",
            ]
