"""Importing a video platform's participant report: match its people to members, merge each
member's intervals (rejoins add up, two devices at once count once), clip them to the session,
preview exactly what will be stored, then store it."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext

from echo_hub.audit.services import Action, record
from echo_hub.lib.timefmt import session_time

from .attendance import _set_minutes, members_of, minutes_needed, require_started
from .intervals import clipped, minutes_present
from .issued import after_attendance_change
from .models import Attendance, ReportAlias, Session
from .zoom import ZoomPerson, ZoomReport

# A coordinator's or approved claim's number is final: later imports must not undo it.
KEPT_ON_IMPORT = {Attendance.Source.ADJUSTED, Attendance.Source.CLAIM}
NO_TIMES = gettext_lazy(
    "This report gives durations without join and leave times, so time before or after the "
    "session, and two devices at once, cannot be told apart. In Zoom, untick “Show unique users” "
    "and export the participants report again."
)


# What apps above sessions do once a report is stored (cpd asks those who passed to evaluate):
# they register here from their AppConfig.ready, as sessions never imports them.
_AFTER_IMPORT: list[Callable[..., object]] = []


def on_report_imported(callback: Callable[..., object]) -> None:
    """Call `callback(session=..., user_ids=[...])` in the import's transaction, with the
    members the stored report shows at or above the attendance threshold."""
    if callback not in _AFTER_IMPORT:
        _AFTER_IMPORT.append(callback)


@dataclass
class ReportMatch:
    person: ZoomPerson
    user: object | None
    how: str  # "email", "remembered", "chosen" or ""
    minutes: int = 0  # this person's own time inside the session


@dataclass
class ReportOutcome:
    """What the import stores for one member, exactly as the preview shows it."""

    user: object
    minutes: int
    percent: int
    meets_threshold: bool
    current: Attendance | None
    kept: bool  # an adjustment or an approved request stays as it is
    people: list[ZoomPerson] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        current = self.current
        return self.kept or (
            current is not None
            and (current.minutes, current.source, current.verified)
            == (self.minutes, Attendance.Source.REPORT, True)
        )


@dataclass
class ReportPreview:
    session: Session
    matches: list[ReportMatch]
    outcomes: list[ReportOutcome]
    needed_minutes: int

    @property
    def unmatched(self) -> list[ZoomPerson]:
        return [m.person for m in self.matches if m.user is None]

    @property
    def kept(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.kept]


def match_report(
    *, session: Session, report: ZoomReport, chosen: Mapping[str, int] | None = None
) -> list[ReportMatch]:
    """Match each person of a report to a program member: by email (any case), then by the
    coordinator's choice, then by a remembered display name."""
    chosen = chosen or {}
    members = list(members_of(session))
    by_email = {u.email.lower(): u for u in members}
    by_pk = {u.pk: u for u in members}
    aliases = {
        a.key: by_pk.get(a.user_id)
        for a in ReportAlias.objects.filter(
            program_id=session.program_id, key__in=[p.key for p in report.people]
        )
    }
    matches = []
    for person in report.people:
        minutes = minutes_present(person.intervals, start=session.starts_at, end=session.ends_at)
        if person.email and person.email in by_email:
            matches.append(ReportMatch(person, by_email[person.email], "email", minutes))
        elif chosen.get(person.key) in by_pk:
            matches.append(ReportMatch(person, by_pk[chosen[person.key]], "chosen", minutes))
        elif aliases.get(person.key) is not None:
            matches.append(ReportMatch(person, aliases[person.key], "remembered", minutes))
        else:
            matches.append(ReportMatch(person, None, "", minutes))
    return matches


