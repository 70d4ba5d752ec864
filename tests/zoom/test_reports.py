import copy
import json
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cpd.services.evaluations import user_session_credit
from echo_hub.audit.models import AuditEvent
from sessions import services as session_services
from sessions.attendance import adjust_attendance
from sessions.models import Attendance, AttendanceChange, ReportAlias
from zoom import reports
from zoom.models import ZoomMeeting, ZoomRegistrant

from .conftest import event_body, signed_headers
from .fakezoom import fixture, participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(
    program, coordinator, members, connection, fake_zoom, django_capture_on_commit_callbacks, time_machine
):
    """A session of a connected program, its meeting and registrants, the clock after its end,
    and Zoom's report: one member present throughout on two devices (and early), one for an
    hour, someone as "iPhone" without their link, one member absent."""
    program.evaluation_required = False
    program.save()
    first = timezone.localdate() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        (session,) = session_services.schedule_weekly(
            program=program, first_date=first, start_time=time(12, 0), count=1, by=coordinator
        )
    meeting = ZoomMeeting.objects.get(session=session)
    rid = dict(ZoomRegistrant.objects.filter(meeting=meeting).values_list("user_id", "registrant_id"))
    start, end = session.starts_at, session.ends_at
    a, b, _ = members
    rows = [
        participant(
            name="Ana Member0",
            registrant_id=rid[a.pk],
            join=start - timedelta(minutes=5),
            leave=start + timedelta(minutes=60),
        ),
        participant(
            name="Ana's iPad",
            registrant_id=rid[a.pk],
            join=start + timedelta(minutes=50),
            leave=end + timedelta(minutes=10),
        ),
        participant(
            name="Ana Member1",
            registrant_id=rid[b.pk],
            join=start + timedelta(minutes=30),
            leave=start + timedelta(minutes=90),
        ),
        participant(name="iPhone", join=start, leave=end),
        participant(name="Waiting Wendy", join=start, leave=end, status="in_waiting_room"),
    ]
    # A meeting held once: its instance has the UUID Zoom gave it at creation.
    fake_zoom.end_meeting(meeting.uuid, rows)
    fake_zoom.state.page_size_cap = 2
    time_machine.move_to(end + timedelta(minutes=10))
    return session


def _ended_event(meeting: ZoomMeeting) -> bytes:
    event = copy.deepcopy(fixture("webhook_meeting_ended"))
    event["payload"]["object"] |= {"id": str(meeting.meeting_id), "uuid": meeting.uuid}
    return event_body(event)


def _webhook(client, program, body, capture):
    with capture(execute=True):
        return client.post(
            reverse("zoom:webhook", args=[program.slug]),
            data=body,
            content_type="application/json",
            **signed_headers(body),
        )


def test_meeting_ended_records_attendance_by_registrant_once(
    client, program, members, held, fake_zoom, django_capture_on_commit_callbacks, time_machine
):
    meeting = ZoomMeeting.objects.get(session=held)
    body = _ended_event(meeting)
    assert _webhook(client, program, body, django_capture_on_commit_callbacks).status_code == 204
    assert _webhook(client, program, body, django_capture_on_commit_callbacks).status_code == 204
    time_machine.move_to(held.ends_at + timedelta(minutes=20))
    with django_capture_on_commit_callbacks(execute=True):
        reports.sweep()
    a, b, _ = members
    rows = {r.user_id: (r.minutes, r.source, r.verified) for r in Attendance.objects.filter(session=held)}
    assert rows == {a.pk: (120, "report", True), b.pk: (60, "report", True)}
    assert AttendanceChange.objects.filter(attendance__session=held).count() == 2
    assert AuditEvent.objects.filter(action="attendance_imported").count() == 1
    assert len(fake_zoom.state.api_calls("GET", "/v2/past_meetings/")) == 3  # three pages, fetched once
    meeting.refresh_from_db()
    assert (meeting.report_unmatched, meeting.ended_uuid) == (1, meeting.uuid)
    full, hour = (user_session_credit(user=u, session=held) for u in (a, b))
    assert (full.eligible, full.credits, full.counted_minutes) == (True, Decimal("2"), 120)
    assert (hour.eligible, hour.counted_minutes) == (False, 60)


