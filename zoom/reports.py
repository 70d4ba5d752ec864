"""Attendance from Zoom's own participants report (`/past_meetings/{uuid}/participants`).

Each row of the report becomes a row of the same kind the CSV import reads, and goes through the
same import (sessions.participant_report): people registered with their personal link are named
by their registrant_id and carry their member's email, so they match exactly; everyone else is
matched as in a CSV (email, a name remembered from an earlier match) or left for the
coordinator to match by hand. The same merging and clipping to the session, the same rules on
numbers a coordinator adjusted, the same audit. A report is imported once per meeting: a second
webhook or the sweep finds it done."""

import csv
import io
import logging
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from echo_hub.lib.enqueue import enqueue_each, enqueue_on_commit
from sessions import participant_report
from sessions.models import Session
from sessions.zoom import ZoomReport, people_from_rows
from sessions.zoom_rows import ZoomRow

from .client import ZoomAuthError, ZoomClient, ZoomError, ZoomUnavailable, detailed
from .models import ZoomConnection, ZoomMeeting, ZoomRegistrant

logger = logging.getLogger(__name__)

FILENAME = "Zoom participants report"
# Zoom keeps reports for a year; a meeting whose report is still missing after this long needs a person.
SWEEP_REPORTS_FOR = timedelta(days=7)
# Zoom builds the report a few minutes after the meeting ends.
REPORT_DELAY = timedelta(minutes=5)
CSV_HEADER = ["Name (original name)", "User Email", "Join Time", "Leave Time", "Duration (minutes)"]