def _check_times(session: Session, report: ZoomReport) -> None:
    if report.people and len(report.untimed_lines) == sum(len(p.lines) for p in report.people):
        raise ValidationError(NO_TIMES)
    if report.untimed_lines:
        lines = ", ".join(str(n) for n in report.untimed_lines)
        raise ValidationError(
            ngettext(
                "Line %(lines)s of the report lacks a join or a leave time: only time within the session "
                "counts, so each row needs both. Fill them in or export the report from Zoom again.",
                "Lines %(lines)s of the report lack a join or a leave time: only time within the session "
                "counts, so each row needs both. Fill them in or export the report from Zoom again.",
                len(report.untimed_lines),
            )
            % {"lines": lines}
        )
    inside = [clipped(p.intervals, start=session.starts_at, end=session.ends_at) for p in report.people]
    if report.people and not any(inside):
        raise ValidationError(
            gettext(
                "No time in this report falls within the session (%(when)s): it is the report of another "
                "meeting or day. Upload the participants report of this session."
            )
            % {"when": session_time(session.starts_at, session.ends_at)}
        )


def preview_report(
    *, session: Session, report: ZoomReport, chosen: Mapping[str, int] | None = None
) -> ReportPreview:
    """What importing `report` with the `chosen` matches would store, member by member.
    Stores nothing; refuses a report that cannot be clipped to the session."""
    if session.is_cancelled:
        raise ValidationError(gettext("This session is cancelled: there is no attendance to import."))
    require_started(session)
    _check_times(session, report)
    matches = match_report(session=session, report=report, chosen=chosen)
    people: dict[int, tuple[object, list[ZoomPerson]]] = {}
    for match in matches:
        if match.user is not None:
            people.setdefault(match.user.pk, (match.user, []))[1].append(match.person)
    current = {a.user_id: a for a in Attendance.objects.filter(session=session, user_id__in=list(people))}
    length = session.duration_minutes
    needed = minutes_needed(
        session_minutes=length, threshold_percent=session.program.attendance_threshold_percent
    )
    outcomes = []
    for user_id, (user, persons) in people.items():
        row = current.get(user_id)
        kept = row is not None and row.source in KEPT_ON_IMPORT
        intervals = [i for p in persons for i in p.intervals]
        minutes = (
            row.minutes if kept else minutes_present(intervals, start=session.starts_at, end=session.ends_at)
        )
        outcomes.append(
            ReportOutcome(
                user=user,
                minutes=minutes,
                percent=minutes * 100 // length,
                meets_threshold=minutes >= needed,
                current=row,
                kept=kept,
                people=persons,
            )
        )
    return ReportPreview(session=session, matches=matches, outcomes=outcomes, needed_minutes=needed)


@transaction.atomic
def import_report(
    *,
    session: Session,
    report: ZoomReport,
    chosen: Mapping[str, int],
    by,
    filename: str = "",
    correction_reason: str = "",
) -> dict:
    """Store what `preview_report` shows for the same report and choices. Importing the same
    file again changes nothing; numbers a coordinator adjusted or a claim approved are kept;
    provisional attendance and roster ticks are replaced. `correction_reason` is needed when a
    certificate already issued counts a changed row."""
    preview = preview_report(session=session, report=report, chosen=chosen)
    for match in preview.matches:
        if match.how == "chosen" and len(match.person.key) <= ReportAlias._meta.get_field("key").max_length:
            ReportAlias.objects.update_or_create(
                program_id=session.program_id,
                key=match.person.key,
                defaults={"user": match.user, "created_by": by},
            )
    stored = [o for o in preview.outcomes if not o.kept]
    touched: set[int] = set()
    for outcome in stored:
        _set_minutes(
            session=session,
            user=outcome.user,
            minutes=outcome.minutes,
            source=Attendance.Source.REPORT,
            by=by,
            reason=gettext_noop("Imported %(file)s")
            if filename
            else gettext_noop("Imported a participant report"),
            reason_params={"file": filename[:200]} if filename else None,
            touched=touched,
        )
    result = {"stored": len(stored), "kept": len(preview.kept), "unmatched": preview.unmatched}
    passed = [o.user.pk for o in preview.outcomes if o.meets_threshold]
    for callback in _AFTER_IMPORT:
        callback(session=session, user_ids=passed)
    record(
        Action.ATTENDANCE_IMPORTED,
        actor=by,
        obj=session,
        extra={"stored": result["stored"], "kept": result["kept"], "unmatched": len(result["unmatched"])},
    )
    after_attendance_change(session=session, user_ids=touched, by=by, reason=correction_reason)
    return result
