"""What the Zoom reports ECHO Hub keeps say about one person: their rows for a data export, and
their removal when the account closes. A meeting's report keeps every participant's name, email
and times so a coordinator can match the unmatched by hand; a closed account's rows go."""

from collections.abc import Collection

from django.db import transaction

from .models import ZoomMeeting


def _meetings(user):
    # The meetings of the programs the person belongs or belonged to; their report rows are
    # filtered in Python, as SQLite has no JSON containment lookup.
    return (
        ZoomMeeting.objects.filter(session__program__enrollments__user=user)
        .exclude(report=[])
        .select_related("session__program")
        .distinct()
        .order_by("session__starts_at", "pk")
    )


def report_rows_of(user, emails: Collection[str]):
    """(program, session, starts_at, name, email, joined, left) of each row naming `emails`."""
    emails = {e.lower() for e in emails}
    for meeting in _meetings(user):
        session = meeting.session
        for row in meeting.report:
            if (row.get("email") or "").lower() in emails:
                yield [
                    session.program.name,
                    session.title,
                    session.starts_at.isoformat(),
                    row.get("name", ""),
                    row.get("email", ""),
                    row.get("join_time", ""),
                    row.get("leave_time", ""),
                ]


@transaction.atomic
def forget_report_rows(user, emails: Collection[str]) -> int:
    """Remove the rows naming `emails` from the kept reports. Returns how many went."""
    emails = {e.lower() for e in emails}
    removed = 0
    # PostgreSQL locks no rows of a DISTINCT query: lock the meetings by their keys instead.
    keys = list(_meetings(user).values_list("pk", flat=True))
    for meeting in ZoomMeeting.objects.select_for_update().filter(pk__in=keys).order_by("pk"):
        kept = [row for row in meeting.report if (row.get("email") or "").lower() not in emails]
        if len(kept) != len(meeting.report):
            removed += len(meeting.report) - len(kept)
            ZoomMeeting.objects.filter(pk=meeting.pk).update(report=kept)
    return removed