def _when(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def _whole_seconds(value: str) -> str:
    """Zoom's times to the second, as its CSV export has them: the import and the "match by
    hand" page (which reads the report as CSV) then count exactly the same minutes."""
    when = _when(value)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if when else ""


def report_rows(meeting: ZoomMeeting, participants: list[dict]) -> list[dict]:
    """Zoom's participants as the rows ECHO Hub keeps: a registrant carries their member's email."""
    emails = dict(ZoomRegistrant.objects.filter(meeting=meeting).values_list("registrant_id", "user__email"))
    rows = []
    for p in participants:
        if p.get("status") == "in_waiting_room":
            continue  # waiting is not attending, as in the CSV import
        email = emails.get(str(p.get("registrant_id") or "")) or (p.get("user_email") or "")
        rows.append(
            {
                "name": str(p.get("name") or "")[:200],
                "email": email.strip().lower(),
                "join_time": _whole_seconds(p.get("join_time") or ""),
                "leave_time": _whole_seconds(p.get("leave_time") or ""),
                "duration": int(p.get("duration") or 0),
            }
        )
    return rows


def report_of(rows: list[dict]) -> ZoomReport:
    parsed = [
        ZoomRow(
            line=line,
            name=r["name"],
            email=r["email"],
            joined_at=_when(r["join_time"]),
            left_at=_when(r["leave_time"]),
            minutes=r["duration"] // 60,
        )
        for line, r in enumerate(rows, start=2)
    ]
    untimed = [row.line for row in parsed if row.joined_at is None or row.left_at is None]
    return ZoomReport(
        people=people_from_rows(parsed),
        meeting_topic="",
        meeting_id="",
        row_count=len(parsed),
        untimed_lines=untimed,
    )


def report_csv(rows: list[dict], *, zone) -> str:
    """The rows as Zoom's own CSV export, for the upload's "match by hand" page."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in rows:
        joined, left = _when(r["join_time"]), _when(r["leave_time"])
        writer.writerow(
            [
                r["name"],
                r["email"],
                f"{joined.astimezone(zone):%Y-%m-%d %H:%M:%S}" if joined else "",
                f"{left.astimezone(zone):%Y-%m-%d %H:%M:%S}" if left else "",
                r["duration"] // 60,
            ]
        )
    return out.getvalue()


def meeting_ended(*, connection: ZoomConnection, meeting_id: int, uuid: str) -> ZoomMeeting | None:
    """The `meeting.ended` webhook: remember which instance ended and fetch its report."""
    meeting = ZoomMeeting.objects.filter(
        session__program_id=connection.program_id, meeting_id=meeting_id
    ).first()
    if meeting is None:
        logger.info("meeting.ended for a meeting of no session of program %s", connection.program_id)
        return None
    if uuid and meeting.ended_uuid != uuid:
        ZoomMeeting.objects.filter(pk=meeting.pk).update(ended_uuid=uuid[:100])
    if meeting.report_imported_at is None:
        enqueue_on_commit("zoom.import_report", meeting_pk=meeting.pk)
    return meeting


def import_report(*, meeting_pk: int) -> dict | None:
    """Fetch the participants report of an ended meeting and record attendance from it, once.
    ZoomUnavailable propagates for the task to retry; other problems are kept on the meeting,
    shown on the session page, and tried again by the sweep."""
    meeting = ZoomMeeting.objects.select_related("session__program").filter(pk=meeting_pk).first()
    if meeting is None or meeting.meeting_id is None or meeting.report_imported_at is not None:
        return None
    session: Session = meeting.session
    connection = ZoomConnection.objects.filter(program_id=session.program_id).first()
    if connection is None or session.is_cancelled:
        return None
    try:
        participants = ZoomClient(connection).past_participants(
            meeting.ended_uuid or meeting.uuid or str(meeting.meeting_id)
        )
    except ZoomAuthError as exc:
        _report_failed(meeting, str(exc))
        return None
    except ZoomUnavailable:
        raise
    except ZoomError:
        _report_failed(
            meeting,
            gettext_noop("Zoom has no participants report for this meeting yet; it is fetched again later."),
        )
        return None
    rows = report_rows(meeting, participants)
    try:
        with transaction.atomic():
            # The claim: of two workers (a webhook twice, the sweep), only one imports.
            if not ZoomMeeting.objects.filter(pk=meeting.pk, report_imported_at__isnull=True).update(
                report_imported_at=timezone.now()
            ):
                return None
            result = participant_report.import_report(
                session=session, report=report_of(rows), chosen={}, by=None, filename=FILENAME
            )
            ZoomMeeting.objects.filter(pk=meeting.pk).update(
                report=rows, report_unmatched=len(result["unmatched"]), report_error=""
            )
    except ValidationError as exc:
        # The service's own words come translated already (the worker's language): kept as detail.
        _report_failed(
            meeting,
            detailed(
                gettext_noop("Zoom's participants report could not be imported."), " ".join(exc.messages)
            ),
        )
        return None
    return result


def _report_failed(meeting: ZoomMeeting, message: str) -> None:
    ZoomMeeting.objects.filter(pk=meeting.pk).update(report_error=message[:300])


def reports_due(now: datetime | None = None):
    """Meetings of sessions that ended (a while ago, so Zoom has built the report), recently
    enough to be worth asking, whose report is not imported."""
    now = now or timezone.now()
    return ZoomMeeting.objects.filter(
        meeting_id__isnull=False,
        status=ZoomMeeting.Status.ACTIVE,
        report_imported_at__isnull=True,
        session__status=Session.Status.SCHEDULED,
        session__ends_at__lte=now - REPORT_DELAY,
        session__ends_at__gte=now - SWEEP_REPORTS_FOR,
        session__program__zoom_connection__status=ZoomConnection.Status.CONNECTED,
    ).order_by("pk")


def sweep(*, now: datetime | None = None) -> dict:
    """The beat's safety net: sessions of connected programs whose meeting is missing or out
    of date get a sync, ended meetings whose report a webhook missed get it fetched."""
    now = now or timezone.now()
    upcoming = Session.objects.filter(
        ends_at__gt=now, program__zoom_connection__status=ZoomConnection.Status.CONNECTED
    ).order_by("starts_at")
    synced = enqueue_each(
        "zoom.sync_session", [{"session_id": pk} for pk in upcoming.values_list("pk", flat=True)]
    )
    imported = enqueue_each(
        "zoom.import_report", [{"meeting_pk": pk} for pk in reports_due(now).values_list("pk", flat=True)]
    )
    return {"sync": synced, "reports": imported}
