"""The outbox: every email is a Notification row, unique per (email, kind, object), claimed
by one worker before sending. Rows are written in the caller's transaction and handed to
Celery on commit; the periodic sweep resends whatever a dead broker or worker left."""

import logging
import smtplib
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from echo_hub.lib.email import OutboxEmail, render_text
from echo_hub.lib.enqueue import enqueue_each, enqueue_each_on_commit, enqueue_on_commit

from .kinds import OPTIONAL_KINDS, is_account_message, is_optional
from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SEND_TASK = "notifications.send"
SEND_BATCH_TASK = "notifications.send_batch"
# Messages per batch task: one connection to the mail server and a few statements each.
BATCH_SIZE = 200
# Messages queue_many renders before it writes them and hands them on: whole batches.
RENDER_CHUNK = 5 * BATCH_SIZE
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class Attachment:
    name: str
    content: str
    mimetype: str


@dataclass
class Message:
    """One message to one person, before it is rendered."""

    email: str
    kind: str
    object_key: str
    template: str
    context: dict
    user: object | None = None
    attachment: Attachment | None = None
    extra: dict = field(default_factory=dict)
    scope: str = ""
    # For an address without an account (an invitation): the language to write in; else the
    # language active when it is queued (the sender's).
    language: str = ""


def muted_kinds(user) -> set[str]:
    if user is None:
        return set()
    preference = NotificationPreference.objects.filter(user=user).first()
    return set(preference.muted_kinds) if preference else set()


def set_muted_kinds(*, user, kinds: Iterable[str]) -> NotificationPreference:
    kinds = sorted(set(kinds) & set(OPTIONAL_KINDS))
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"muted_kinds": kinds}
    )
    return preference


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Raises signing.BadSignature for a forged or damaged link."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(data["u"]), str(data["k"])


def _zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or settings.TIME_ZONE)
    except zoneinfo.ZoneInfoNotFoundError:
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _language(message: Message) -> str:
    """A person reads their own language, whoever caused the message and wherever it is
    rendered (a request in another language, a worker with none)."""
    language = getattr(message.user, "language", "") or message.language or translation.get_language()
    return language or settings.LANGUAGE_CODE


def _render(message: Message) -> Notification:
    context = {"site_url": settings.SITE_URL, "recipient": message.user, **message.context}
    if message.user is not None and is_optional(message.kind):
        token = unsubscribe_token(user_id=message.user.pk, kind=message.kind)
        context["unsubscribe_url"] = settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])
    # Every word and time in the message reads in the recipient's own language and zone.
    with timezone.override(_zone(message.user)), translation.override(_language(message)):
        subject = " ".join(render_text(f"emails/{message.template}_subject.txt", context).split())
        text = render_text(f"emails/{message.template}_body.txt", context)
        html = render_to_string(f"emails/{message.template}_body.html", context)
    attachment = message.attachment
    return Notification(
        user=message.user,
        email=message.email,
        kind=message.kind,
        object_key=message.object_key,
        scope=message.scope,
        subject=subject[:255],
        body_text=text,
        body_html=html,
        attachment_name=attachment.name if attachment else "",
        attachment_type=attachment.mimetype if attachment else "",
        attachment_content=attachment.content if attachment else "",
    )


def queue_email(
    *,
    email: str,
    kind: str,
    object_key: str,
    template: str,
    context: dict,
    user=None,
    attachment: Attachment | None = None,
    scope: str = "",
    language: str = "",
) -> Notification | None:
    """Record one message in the outbox and hand it to a worker after commit.

    Returns None when this exact message (email, kind, object) was queued before, or when
    the recipient turned this optional kind off. Templates: emails/<template>_subject.txt,
    _body.txt and _body.html. `scope` names who answers for the message when it fails
    ("program:12"); every message a program causes has one. `language`: what to write in to an
    address without an account (a user's own language always wins)."""
    if is_optional(kind) and kind in muted_kinds(user):
        return None
    return _save_and_enqueue(
        _render(
            Message(
                email, kind, object_key, template, context, user, attachment, scope=scope, language=language
            )
        )
    )


