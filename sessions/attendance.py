"""Attendance services: join times, provisional attendance and its confirmation, roster
ticks, adjustments and "I attended" requests (participant reports: sessions.participant_report).

Every row is written through `_set_minutes`, which keeps the time rules whatever the path
(views, imports, admin, tasks, commands): attendance exists only for a session that has
started, and never counts more minutes than the session lasted."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from echo_hub.audit.services import Action, record
from echo_hub.lib.timefmt import date_time

from .intervals import minutes_present
from .issued import after_attendance_change
from .models import (
    JOIN_OPENS_BEFORE,
    Attendance,
    AttendanceChange,
    AttendanceClaim,
    Enrollment,
    Program,
    Session,
    SessionJoin,
)

User = get_user_model()

# Reasons stored in English (gettext_noop) and shown in the reader's language (AttendanceChange.reason_display).
CONFIRMED = gettext_noop("Provisional attendance confirmed")


def creditable_minutes(attendance: Attendance, program: Program) -> int:
    """The minutes of `attendance` that count for credits: all of them when verified; when
    provisional, only if the program lets provisional attendance earn credits. Every credit
    computation goes through this."""
    return attendance.creditable_minutes_in(program)


def creditable_q(program: Program) -> Q:
    """The same rule as `creditable_minutes`, as a filter on Attendance rows."""
    return Q() if program.provisional_attendance_earns_credit else Q(verified=True)


def minutes_needed(*, session_minutes: int, threshold_percent: int) -> int:
    """Minutes of attendance a session needs for credits: the threshold, rounded up."""
    return -(-session_minutes * threshold_percent // 100)


def require_started(session: Session) -> None:
    if session.starts_at > timezone.now():
        raise ValidationError(
            gettext("This session starts %(starts)s: attendance can be recorded once it has started.")
            % {"starts": date_time(session.starts_at)}
        )


def members_of(session: Session):
    return User.objects.filter(
        enrollments__program_id=session.program_id, enrollments__status=Enrollment.Status.APPROVED
    )


def _set_minutes(
    *,
    session: Session,
    user,
    minutes: int,
    source: str,
    by,
    reason: str,
    reason_params: dict | None = None,
    verified: bool = True,
    touched: set[int] | None = None,
) -> Attendance:
    """Write one row; add the user to `touched` when it changed, for `after_attendance_change`."""
    require_started(session)
    minutes = max(0, min(minutes, session.duration_minutes))
    attendance, created = Attendance.objects.select_for_update().get_or_create(
        session=session, user=user, defaults={"minutes": minutes, "source": source, "verified": verified}
    )
    old = 0 if created else attendance.minutes
    if not created:
        if (attendance.minutes, attendance.source, attendance.verified) == (minutes, source, verified):
            return attendance
        attendance.minutes, attendance.source, attendance.verified = minutes, source, verified
        attendance.save()
    if touched is not None:
        touched.add(user.pk)
    AttendanceChange.objects.create(
        attendance=attendance,
        changed_by=by,
        old_minutes=old,
        new_minutes=minutes,
        source=source,
        reason=reason[:300],
        reason_params=reason_params or {},
    )
    return attendance


@transaction.atomic
def record_join(*, session: Session, user, now: datetime | None = None) -> SessionJoin:
    """Keep the time of a person's first click on Join, from 15 minutes before the start
    until the end. A time, not minutes: after the session it becomes provisional attendance
    unless something better exists by then."""
    now = now or timezone.now()
    if session.is_cancelled:
        raise ValidationError(gettext("This session is cancelled."))
    if not session.starts_at - JOIN_OPENS_BEFORE <= now <= session.ends_at:
        raise ValidationError(
            gettext("Join opens 15 minutes before the session starts and closes when it ends.")
        )
    join, _ = SessionJoin.objects.get_or_create(session=session, user=user, defaults={"joined_at": now})
    Attendance.objects.filter(session=session, user=user, joined_at__isnull=True).update(
        joined_at=join.joined_at
    )
    return join


def pending_joins():
    """Joins of ended sessions, clicked in the session's join window (a session rescheduled
    since keeps no join of its old time), with no attendance row yet."""
    return (
        SessionJoin.objects.filter(
            session__status=Session.Status.SCHEDULED,
            joined_at__gte=F("session__starts_at") - JOIN_OPENS_BEFORE,
            joined_at__lte=F("session__ends_at"),
        )
        .exclude(Exists(Attendance.objects.filter(session=OuterRef("session"), user=OuterRef("user"))))
        .select_related("session")
        .order_by("pk")
    )


@transaction.atomic
def _record_provisional(join: SessionJoin) -> bool:
    session = join.session
    minutes = minutes_present(
        [(join.joined_at, session.ends_at)], start=session.starts_at, end=session.ends_at
    )
    # get_or_create, never an update: a roster tick or a report saved meanwhile wins.
    attendance, created = Attendance.objects.get_or_create(
        session=session,
        user_id=join.user_id,
        defaults={
            "minutes": minutes,
            "source": Attendance.Source.JOIN,
            "verified": False,
            "joined_at": join.joined_at,
        },
    )
    if created:
        AttendanceChange.objects.create(
            attendance=attendance,
            changed_by=None,
            old_minutes=0,
            new_minutes=minutes,
            source=Attendance.Source.JOIN,
            reason=gettext_noop("Joined from ECHO Hub at %(at)s: provisional until confirmed"),
            reason_params={"at": join.joined_at.isoformat()},
        )
    return created


def record_provisional_attendance(*, now: datetime | None = None, session: Session | None = None) -> int:
    """After a session ends, give each member who clicked Join and has no attendance row a
    provisional attendance: from their join (or the start) to the end. Run by the beat sweep;
    idempotent. Returns how many rows were created."""
    joins = pending_joins().filter(session__ends_at__lte=now or timezone.now())
    if session is not None:
        joins = joins.filter(session=session)
    return sum(_record_provisional(join) for join in joins)


@transaction.atomic
def confirm_provisional_attendance(
    *, session: Session, by, user_id: int | None = None, correction_reason: str = ""
) -> int:
    """A coordinator vouches for provisional attendance: of one member, or all of the session.
    The minutes stay; the rows become verified. Returns how many were confirmed.
    `correction_reason` is needed when a certificate already issued counts one of them."""
    if session.is_cancelled:
        raise ValidationError(gettext("This session was cancelled: there is no attendance to confirm."))
    if not session.is_past:
        raise ValidationError(gettext("Provisional attendance can be confirmed once the session has ended."))
    record_provisional_attendance(session=session)
    rows = Attendance.objects.select_for_update().filter(session=session, verified=False)
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    rows = list(rows)
    if not rows:
        return 0
    Attendance.objects.filter(pk__in=[a.pk for a in rows]).update(verified=True, updated_at=timezone.now())
    AttendanceChange.objects.bulk_create(
        AttendanceChange(
            attendance=a,
            changed_by=by,
            old_minutes=a.minutes,
            new_minutes=a.minutes,
            source=a.source,
            reason=CONFIRMED,
        )
        for a in rows
    )
    extra = {"confirmed": len(rows)} | ({"user_id": user_id} if user_id is not None else {})
    record(Action.ATTENDANCE_CONFIRMED, actor=by, obj=session, extra=extra)
    after_attendance_change(
        session=session, user_ids={a.user_id for a in rows}, by=by, reason=correction_reason
    )
    return len(rows)


def _untick(attendance: Attendance) -> bool:
    # A roster tick, or a provisional Join the coordinator says did not happen.
    return attendance.minutes > 0 and (
        attendance.source == Attendance.Source.ROSTER or not attendance.verified
    )


@transaction.atomic
def set_roster(
    *,
    session: Session,
    present_user_ids: Iterable[int],
    by,
    shown_user_ids: Iterable[int] | None = None,
    correction_reason: str = "",
) -> int:
    """Tick who was there: ticked members get the whole session unless a better number
    exists; unticked roster ticks and provisional rows go to 0 minutes, among `shown_user_ids`
    only when given (the page of the roster the coordinator saw). Returns how many rows changed.
    `correction_reason` is needed when a certificate already issued counts a changed row."""
    if session.is_cancelled:
        raise ValidationError(gettext("This session was cancelled: there is no attendance to record."))
    require_started(session)
    present = set(present_user_ids)
    members = {u.pk: u for u in members_of(session).filter(pk__in=present)}
    if present - set(members):
        raise ValidationError(gettext("Some ticked people are not members of this program."))
    rows = Attendance.objects.select_for_update().filter(session=session).select_related("user")
    if shown_user_ids is not None:
        rows = rows.filter(user_id__in=set(shown_user_ids) | present)
    existing = {a.user_id: a for a in rows}
    changed, touched = 0, set()
    for user_id, user in members.items():
        row = existing.get(user_id)
        if row is None or (row.source == Attendance.Source.ROSTER and row.minutes == 0):
            _set_minutes(
                session=session,
                user=user,
                minutes=session.duration_minutes,
                source=Attendance.Source.ROSTER,
                by=by,
                reason=gettext_noop("Ticked on the roster"),
                touched=touched,
            )
            changed += 1
    for user_id, attendance in existing.items():
        if user_id not in present and _untick(attendance):
            _set_minutes(
                session=session,
                user=attendance.user,
                minutes=0,
                source=Attendance.Source.ROSTER,
                by=by,
                reason=gettext_noop("Unticked on the roster"),
                touched=touched,
            )
            changed += 1
    if changed:
        record(Action.ATTENDANCE_ROSTER_SAVED, actor=by, obj=session, extra={"changed": changed})
    after_attendance_change(session=session, user_ids=touched, by=by, reason=correction_reason)
    return changed


@transaction.atomic
def adjust_attendance(*, session: Session, user, minutes: int, reason: str, by) -> Attendance:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": gettext("Say why you change the attendance: accreditation audits ask.")}
        )
    if session.is_cancelled:
        raise ValidationError(gettext("This session was cancelled: there is no attendance to record."))
    require_started(session)
    length = session.duration_minutes
    if not 0 <= minutes <= length:
        raise ValidationError(
            {
                "minutes": gettext("Give 0 to %(length)s minutes: the session lasted %(length)s minutes.")
                % {"length": length}
            }
        )
    if not members_of(session).filter(pk=user.pk).exists():
        raise ValidationError(gettext("This person is not a member of the program."))
    before = Attendance.objects.filter(session=session, user=user).values_list("minutes", flat=True).first()
    touched: set[int] = set()
    attendance = _set_minutes(
        session=session,
        user=user,
        minutes=minutes,
        source=Attendance.Source.ADJUSTED,
        by=by,
        reason=reason,
        touched=touched,
    )
    # Minutes only: the reason is free text and stays in AttendanceChange.
    record(
        Action.ATTENDANCE_ADJUSTED,
        actor=by,
        obj=session,
        extra={"user_id": user.pk, "minutes_before": before or 0, "minutes_after": attendance.minutes},
    )
    after_attendance_change(session=session, user_ids=touched, by=by, reason=reason)
    return attendance


@transaction.atomic
def file_claim(*, session: Session, user, minutes: int, note: str = "") -> AttendanceClaim:
    if not session.is_past:
        raise ValidationError(gettext("You can say you attended once the session has ended."))
    if session.is_cancelled:
        raise ValidationError(gettext("This session was cancelled."))
    if not 1 <= minutes <= session.duration_minutes:
        raise ValidationError(
            {
                "minutes": gettext("Give the minutes you attended, from 1 to %(max)s.")
                % {"max": session.duration_minutes}
            }
        )
    # Provisional minutes are not a count yet: a request can stand in for the confirmation.
    counted = (
        Attendance.objects.filter(session=session, user=user, verified=True)
        .values_list("minutes", flat=True)
        .first()
        or 0
    )
    if counted >= minutes:
        raise ValidationError(
            gettext("You are already counted for %(minutes)s minutes.") % {"minutes": counted}
        )
    claim, created = AttendanceClaim.objects.get_or_create(
        session=session, user=user, defaults={"minutes": minutes, "note": note.strip()}
    )
    if not created and claim.status != AttendanceClaim.Status.PENDING:
        raise ValidationError(gettext("A coordinator has already decided your request for this session."))
    if not created:
        claim.minutes, claim.note = minutes, note.strip()
        claim.save(update_fields=["minutes", "note"])
    return claim


@transaction.atomic
def decide_claim(*, claim: AttendanceClaim, approve: bool, by, note: str = "") -> AttendanceClaim:
    """Approve or decline an "I attended" request. Approving for someone whose issued
    certificate counts the session needs a `note`: it is the reason of the reissue."""
    claim = AttendanceClaim.objects.select_for_update().select_related("session", "user").get(pk=claim.pk)
    if claim.status != AttendanceClaim.Status.PENDING:
        return claim
    if approve:
        # The session may have been moved since the request was filed.
        require_started(claim.session)
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
        touched: set[int] = set()
        _set_minutes(
            session=claim.session,
            user=claim.user,
            minutes=claim.minutes,
            source=Attendance.Source.CLAIM,
            by=by,
            reason=gettext_noop("“I attended” request approved: %(note)s")
            if claim.decision_note
            else gettext_noop("“I attended” request approved"),
            reason_params={"note": claim.decision_note} if claim.decision_note else None,
            touched=touched,
        )
        after_attendance_change(session=claim.session, user_ids=touched, by=by, reason=claim.decision_note)
    return claim
