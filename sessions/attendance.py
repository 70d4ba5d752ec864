"""Attendance services: join clicks, roster ticks, video-platform reports, adjustments
and "I attended" requests. (Split from services.py, which passed 400 lines.)"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from echo_hub.audit.services import Action, record

from .models import (
    JOIN_OPENS_BEFORE,
    Attendance,
    AttendanceChange,
    AttendanceClaim,
    Enrollment,
    ReportAlias,
    Session,
)
from .zoom import ZoomPerson, ZoomReport

User = get_user_model()

# A coordinator's or approved claim's number is final: later imports must not undo it.
_KEPT_ON_IMPORT = {Attendance.Source.ADJUSTED, Attendance.Source.CLAIM}


def _members(session: Session):
    return User.objects.filter(
        enrollments__program_id=session.program_id, enrollments__status=Enrollment.Status.APPROVED
    )


def _set_minutes(
    *, session: Session, user, minutes: int, source: str, by, reason: str, joined_at: datetime | None = None
) -> Attendance:
    minutes = max(0, min(minutes, 24 * 60))
    attendance, created = Attendance.objects.select_for_update().get_or_create(
        session=session, user=user, defaults={"minutes": minutes, "source": source, "joined_at": joined_at}
    )
    old = 0 if created else attendance.minutes
    if not created:
        if attendance.minutes == minutes and attendance.source == source:
            return attendance
        attendance.minutes = minutes
        attendance.source = source
        if joined_at and not attendance.joined_at:
            attendance.joined_at = joined_at
        attendance.save()
    AttendanceChange.objects.create(
        attendance=attendance,
        changed_by=by,
        old_minutes=old,
        new_minutes=minutes,
        source=source,
        reason=reason,
    )
    return attendance


@transaction.atomic
def record_join(*, session: Session, user, now: datetime | None = None) -> Attendance:
    """Count a click on Join during the session window as attendance until the end;
    a platform report imported later replaces the estimate with real minutes."""
    now = now or timezone.now()
    if session.is_cancelled:
        raise ValidationError("This session is cancelled.")
    if not session.starts_at - JOIN_OPENS_BEFORE <= now <= session.ends_at:
        raise ValidationError("Join opens 15 minutes before the session starts and closes when it ends.")
    minutes = math.ceil((session.ends_at - max(now, session.starts_at)).total_seconds() / 60)
    existing = Attendance.objects.select_for_update().filter(session=session, user=user).first()
    if existing is not None:
        if existing.joined_at is None:
            existing.joined_at = now
            existing.save(update_fields=["joined_at", "updated_at"])
        if existing.source != Attendance.Source.JOIN or existing.minutes >= minutes:
            return existing
    return _set_minutes(
        session=session,
        user=user,
        minutes=minutes,
        source=Attendance.Source.JOIN,
        by=user,
        reason="Joined from ECHO Hub",
        joined_at=now,
    )


@transaction.atomic
def set_roster(
    *, session: Session, present_user_ids: Iterable[int], by, shown_user_ids: Iterable[int] | None = None
) -> int:
    """Tick who was there: ticked members get the whole session unless a better number
    exists; unticked roster-only rows are removed, among `shown_user_ids` only when given (the
    page of the roster the coordinator saw). Returns how many rows changed."""
    if session.is_cancelled:
        raise ValidationError("This session was cancelled: there is no attendance to record.")
    present = set(present_user_ids)
    members = {u.pk: u for u in _members(session).filter(pk__in=present)}
    unknown = present - set(members)
    if unknown:
        raise ValidationError("Some ticked people are not members of this program.")
    rows = Attendance.objects.select_for_update().filter(session=session)
    if shown_user_ids is not None:
        rows = rows.filter(user_id__in=set(shown_user_ids) | present)
    existing = {a.user_id: a for a in rows}
    changed = 0
    for user_id, user in members.items():
        row = existing.get(user_id)
        if row is None or (row.source == Attendance.Source.ROSTER and row.minutes == 0):
            _set_minutes(
                session=session,
                user=user,
                minutes=session.duration_minutes,
                source=Attendance.Source.ROSTER,
                by=by,
                reason="Ticked on the roster",
            )
            changed += 1
    for user_id, attendance in existing.items():
        if (
            user_id not in present
            and attendance.source == Attendance.Source.ROSTER
            and attendance.minutes > 0
        ):
            AttendanceChange.objects.create(
                attendance=attendance,
                changed_by=by,
                old_minutes=attendance.minutes,
                new_minutes=0,
                source=Attendance.Source.ROSTER,
                reason="Unticked on the roster",
            )
            attendance.minutes = 0
            attendance.save(update_fields=["minutes", "updated_at"])
            changed += 1
    if changed:
        record(Action.ATTENDANCE_ROSTER_SAVED, actor=by, obj=session, extra={"changed": changed})
    return changed


@dataclass
class ReportMatch:
    person: ZoomPerson
    user: object | None
    how: str  # "email", "remembered", "chosen" or ""


def match_report(
    *, session: Session, report: ZoomReport, chosen: Mapping[str, int] | None = None
) -> list[ReportMatch]:
    """Match each person of a report to a program member: by email (any case), then by a
    remembered display name, then by the coordinator's choice."""
    chosen = chosen or {}
    members = list(_members(session))
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
        if person.email and person.email in by_email:
            matches.append(ReportMatch(person, by_email[person.email], "email"))
        elif chosen.get(person.key) in by_pk:
            matches.append(ReportMatch(person, by_pk[chosen[person.key]], "chosen"))
        elif aliases.get(person.key) is not None:
            matches.append(ReportMatch(person, aliases[person.key], "remembered"))
        else:
            matches.append(ReportMatch(person, None, ""))
    return matches