def queue_rendered(
    *,
    email: str,
    kind: str,
    object_key: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    user=None,
) -> Notification | None:
    """Record a message another library rendered (allauth's account emails) in the outbox and
    hand it to a worker after commit. Returns None when (email, kind, object) was queued before."""
    notification = Notification(
        user=user,
        email=email,
        kind=kind,
        object_key=object_key,
        subject=" ".join(subject.split())[:255],
        body_text=body_text,
        body_html=body_html,
    )
    return _save_and_enqueue(notification)


def _save_and_enqueue(notification: Notification) -> Notification | None:
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return None
    enqueue_on_commit(SEND_TASK, notification_id=notification.pk)
    return notification


def queue_many(messages: list[Message]) -> int:
    """Queue many messages at once (reminders for a whole program): skips those already
    in the outbox and those muted, inserts the rest in bulk. Returns how many this call
    wrote, and enqueues exactly those.

    They are rendered, written and handed to the workers a few batches at a time: outside a
    transaction (a sweep) the first go out while the rest are still being written, and a sweep
    that dies half-way leaves the rest to its next run; inside one, all go on commit."""
    if not messages:
        return 0
    kinds = {m.kind for m in messages}
    objects = {m.object_key for m in messages}
    existing = set(
        Notification.objects.filter(kind__in=kinds, object_key__in=objects).values_list(
            "email", "kind", "object_key"
        )
    )
    user_ids = {m.user.pk for m in messages if m.user is not None and is_optional(m.kind)}
    muted = {
        p.user_id: set(p.muted_kinds) for p in NotificationPreference.objects.filter(user_id__in=user_ids)
    }
    wanted, seen = [], set()
    for m in messages:
        key = (m.email, m.kind, m.object_key)
        if key in existing or key in seen or (m.user is not None and m.kind in muted.get(m.user.pk, ())):
            continue
        seen.add(key)
        wanted.append(m)
    return sum(
        _write_and_enqueue([_render(m) for m in wanted[start : start + RENDER_CHUNK]])
        for start in range(0, len(wanted), RENDER_CHUNK)
    )


def _write_and_enqueue(notifications: list[Notification]) -> int:
    batch = uuid.uuid4()
    for notification in notifications:
        notification.batch = batch
    # A racing sweep may have written some of these first: its rows win, ours are dropped.
    Notification.objects.bulk_create(notifications, batch_size=500, ignore_conflicts=True)
    ids = list(Notification.objects.filter(batch=batch).order_by("pk").values_list("pk", flat=True))
    enqueue_batches(ids)
    return len(ids)


