"""Session messages: reminders the beat sweep finds due, and changes a coordinator saves."""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation

from echo_hub.lib.enqueue import enqueue_on_commit
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.services import Attachment, Message, queue_many

from .calendar import session_ics
from .models import Enrollment, MemberJoinLink, Session, SessionChange, program_scope

User = get_user_model()

DAY_BEFORE = timedelta(hours=24)
HOUR_BEFORE = timedelta(hours=1)
NOTIFY_TASK = "sessions.notify_session_change"
# A change's own task normally runs within seconds; the sweep takes over after this.
CHANGE_GRACE = timedelta(minutes=2)


def _members(session: Session):
    return User.objects.filter(
        enrollments__program_id=session.program_id,
        enrollments__status=Enrollment.Status.APPROVED,
        is_active=True,
    ).only("pk", "email", "full_name", "time_zone", "language")


def _messages(session: Session, *, kind: str, object_key: str, template: str, extra: dict) -> list[Message]:
    # Members registered with the video platform get their own link, in the text and the .ics;
    # each reads the calendar entry in their own language.
    own = dict(MemberJoinLink.objects.filter(session=session).values_list("user_id", "url"))
    entries: dict[tuple[str, str | None], Attachment] = {}

    def entry(language: str, join_url: str | None) -> Attachment:
        if (language, join_url) not in entries:
            with translation.override(language):
                ics = session_ics(session, join_url=join_url)
            entries[language, join_url] = Attachment(f"echo-session-{session.pk}.ics", ics, "text/calendar")
        return entries[language, join_url]

    context = {
        "session": session,
        "program": session.program,
        "session_url": absolute_url("sessions:session_detail", slug=session.program.slug, pk=session.pk),
        "join_url": session.join_url,
        **extra,
    }
    return [
        Message(
            email=u.email,
            kind=kind,
            object_key=object_key,
            template=template,
            context=context | {"join_url": own[u.pk]} if u.pk in own else context,
            user=u,
            attachment=entry(u.language or settings.LANGUAGE_CODE, own.get(u.pk)),
            scope=program_scope(session.program_id),
        )
        for u in _members(session)
    ]


def reminder_kind(session: Session, now: datetime) -> str | None:
    """Which reminder is due now. After an outage only what is still useful goes out:
    inside the last hour the day-before reminder is dropped for the one-hour one, and
    nothing is sent once the session has started."""
    until = session.starts_at - now
    if until <= timedelta(0) or session.is_cancelled:
        return None
    if until <= HOUR_BEFORE:
        return "session_reminder_1h"
    if until <= DAY_BEFORE:
        return "session_reminder_24h"
    return None


def send_due_session_reminders(
    *, now: datetime | None = None, agenda: Mapping[int, list[int]] | None = None
) -> int:
    """Queue every session reminder that is due and not yet in the outbox."""
    now = now or timezone.now()
    agenda = agenda or {}
    sessions = Session.objects.filter(
        status=Session.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + DAY_BEFORE
    ).select_related("program", "presenter", "guest_presenter")
    queued = 0
    for session in sessions:
        kind = reminder_kind(session, now)
        if kind is None:
            continue
        # The start time is in the key: a rescheduled session is reminded again.
        key = f"session:{session.pk}:{session.starts_at:%Y%m%dT%H%M}"
        queued += queue_many(
            _messages(
                session,
                kind=kind,
                object_key=key,
                template="session_reminder",
                extra={"agenda": agenda.get(session.pk, []), "hours": 1 if kind.endswith("1h") else 24},
            )
        )
    return queued


def announce_session_change(*, session: Session) -> SessionChange:
    """Inside the change's transaction: save that members must hear of it, and hand the
    fan-out of messages to a worker once it commits."""
    kind = SessionChange.Kind.CANCELLED if session.is_cancelled else SessionChange.Kind.RESCHEDULED
    change, _ = SessionChange.objects.get_or_create(
        session=session, sequence=session.sequence, defaults={"kind": kind}
    )
    enqueue_on_commit(NOTIFY_TASK, change_id=change.pk)
    return change


@transaction.atomic
def notify_session_change(*, change_id: int) -> int:
    """Tell every member that a session was cancelled or moved, with the updated calendar
    entry (same UID, higher SEQUENCE). Essential: preferences do not apply. The change row is
    locked and marked in the transaction that writes the messages, so a task run twice (a
    retry, the sweep) writes them once; a change a later one replaced is not sent."""
    change = (
        SessionChange.objects.select_for_update(of=("self",))
        .filter(pk=change_id, notified_at__isnull=True)
        .select_related("session__program", "session__presenter")
        .first()
    )
    if change is None:
        return 0
    session = change.session
    queued = 0
    if session.sequence == change.sequence:
        queued = queue_many(
            _messages(
                session,
                kind=change.kind,
                object_key=f"session:{session.pk}:seq{change.sequence}",
                template=change.kind,
                extra={},
            )
        )
    SessionChange.objects.filter(pk=change.pk).update(notified_at=timezone.now())
    return queued


def send_due_session_changes(*, now: datetime | None = None) -> int:
    """The beat sweep's share: the changes whose task never ran (a broker outage)."""
    now = now or timezone.now()
    due = SessionChange.objects.filter(notified_at__isnull=True, created_at__lte=now - CHANGE_GRACE)
    return sum(notify_session_change(change_id=pk) for pk in due.order_by("pk").values_list("pk", flat=True))
