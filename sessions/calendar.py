"""A session as an iCalendar event: the same UID everywhere, SEQUENCE from the row. The words
(SUMMARY, DESCRIPTION) are in the active language: the reader's (see the feed and reminders)."""

from django.utils import timezone
from django.utils.translation import gettext

from echo_hub.lib.ics import CalendarEvent, build_calendar
from echo_hub.lib.urls import absolute_url

from .models import Session


def calendar_event(session: Session, *, join_url: str | None = None) -> CalendarEvent:
    """`join_url`: the reader's own link (sessions.selectors.join_url_for); the session's by default."""
    join_url = session.join_url if join_url is None else join_url
    lines = [session.program.name]
    if session.didactic_topic:
        lines.append(gettext("Didactic: %(topic)s") % {"topic": session.didactic_topic})
    if session.didactic_presenter:
        name = session.didactic_presenter.name_with_credentials
        lines.append(gettext("Presenter: %(name)s") % {"name": name})
    if session.is_cancelled:
        lines.append(gettext("Cancelled: %(reason)s") % {"reason": session.cancel_reason})
    if join_url:
        lines.append(gettext("Join: %(url)s") % {"url": join_url})
    page = absolute_url("sessions:session_detail", slug=session.program.slug, pk=session.pk)
    lines.append(gettext("Session page: %(url)s") % {"url": page})
    return CalendarEvent(
        uid=session.ical_uid,
        sequence=session.sequence,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        # Translators: a calendar entry's title, e.g. "ECHO: Chronic Pain — Session 3".
        summary=gettext("ECHO: %(program)s — %(title)s")
        % {"program": session.program.name, "title": session.title},
        description="\n".join(lines),
        url=page,
        location=join_url,
        cancelled=session.is_cancelled,
        last_modified=session.updated_at,
    )


def session_ics(session: Session, *, join_url: str | None = None) -> str:
    return build_calendar(
        [calendar_event(session, join_url=join_url)], name=session.program.name, stamp=timezone.now()
    ).decode()
