"""The coordinators' daily digest: one email a morning (in their own time zone) listing what
waits for them across their programs, sent only when something does and only to those who
keep "daily digest" ticked on their profile. Computed from the database by a beat task; the
outbox key (email, kind, local date) makes it go out at most once a day."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.models import Notification
from echo_hub.notifications.services import queue_email
from sessions.models import Enrollment, Role

from .waiting import waiting_for_digest

DIGEST_KIND = "coordinator_digest"
# Sent from this local hour on, so it is in the inbox when the working day starts.
DIGEST_HOUR = 7


def _local_now(user, now: datetime) -> datetime:
    try:
        zone = ZoneInfo(user.time_zone or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    return now.astimezone(zone)


def digest_key(local_day) -> str:
    return f"digest:{local_day.isoformat()}"


def digest_recipients():
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            daily_digest=True,
            enrollments__status=Enrollment.Status.APPROVED,
            enrollments__role=Role.COORDINATOR,
        )
        .distinct()
        .order_by("pk")
    )


def send_coordinator_digests(*, now: datetime | None = None) -> int:
    """Queue today's digest for every coordinator whose morning has come, who has not had it
    today and for whom something waits. Returns how many were queued."""
    now = now or timezone.now()
    already = set(
        Notification.objects.filter(kind=DIGEST_KIND, created_at__gte=now - timedelta(days=2)).values_list(
            "email", "object_key"
        )
    )
    queued = 0
    for user in digest_recipients():
        local = _local_now(user, now)
        key = digest_key(local.date())
        if local.hour < DIGEST_HOUR or (user.email, key) in already:
            continue
        waiting = waiting_for_digest(user)
        if not waiting:
            continue
        notification = queue_email(
            email=user.email,
            user=user,
            kind=DIGEST_KIND,
            object_key=key,
            template="coordinator_digest",
            context={
                "waiting": waiting,
                "total": sum(w.total for w in waiting),
                "day": local.date(),
                "profile_url": absolute_url("accounts:profile"),
            },
        )
        queued += notification is not None
    return queued