def test_sweep_fetches_a_report_the_webhook_missed(
    program, members, held, fake_zoom, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reports.sweep()
    assert Attendance.objects.filter(session=held).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        reports.sweep()
    assert AttendanceChange.objects.filter(attendance__session=held).count() == 2


def test_report_not_ready_is_shown_and_fetched_later(
    client, program, coordinator, members, held, fake_zoom, django_capture_on_commit_callbacks
):
    meeting = ZoomMeeting.objects.get(session=held)
    ready = fake_zoom.state.participants.pop(meeting.uuid)
    _webhook(client, program, _ended_event(meeting), django_capture_on_commit_callbacks)
    meeting.refresh_from_db()
    assert meeting.report_imported_at is None
    client.force_login(coordinator)
    page = client.get(held.get_absolute_url()).content.decode()
    assert "Zoom report: Zoom has no participants report for this meeting yet" in page
    fake_zoom.end_meeting(meeting.uuid, ready)
    with django_capture_on_commit_callbacks(execute=True):
        reports.sweep()
    assert Attendance.objects.filter(session=held).count() == 2
    page = client.get(held.get_absolute_url()).content.decode()
    assert "1 person in Zoom&#x27;s report joined without their personal link." in page


def test_adjusted_attendance_is_kept(program, coordinator, members, held, django_capture_on_commit_callbacks):
    adjust_attendance(session=held, user=members[0], minutes=30, reason="Left for a patient", by=coordinator)
    meeting = ZoomMeeting.objects.get(session=held)
    reports.import_report(meeting_pk=meeting.pk)
    assert Attendance.objects.get(session=held, user=members[0]).minutes == 30
    assert Attendance.objects.get(session=held, user=members[1]).minutes == 60


def test_unmatched_participants_are_matched_by_hand_on_the_upload_page(
    client, program, coordinator, members, held, django_capture_on_commit_callbacks
):
    meeting = ZoomMeeting.objects.get(session=held)
    reports.import_report(meeting_pk=meeting.pk)
    meeting.refresh_from_db()
    client.force_login(coordinator)
    page = client.get(reverse("zoom:match", args=[program.slug, held.pk]))
    assert page.status_code == 200
    assert page.templates[0].name == "sessions/manage/attendance_import.html"
    people = reports.report_of(meeting.report).people
    index = next(i for i, p in enumerate(people) if p.name == "iPhone")
    assert f'name="match-{index}"' in page.content.decode()
    absent = members[2]
    response = client.post(
        reverse("sessions:manage_attendance_import_confirm", args=[program.slug, held.pk]),
        {f"match-{index}": absent.pk, f"shown-{index}": absent.pk},
    )
    assert response.status_code == 302
    rows = {r.user_id: r.minutes for r in Attendance.objects.filter(session=held)}
    assert rows == {members[0].pk: 120, members[1].pk: 60, absent.pk: 120}
    assert ReportAlias.objects.get(program=program, key="name:iphone").user == absent


def test_match_by_hand_before_import_says_so(client, program, coordinator, held):
    client.force_login(coordinator)
    response = client.get(reverse("zoom:match", args=[program.slug, held.pk]), follow=True)
    assert "Zoom&#x27;s participants report of this session is not imported yet." in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("participant", 403), ("other_coordinator", 404)])
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("zoom:meeting", "get"),
        ("zoom:match", "get"),
        ("zoom:recreate", "post"),
        ("zoom:fetch_report", "post"),
    ],
)
def test_meeting_pages_are_for_the_programs_coordinators(
    client, request, program, held, who, status, name, method
):
    client.force_login(request.getfixturevalue(who))
    before = list(ZoomMeeting.objects.values())
    response = getattr(client, method)(reverse(name, args=[program.slug, held.pk]))
    assert response.status_code == status
    assert list(ZoomMeeting.objects.values()) == before


def test_fetch_report_now_imports(client, program, coordinator, held, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("zoom:fetch_report", args=[program.slug, held.pk]))
    assert Attendance.objects.filter(session=held).count() == 2
    page = client.get(reverse("zoom:meeting", args=[program.slug, held.pk])).content.decode()
    assert "1 without a match" in page


def test_report_rows_keep_json_shape(held):
    meeting = ZoomMeeting.objects.get(session=held)
    reports.import_report(meeting_pk=meeting.pk)
    meeting.refresh_from_db()
    assert json.loads(json.dumps(meeting.report)) == meeting.report
    assert [r["name"] for r in meeting.report] == ["Ana Member0", "Ana's iPad", "Ana Member1", "iPhone"]


def test_report_times_are_kept_to_the_second(held):
    meeting = ZoomMeeting.objects.get(session=held)
    rows = reports.report_rows(
        meeting,
        [
            {
                "name": "X",
                "join_time": "2026-12-13T17:00:12.660Z",
                "leave_time": "2026-12-13T17:30:59.999Z",
                "duration": 1847,
            }
        ],
    )
    assert (rows[0]["join_time"], rows[0]["leave_time"]) == ("2026-12-13T17:00:12Z", "2026-12-13T17:30:59Z")