@transaction.atomic
def import_report(
    *, session: Session, report: ZoomReport, chosen: Mapping[str, int], by, filename: str = ""
) -> dict:
    """Store the minutes of every matched person. Importing the same file again changes
    nothing; numbers a coordinator adjusted or a claim approved are kept."""
    if session.is_cancelled:
        raise ValidationError("This session is cancelled: there is no attendance to import.")
    matches = match_report(session=session, report=report, chosen=chosen)
    for match in matches:
        if match.how == "chosen" and len(match.person.key) <= ReportAlias._meta.get_field("key").max_length:
            ReportAlias.objects.update_or_create(
                program_id=session.program_id,
                key=match.person.key,
                defaults={"user": match.user, "created_by": by},
            )
    totals: dict[int, tuple[object, int]] = {}
    for match in matches:
        if match.user is not None:
            user, minutes = totals.get(match.user.pk, (match.user, 0))
            totals[match.user.pk] = (user, minutes + match.person.minutes)
    kept = set(
        Attendance.objects.filter(session=session, source__in=_KEPT_ON_IMPORT).values_list(
            "user_id", flat=True
        )
    )
    stored = 0
    for user_id, (user, minutes) in totals.items():
        if user_id in kept:
            continue
        _set_minutes(
            session=session,
            user=user,
            minutes=min(minutes, session.duration_minutes),
            source=Attendance.Source.REPORT,
            by=by,
            reason=f"Imported {filename or 'participant report'}"[:300],
        )
        stored += 1
    unmatched = [m.person for m in matches if m.user is None]
    record(
        Action.ATTENDANCE_IMPORTED,
        actor=by,
        obj=session,
        extra={"stored": stored, "kept": len(kept & set(totals)), "unmatched": len(unmatched)},
    )
    return {
        "stored": stored,
        "kept": len(kept & set(totals)),
        "unmatched": unmatched,
    }


@transaction.atomic
def adjust_attendance(*, session: Session, user, minutes: int, reason: str, by) -> Attendance:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you change the attendance: accreditation audits ask."})
    if not 0 <= minutes <= 24 * 60:
        raise ValidationError({"minutes": "Minutes must be between 0 and 1440."})
    if session.is_cancelled:
        raise ValidationError("This session was cancelled: there is no attendance to record.")
    if not _members(session).filter(pk=user.pk).exists():
        raise ValidationError("This person is not a member of the program.")
    before = Attendance.objects.filter(session=session, user=user).values_list("minutes", flat=True).first()
    attendance = _set_minutes(
        session=session, user=user, minutes=minutes, source=Attendance.Source.ADJUSTED, by=by, reason=reason
    )
    # Minutes only: the reason is free text and stays in AttendanceChange.
    record(
        Action.ATTENDANCE_ADJUSTED,
        actor=by,
        obj=session,
        extra={"user_id": user.pk, "minutes_before": before or 0, "minutes_after": attendance.minutes},
    )
    return attendance


@transaction.atomic
def file_claim(*, session: Session, user, minutes: int, note: str = "") -> AttendanceClaim:
    if not session.is_past:
        raise ValidationError("You can say you attended once the session has ended.")
    if session.is_cancelled:
        raise ValidationError("This session was cancelled.")
    if not 1 <= minutes <= session.duration_minutes:
        raise ValidationError(
            {"minutes": f"Give the minutes you attended, from 1 to {session.duration_minutes}."}
        )
    counted = (
        Attendance.objects.filter(session=session, user=user).values_list("minutes", flat=True).first() or 0
    )
    if counted >= minutes:
        raise ValidationError(f"You are already counted for {counted} minutes.")
    claim, created = AttendanceClaim.objects.get_or_create(
        session=session, user=user, defaults={"minutes": minutes, "note": note.strip()}
    )
    if not created and claim.status != AttendanceClaim.Status.PENDING:
        raise ValidationError("A coordinator has already decided your request for this session.")
    if not created:
        claim.minutes, claim.note = minutes, note.strip()
        claim.save(update_fields=["minutes", "note"])
    return claim


@transaction.atomic
def decide_claim(*, claim: AttendanceClaim, approve: bool, by, note: str = "") -> AttendanceClaim:
    claim = AttendanceClaim.objects.select_for_update().select_related("session", "user").get(pk=claim.pk)
    if claim.status != AttendanceClaim.Status.PENDING:
        return claim
    claim.status = AttendanceClaim.Status.APPROVED if approve else AttendanceClaim.Status.DECLINED
    claim.decided_by, claim.decided_at, claim.decision_note = by, timezone.now(), note.strip()
    claim.save()
    record(
        Action.ATTENDANCE_CLAIM_DECIDED,
        actor=by,
        obj=claim.session,
        extra={"user_id": claim.user_id, "approved": approve, "minutes": claim.minutes},
    )
    if approve:
        _set_minutes(
            session=claim.session,
            user=claim.user,
            minutes=claim.minutes,
            source=Attendance.Source.CLAIM,
            by=by,
            reason=f"“I attended” request approved{': ' + claim.decision_note if claim.decision_note else ''}",
        )
    return claim
