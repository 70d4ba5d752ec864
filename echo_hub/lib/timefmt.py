"""How times read everywhere in the product: `Wed 21 Oct 2026, 12:00–14:00 EDT`."""

from datetime import datetime, tzinfo

from django.utils import timezone


def session_time(starts_at: datetime, ends_at: datetime, zone: tzinfo | None = None) -> str:
    zone = zone or timezone.get_current_timezone()
    start = starts_at.astimezone(zone)
    end = ends_at.astimezone(zone)
    if start.date() == end.date():
        span = f"{start:%H:%M}–{end:%H:%M}"
    else:
        span = f"{start:%H:%M} – {end:%a %-d %b %H:%M}"
    return f"{start:%a %-d %b %Y}, {span} {start.tzname()}"


def date_time(value: datetime, zone: tzinfo | None = None) -> str:
    local = value.astimezone(zone or timezone.get_current_timezone())
    return f"{local:%a %-d %b %Y, %H:%M} {local.tzname()}"
