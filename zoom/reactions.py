"""What the zoom app does when sessions change (registered in ZoomConfig.ready through
sessions.hooks): enqueue the sync of the sessions of connected programs once the change
commits; programs without a Zoom connection cost one query and nothing else."""

from django.db.models import Subquery
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from echo_hub.lib.enqueue import enqueue_each_on_commit, enqueue_on_commit
from sessions.models import Role, Session

from .models import ZoomConnection, ZoomMeeting, stored_message


def sessions_changed(session_ids: list[int]) -> None:
    connected = Session.objects.filter(pk__in=session_ids, program__zoom_connection__isnull=False)
    enqueue_each_on_commit(
        "zoom.sync_session", [{"session_id": pk} for pk in connected.values_list("pk", flat=True)]
    )


def membership_changed(program_id: int, user_id: int) -> None:
    if ZoomConnection.objects.filter(program_id=program_id).exists():
        enqueue_on_commit("zoom.sync_member", program_id=program_id, user_id=user_id)


def session_notices(session, role: str | None) -> list[tuple[str, str, str]]:
    """For the program's coordinators: what went wrong with this session's meeting or report."""
    if role != Role.COORDINATOR:
        return []
    meeting = ZoomMeeting.objects.filter(session_id=session.pk)
    connection = (
        ZoomConnection.objects.filter(program_id=session.program_id)
        .annotate(
            meeting_status=Subquery(meeting.values("status")[:1]),
            meeting_error=Subquery(meeting.values("last_error")[:1]),
            report_error=Subquery(meeting.values("report_error")[:1]),
            report_unmatched=Subquery(meeting.values("report_unmatched")[:1]),
        )
        .values("status", "last_error", "meeting_status", "meeting_error", "report_error", "report_unmatched")
        .first()
    )
    if connection is None:
        return []

    page = reverse("zoom:meeting", kwargs={"slug": session.program.slug, "pk": session.pk})
    notices = []
    if connection["status"] == ZoomConnection.Status.ERROR:
        settings_page = reverse("zoom:connection", kwargs={"slug": session.program.slug})
        notices.append(
            (
                gettext("Zoom connection: %(error)s") % {"error": stored_message(connection["last_error"])},
                settings_page,
                gettext("Zoom connection"),
            )
        )
    if connection["meeting_status"] in (ZoomMeeting.Status.MISSING, ZoomMeeting.Status.ERROR):
        notices.append((stored_message(connection["meeting_error"]), page, gettext("Zoom meeting")))
    if connection["report_error"]:
        notices.append(
            (
                gettext("Zoom report: %(error)s") % {"error": stored_message(connection["report_error"])},
                page,
                gettext("Zoom meeting"),
            )
        )
    if connection["report_unmatched"]:
        unmatched = connection["report_unmatched"]
        notices.append(
            (
                ngettext(
                    "%(count)s person in Zoom's report joined without their personal link.",
                    "%(count)s people in Zoom's report joined without their personal link.",
                    unmatched,
                )
                % {"count": unmatched},
                page,
                gettext("Match them by hand"),
            )
        )
    return notices
