from django.db import transaction

from echo_hub.audit.models import AuditEvent
from sessions.models import Attendance, AttendanceChange
from tests.concurrency import Contender
from zoom import reports
from zoom.models import ZoomMeeting

from . import test_reports

# The session of a connected program after its meeting, with Zoom's report ready.
held = test_reports.held


def test_two_workers_importing_one_report_record_it_once(postgresql, held):
    meeting = ZoomMeeting.objects.get(session=held)

    # A webhook's task imports while the sweep's task for the same meeting starts.
    with transaction.atomic():
        first = reports.import_report(meeting_pk=meeting.pk)
        second = Contender(lambda: reports.import_report(meeting_pk=meeting.pk))
        second.wait_until_blocked()

    assert second.outcome() is None
    assert first["stored"] == 2
    assert Attendance.objects.filter(session=held).count() == 2
    assert AttendanceChange.objects.filter(attendance__session=held).count() == 2
    assert AuditEvent.objects.filter(action="attendance_imported").count() == 1
