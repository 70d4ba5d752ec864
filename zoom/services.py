"""Connecting a program to Zoom and keeping each session's meeting and registrants in line with
the schedule and the roster. Every sync compares what Zoom holds (as last stored) with the
session and calls Zoom only for a difference, so running it twice, or from the sweep after a
task, changes nothing. Each call to Zoom is followed by its own commit: a failure later in the
run never forgets a meeting or a registration Zoom already made."""

import contextlib
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from echo_hub.audit.services import Action, record
from echo_hub.lib.enqueue import enqueue_each, enqueue_on_commit
from sessions.attendance import members_of
from sessions.models import MemberJoinLink, Program, Session

from . import crypto
from .client import ZoomAuthError, ZoomClient, ZoomMeetingGone
from .models import ZoomConnection, ZoomMeeting, ZoomRegistrant

logger = logging.getLogger(__name__)

SECRET_FIELDS = ("client_secret", "webhook_token")


@transaction.atomic
def save_connection(
    *, program: Program, account_id: str, client_id: str, client_secret: str, webhook_token: str, by
) -> ZoomConnection:
    """Store a program's Zoom app. A blank secret keeps the stored one (they are never shown
    again); a new connection needs both. The connection is then checked and every upcoming
    session gets its meeting, in tasks."""
    connection = ZoomConnection.objects.select_for_update().filter(program=program).first()
    missing = {
        name: gettext("Enter it: no secret is stored yet.")
        for name, value in (("client_secret", client_secret), ("webhook_token", webhook_token))
        if connection is None and not value
    }
    if missing:
        raise ValidationError(missing)
    connection = connection or ZoomConnection(program=program)
    changed = [
        name
        for name, value in (("account_id", account_id), ("client_id", client_id))
        if getattr(connection, name) != value
    ] + [
        name for name, value in (("client_secret", client_secret), ("webhook_token", webhook_token)) if value
    ]
    connection.account_id, connection.client_id = account_id, client_id
    if client_secret:
        connection.client_secret_encrypted = crypto.encrypt(client_secret)
    if webhook_token:
        connection.webhook_token_encrypted = crypto.encrypt(webhook_token)
    if changed:
        connection.status, connection.last_error = ZoomConnection.Status.UNCHECKED, ""
        connection.access_token_encrypted, connection.token_expires_at = "", None
    connection.updated_by = by
    connection.save()
    # Names of what changed, never a value.
    record(
        Action.PROGRAM_CHANGED, actor=by, obj=program, extra={f"zoom_{name}": "changed" for name in changed}
    )
    enqueue_on_commit("zoom.check_connection", program_id=program.pk)
    return connection


def _mark_connection(connection: ZoomConnection, *, error: str = "") -> None:
    status = ZoomConnection.Status.ERROR if error else ZoomConnection.Status.CONNECTED
    connection.status, connection.last_error, connection.checked_at = status, error[:300], timezone.now()
    ZoomConnection.objects.filter(pk=connection.pk).update(
        status=status, last_error=connection.last_error, checked_at=connection.checked_at
    )


def check_connection(*, program_id: int) -> ZoomConnection | None:
    """Ask Zoom for a token with the stored credentials; on success, bring every upcoming
    session's meeting in line."""
    connection = ZoomConnection.objects.filter(program_id=program_id).first()
    if connection is None:
        return None
    try:
        ZoomClient(connection).fetch_token()
    except ZoomAuthError as exc:
        _mark_connection(connection, error=str(exc))
        return connection
    _mark_connection(connection)
    enqueue_each("zoom.sync_session", [{"session_id": pk} for pk in _upcoming(program_id)])
    return connection


def _upcoming(program_id: int) -> list[int]:
    return list(
        Session.objects.filter(program_id=program_id, ends_at__gt=timezone.now())
        .order_by("starts_at")
        .values_list("pk", flat=True)
    )


def _wanted(session: Session) -> dict:
    return {
        "topic": f"{session.program.name} — {session.title}"[:200],
        "starts_at": session.starts_at,
        "minutes": session.duration_minutes,
        "time_zone": session.program.time_zone,
    }


def _is_synced(meeting: ZoomMeeting, want: dict) -> bool:
    return (meeting.synced_topic, meeting.synced_starts_at, meeting.synced_minutes) == (
        want["topic"],
        want["starts_at"],
        want["minutes"],
    )


def _store_synced(meeting: ZoomMeeting, want: dict, **fields) -> None:
    fields |= {
        "synced_topic": want["topic"],
        "synced_starts_at": want["starts_at"],
        "synced_minutes": want["minutes"],
    }
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()


def _locked_meeting(session: Session) -> ZoomMeeting:
    ZoomMeeting.objects.get_or_create(session=session)
    return ZoomMeeting.objects.select_for_update().get(session=session)


