"""Records issued from attendance (certificates) that a later change of attendance must follow.

Sessions cannot import the apps above it, so they register here from their AppConfig.ready
(cpd: `cpd.services.lifecycle`): who holds an issued record resting on a session's attendance,
and what to do once it changed. Every attendance service calls `after_attendance_change` in its
own transaction, after writing the rows: the reason is checked and the records follow in the
same commit, or nothing is saved at all."""

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from .models import Session


@dataclass(frozen=True)
class IssuedRecords:
    # (session, user_ids) -> the names of those among user_ids holding an issued record.
    holders: Callable[[Session, Collection[int]], dict[int, str]]
    # (session=, user_ids=, by=, reason=) -> None: bring the records in line with the rows.
    changed: Callable[..., None]


_REGISTRY: dict[str, IssuedRecords] = {}


def register_issued_records(name: str, records: IssuedRecords) -> None:
    _REGISTRY[name] = records


def holders_of_issued_records(session: Session, user_ids: Collection[int]) -> dict[int, str]:
    """{user id: name} of those among `user_ids` who hold a record issued from this session's
    attendance: a change of their attendance needs a reason."""
    if not user_ids:
        return {}
    held: dict[int, str] = {}
    for records in _REGISTRY.values():
        held |= records.holders(session, user_ids)
    return held


def correction_needed_message(names: Collection[str]) -> str:
    listed = ", ".join(sorted(names))
    return ngettext(
        "%(names)s already holds an issued certificate that counts this attendance. Give the reason "
        "for the change: the certificate is reissued with it.",
        "%(names)s already hold an issued certificate that counts this attendance. Give the reason "
        "for the change: the certificate is reissued with it.",
        len(names),
    ) % {"names": listed}


def after_attendance_change(*, session: Session, user_ids: Collection[int], by, reason: str) -> None:
    """Call after writing attendance rows of `user_ids`, inside the same transaction. Refuses
    (ValidationError on "correction_reason", so the caller's transaction rolls back) when one of
    them holds an issued record and `reason` is empty; else lets the records follow."""
    held = holders_of_issued_records(session, user_ids)
    if not held:
        return
    reason = reason.strip()
    if not reason:
        raise ValidationError({"correction_reason": correction_needed_message(held.values())})
    for records in _REGISTRY.values():
        records.changed(session=session, user_ids=set(held), by=by, reason=reason)