def _build(notification: Notification) -> OutboxEmail:
    headers = {}
    if notification.user_id and is_optional(notification.kind):
        token = unsubscribe_token(user_id=notification.user_id, kind=notification.kind)
        url = settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])
        headers = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = OutboxEmail(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
        headers=headers,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    if notification.attachment_name:
        message.attach(
            notification.attachment_name, notification.attachment_content, notification.attachment_type
        )
    return message


def send_notification(*, notification_id: int) -> bool:
    """Send one pending message. Safe to run twice: only the worker that claims it sends."""
    claimed = Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        status=Notification.Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if claimed != 1:
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        _build(notification).send()
    except Exception as exc:
        _give_back([notification], exc)
        logger.warning("Sending notification %s failed (%s).", notification_id, type(exc).__name__)
        raise
    _mark_sent([notification])
    return True


def _give_back(notifications: list[Notification], exc: Exception) -> None:
    """After a failed try: pending again, or failed for a person once the tries ran out."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    ids = [n.pk for n in notifications]
    now = timezone.now()
    rows = Notification.objects.filter(pk__in=ids, status=Notification.Status.SENDING)
    rows.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Notification.Status.FAILED, last_error=error, updated_at=now
    )
    rows.update(status=Notification.Status.PENDING, last_error=error, updated_at=now)


def _mark_sent(notifications: list[Notification]) -> None:
    if not notifications:
        return
    now = timezone.now()
    sent = {"status": Notification.Status.SENT, "sent_at": now, "last_error": "", "updated_at": now}
    # Account messages carry sign-in links: their text is not kept once sent.
    account = [n.pk for n in notifications if is_account_message(n.kind)]
    other = [n.pk for n in notifications if not is_account_message(n.kind)]
    if account:
        Notification.objects.filter(pk__in=account).update(**sent, body_text="", body_html="")
    if other:
        Notification.objects.filter(pk__in=other).update(**sent)


def _claim_batch(notification_ids: list[int]) -> list[Notification]:
    """Claim the pending rows among these, counting the try, in one transaction. Rows another
    worker holds are skipped (PostgreSQL's SKIP LOCKED), not waited for: each row goes to one."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=notification_ids, status=Notification.Status.PENDING)
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        Notification.objects.filter(pk__in=ids, status=Notification.Status.PENDING).update(
            status=Notification.Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
        )
    return list(Notification.objects.filter(pk__in=ids, status=Notification.Status.SENDING).order_by("pk"))


def send_batch(*, notification_ids: list[int]) -> int:
    """Send many messages (a fan-out, a sweep) over one connection to the mail server, claimed
    and marked sent in a few statements rather than two commits each. Returns how many went.

    A message the server refuses (a bad address, a full mailbox) is handed to the one-message
    task, which gives it its full set of tries with backoff, this one not counted; the rest of
    the batch goes on. A connection that fails counts a try for every message not yet sent and
    is raised, for the task's retry."""
    batch = _claim_batch(list(notification_ids))
    if not batch:
        return 0
    sent, refused = [], []
    connection = get_connection(fail_silently=False)
    position = 0
    try:
        connection.open()
        for position, notification in enumerate(batch):  # noqa: B007 (read after the loop)
            try:
                connection.send_messages([_build(notification)])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
                refused.append((notification, exc))
            else:
                sent.append(notification)
    except Exception as exc:
        _give_back(batch[position:], exc)
        logger.warning("Sending a batch of %s messages stopped (%s).", len(batch), type(exc).__name__)
        raise
    finally:
        connection.close()
        _mark_sent(sent)
        _hand_over_refused(refused)
    return len(sent)


def _hand_over_refused(refused: list[tuple[Notification, Exception]]) -> None:
    for notification, exc in refused:
        Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
            status=Notification.Status.PENDING,
            attempts=F("attempts") - 1,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            updated_at=timezone.now(),
        )
    enqueue_each(SEND_TASK, [{"notification_id": n.pk} for n, _ in refused])


def enqueue_batches(notification_ids: list[int], *, on_commit: bool = True) -> None:
    chunks = [
        {"notification_ids": notification_ids[i : i + BATCH_SIZE]}
        for i in range(0, len(notification_ids), BATCH_SIZE)
    ]
    (enqueue_each_on_commit if on_commit else enqueue_each)(SEND_BATCH_TASK, chunks)


def sweep_notifications() -> list[int]:
    """Requeue messages that a dead broker or worker left behind; return their ids.
    A failed attempt waits longer each time (2, 4, 8, 16 minutes) before it is retried."""
    now = timezone.now()
    Notification.objects.filter(
        status=Notification.Status.SENDING, updated_at__lt=now - timedelta(minutes=10)
    ).update(status=Notification.Status.PENDING, updated_at=now)
    due = []
    for attempts in range(MAX_ATTEMPTS):
        wait = timedelta(minutes=2 ** max(attempts, 1))
        due += list(
            Notification.objects.filter(
                status=Notification.Status.PENDING, attempts=attempts, updated_at__lt=now - wait
            ).values_list("pk", flat=True)[:500]
        )
    enqueue_batches(due, on_commit=False)
    return due


@transaction.atomic
def retry_notification(*, notification: Notification) -> None:
    """A person asked to try a failed message again: give it a fresh set of attempts."""
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.FAILED).update(
        status=Notification.Status.PENDING, attempts=0, updated_at=timezone.now()
    )
    enqueue_on_commit(SEND_TASK, notification_id=notification.pk)