def _sync_meeting(client: ZoomClient, session: Session) -> ZoomMeeting:
    want = _wanted(session)
    with transaction.atomic():
        meeting = _locked_meeting(session)
        if session.is_cancelled:
            if meeting.meeting_id and meeting.status == ZoomMeeting.Status.ACTIVE:
                # Already deleted in Zoom is as good as deleted.
                with contextlib.suppress(ZoomMeetingGone):
                    client.delete_meeting(meeting.meeting_id)
                meeting.status = ZoomMeeting.Status.DELETED
                meeting.save()
                MemberJoinLink.objects.filter(session=session).delete()
            return meeting
        if meeting.status in (ZoomMeeting.Status.MISSING, ZoomMeeting.Status.ERROR):
            return meeting  # a coordinator recreates it: never a second meeting behind their back
        if meeting.meeting_id is None or meeting.status == ZoomMeeting.Status.DELETED:
            # A cancelled session brought back gets a new meeting; its old registrations died with the old one.
            meeting.registrants.all().delete()
            MemberJoinLink.objects.filter(session=session).delete()
            body = client.create_meeting(**want)
            _store_synced(
                meeting,
                want,
                meeting_id=int(body["id"]),
                uuid=str(body.get("uuid", "")),
                join_url=body.get("join_url", ""),
                status=ZoomMeeting.Status.ACTIVE,
                last_error="",
            )
        elif not _is_synced(meeting, want):
            client.update_meeting(meeting.meeting_id, **want)
            _store_synced(meeting, want)
        return meeting


def _split_name(user) -> tuple[str, str]:
    name = (user.full_name or "").strip() or user.email.split("@")[0]
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (last, ".")


def _sync_registrants(client: ZoomClient, session: Session, meeting: ZoomMeeting) -> None:
    members = {u.pk: u for u in members_of(session).filter(is_active=True).only("pk", "email", "full_name")}
    registered = {r.user_id: r for r in meeting.registrants.select_related("user")}
    for user_id, user in members.items():
        current = registered.get(user_id)
        if current is not None and current.cancelled_at is None:
            continue
        with transaction.atomic():
            ZoomMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
            if ZoomRegistrant.objects.filter(
                meeting=meeting, user_id=user_id, cancelled_at__isnull=True
            ).exists():
                continue
            first, last = _split_name(user)
            registration = client.add_registrant(
                meeting.meeting_id, email=user.email, first_name=first, last_name=last
            )
            ZoomRegistrant.objects.update_or_create(
                meeting=meeting,
                user_id=user_id,
                defaults={
                    "registrant_id": registration.registrant_id,
                    "join_url": registration.join_url,
                    "cancelled_at": None,
                },
            )
            MemberJoinLink.objects.update_or_create(
                session=session, user_id=user_id, defaults={"url": registration.join_url}
            )
    gone = [r for user_id, r in registered.items() if user_id not in members and r.cancelled_at is None]
    for registrant in gone:
        with transaction.atomic():
            client.cancel_registrants(meeting.meeting_id, [(registrant.registrant_id, registrant.user.email)])
            ZoomRegistrant.objects.filter(pk=registrant.pk).update(cancelled_at=timezone.now())
            MemberJoinLink.objects.filter(session=session, user_id=registrant.user_id).delete()


def sync_session(*, session_id: int) -> ZoomMeeting | None:
    """Create, update or delete the session's meeting and register or cancel members, as the
    session and the roster now say. Sessions that have ended are left as they are: their
    meeting is the record of what happened. ZoomUnavailable propagates for the task to retry."""
    session = Session.objects.select_related("program").filter(pk=session_id).first()
    connection = ZoomConnection.objects.filter(program_id=session.program_id).first() if session else None
    if connection is None or connection.status == ZoomConnection.Status.ERROR:
        return None
    if session.ends_at <= timezone.now() and not session.is_cancelled:
        return ZoomMeeting.objects.filter(session=session).first()
    if session.is_cancelled and not ZoomMeeting.objects.filter(session=session).exists():
        return None
    client = ZoomClient(connection)
    try:
        meeting = _sync_meeting(client, session)
        if meeting.status == ZoomMeeting.Status.ACTIVE and not session.is_cancelled:
            _sync_registrants(client, session, meeting)
    except ZoomAuthError as exc:
        _mark_connection(connection, error=str(exc))
        return None
    except ZoomMeetingGone as exc:
        ZoomMeeting.objects.filter(session=session).update(
            status=ZoomMeeting.Status.MISSING, last_error=str(exc)[:300]
        )
        return ZoomMeeting.objects.filter(session=session).first()
    if connection.status != ZoomConnection.Status.CONNECTED:
        _mark_connection(connection)
    return meeting


def sync_member(*, program_id: int, user_id: int) -> int:
    """A member joined or left: each upcoming session of the program is synced, which registers
    or cancels them (and anyone else whose registration is missing). Returns how many were queued."""
    sessions = _upcoming(program_id)
    return enqueue_each("zoom.sync_session", [{"session_id": pk} for pk in sessions])


@transaction.atomic
def recreate_meeting(*, session: Session, by) -> None:
    """A coordinator replaces a meeting deleted in Zoom: the next sync creates a new one and
    registers every member again (their old links died with the old meeting)."""
    if not ZoomConnection.objects.filter(program_id=session.program_id).exists():
        raise ValidationError(gettext("This program is not connected to Zoom."))
    if session.is_cancelled or session.ends_at <= timezone.now():
        raise ValidationError(gettext("Only the meeting of an upcoming session can be recreated."))
    meeting = ZoomMeeting.objects.select_for_update().filter(session=session).first()
    if meeting is not None:
        meeting.registrants.all().delete()
        meeting.delete()
    MemberJoinLink.objects.filter(session=session).delete()
    record(Action.SESSION_EDITED, actor=by, obj=session, extra={"zoom_meeting": "recreated"})
    enqueue_on_commit("zoom.sync_session", session_id=session.pk)
