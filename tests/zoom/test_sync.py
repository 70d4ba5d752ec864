from datetime import time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sessions import services as session_services
from sessions.models import Enrollment, MemberJoinLink
from sessions.reminders import send_due_session_reminders
from tests.factories import EnrollmentFactory, UserFactory
from zoom.models import ZoomConnection, ZoomMeeting, ZoomRegistrant

pytestmark = pytest.mark.django_db


def _schedule(program, coordinator, count=2):
    first = timezone.localdate() + timedelta(days=7)
    return session_services.schedule_weekly(
        program=program, first_date=first, start_time=time(12, 0), count=count, by=coordinator
    )


def test_scheduling_creates_a_meeting_per_session_and_registers_each_member(
    program, coordinator, members, connection, fake_zoom, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sessions = _schedule(program, coordinator)
    assert len(fake_zoom.state.meetings) == 2
    for session in sessions:
        meeting = ZoomMeeting.objects.get(session=session)
        zoom = fake_zoom.state.meetings[meeting.meeting_id]
        assert zoom["settings"]["approval_type"] == 0
        assert zoom["settings"]["registration_type"] == 1
        assert zoom["duration"] == 120
        assert zoom["start_time"] == session.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert zoom["topic"] == f"{program.name} — {session.title}"
        registered = {r["email"] for r in fake_zoom.state.registrants[meeting.meeting_id]}
        assert registered == {u.email for u in [coordinator, *members]}
        links = dict(MemberJoinLink.objects.filter(session=session).values_list("user__email", "url"))
        regs = dict(ZoomRegistrant.objects.filter(meeting=meeting).values_list("user__email", "join_url"))
        assert links == regs
        assert all(
            url.startswith(f"https://example.zoom.us/w/{meeting.meeting_id}?tk=") for url in links.values()
        )


def test_a_second_sync_changes_nothing(
    program, coordinator, members, connection, fake_zoom, django_capture_on_commit_callbacks
):
    from zoom.services import sync_session

    with django_capture_on_commit_callbacks(execute=True):
        (session,) = _schedule(program, coordinator, count=1)
    calls = len(fake_zoom.state.api_calls())
    sync_session(session_id=session.pk)
    assert len(fake_zoom.state.api_calls()) == calls
    assert ZoomRegistrant.objects.filter(meeting__session=session).count() == 4


def test_program_without_zoom_never_calls_zoom(
    program, coordinator, members, fake_zoom, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sessions = _schedule(program, coordinator)
    assert fake_zoom.state.calls == []
    assert not ZoomMeeting.objects.exists()
    assert [s.join_url for s in sessions] == [program.default_join_url] * 2


def test_reschedule_retitle_and_cancel_update_and_delete_the_meeting(
    program, coordinator, members, connection, fake_zoom, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (session,) = _schedule(program, coordinator, count=1)
    meeting = ZoomMeeting.objects.get(session=session)
    new_day = timezone.localtime(session.starts_at, program.zone).date() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        session = session_services.reschedule_session(
            session=session, new_date=new_day, new_start_time=time(13, 0), duration_minutes=90, by=coordinator
        )
    zoom = fake_zoom.state.meetings[meeting.meeting_id]
    assert (zoom["start_time"], zoom["duration"]) == (session.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"), 90)
    with django_capture_on_commit_callbacks(execute=True):
        session_services.edit_session(session=session, changes={"title": "Tapering opioids"}, by=coordinator)
    assert fake_zoom.state.meetings[meeting.meeting_id]["topic"] == f"{program.name} — Tapering opioids"
    with django_capture_on_commit_callbacks(execute=True):
        session_services.cancel_session(session=session, reason="Holiday", by=coordinator)
    assert meeting.meeting_id not in fake_zoom.state.meetings
    meeting.refresh_from_db()
    assert meeting.status == ZoomMeeting.Status.DELETED
    assert not MemberJoinLink.objects.filter(session=session).exists()
    assert [c.method for c in fake_zoom.state.api_calls(prefix=f"/v2/meetings/{meeting.meeting_id}")].count(
        "DELETE"
    ) == 1


def test_member_enrolled_later_is_registered_at_once_and_removed_member_cancelled(
    program, coordinator, members, connection, fake_zoom, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sessions = _schedule(program, coordinator)
    newcomer = UserFactory(email="late@example.org")
    enrollment = EnrollmentFactory(program=program, user=newcomer, status=Enrollment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        session_services.approve_enrollment(enrollment=enrollment, by=coordinator)
    for session in sessions:
        assert MemberJoinLink.objects.filter(session=session, user=newcomer).exists()
    leaving = Enrollment.objects.get(program=program, user=members[0])
    with django_capture_on_commit_callbacks(execute=True):
        session_services.remove_member(enrollment=leaving, by=coordinator)
    for session in sessions:
        meeting = ZoomMeeting.objects.get(session=session)
        registrant = ZoomRegistrant.objects.get(meeting=meeting, user=members[0])
        assert registrant.cancelled_at is not None
        zoom = {r["email"]: r["status"] for r in fake_zoom.state.registrants[meeting.meeting_id]}
        assert zoom[members[0].email] == "denied"
        assert zoom["late@example.org"] == "approved"
        assert not MemberJoinLink.objects.filter(session=session, user=members[0]).exists()


def test_revoked_app_marks_the_connection_in_error(
    program, coordinator, members, connection, fake_zoom, django_capture_on_commit_callbacks
):
    fake_zoom.state.revoked = True
    with django_capture_on_commit_callbacks(execute=True):
        _schedule(program, coordinator, count=1)
    connection.refresh_from_db()
    assert connection.status == ZoomConnection.Status.ERROR
    assert "deactivated" in connection.last_error
    assert not MemberJoinLink.objects.exists()


def test_meeting_deleted_in_zoom_is_reported_and_recreated(
    client, program, coordinator, members, connection, fake_zoom, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (session,) = _schedule(program, coordinator, count=1)
    meeting = ZoomMeeting.objects.get(session=session)
    old_link = MemberJoinLink.objects.get(session=session, user=members[0]).url
    fake_zoom.delete_meeting(meeting.meeting_id)
    with django_capture_on_commit_callbacks(execute=True):
        session_services.edit_session(session=session, changes={"title": "Renamed"}, by=coordinator)
    meeting.refresh_from_db()
    assert meeting.status == ZoomMeeting.Status.MISSING
    client.force_login(coordinator)
    page = client.get(session.get_absolute_url())
    assert (
        "The Zoom meeting of this session no longer exists: it was deleted in Zoom." in page.content.decode()
    )
    client.force_login(members[1])
    assert "deleted in Zoom" not in client.get(session.get_absolute_url()).content.decode()
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("zoom:recreate", args=[program.slug, session.pk]))
    assert response.status_code == 302
    new = ZoomMeeting.objects.get(session=session)
    assert new.status == ZoomMeeting.Status.ACTIVE
    assert new.meeting_id != meeting.meeting_id
    assert fake_zoom.state.meetings[new.meeting_id]["topic"] == f"{program.name} — Renamed"
    new_link = MemberJoinLink.objects.get(session=session, user=members[0]).url
    assert new_link != old_link and str(new.meeting_id) in new_link


def test_personal_link_behind_join_in_ics_dashboard_and_reminders(
    client,
    program,
    coordinator,
    members,
    connection,
    fake_zoom,
    django_capture_on_commit_callbacks,
    time_machine,
):
    with django_capture_on_commit_callbacks(execute=True):
        (session,) = _schedule(program, coordinator, count=1)
    member = members[0]
    link = MemberJoinLink.objects.get(session=session, user=member).url
    client.force_login(member)
    ics = client.get(reverse("sessions:session_ics", args=[program.slug, session.pk])).content.decode()
    unfolded = ics.replace("\r\n ", "")
    assert f"LOCATION:{link}" in unfolded
    assert f"Join: {link}" in unfolded
    feed = client.get(reverse("calendar_feed", args=[member.calendar_token])).content.decode()
    assert f"LOCATION:{link}" in feed.replace("\r\n ", "")
    time_machine.move_to(session.starts_at - timedelta(minutes=10))
    client.force_login(member)
    dashboard = client.get(reverse("home"))
    assert reverse("sessions:join", args=[program.slug, session.pk]) in dashboard.content.decode()
    response = client.post(reverse("sessions:join", args=[program.slug, session.pk]))
    assert response["Location"] == link
    with django_capture_on_commit_callbacks(execute=True):
        send_due_session_reminders()
    mine = [m for m in mail.outbox if m.to == [member.email]]
    assert len(mine) == 1
    assert f"Join: {link}" in mine[0].body
    attachment = mine[0].attachments[0]
    assert f"LOCATION:{link}" in attachment[1].replace("\r\n ", "")
    (other,) = [m for m in mail.outbox if m.to == [members[1].email]]
    other_link = MemberJoinLink.objects.get(session=session, user=members[1]).url
    assert link not in other.body and f"Join: {other_link}" in other.body


def test_without_zoom_join_goes_to_the_pasted_link(client, program, participant, session, time_machine):
    time_machine.move_to(session.starts_at - timedelta(minutes=10))
    client.force_login(participant)
    response = client.post(reverse("sessions:join", args=[program.slug, session.pk]))
    assert response["Location"] == session.join_url


def test_recreate_is_refused_without_zoom_and_for_a_past_session(
    client, program, coordinator, session, past_session
):
    from django.core.exceptions import ValidationError

    from zoom.services import recreate_meeting

    with pytest.raises(ValidationError, match="not connected to Zoom"):
        recreate_meeting(session=session, by=coordinator)
    ZoomConnection.objects.create(program=program, account_id="a", client_id="c")
    with pytest.raises(ValidationError, match="upcoming session"):
        recreate_meeting(session=past_session, by=coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("zoom:recreate", args=[program.slug, past_session.pk]), follow=True)
    assert "Only the meeting of an upcoming session can be recreated." in response.content.decode()
    assert not ZoomMeeting.objects.exists()


def test_members_added_by_roster_import_are_registered(
    program, coordinator, connection, fake_zoom, django_capture_on_commit_callbacks
):
    from sessions.roster import RosterRow

    with django_capture_on_commit_callbacks(execute=True):
        (session,) = _schedule(program, coordinator, count=1)
    row = RosterRow(
        line=2,
        email="rita.roster@example.org",
        full_name="Rita Roster",
        profession="nurse",
        organization="Hearst CHC",
    )
    with django_capture_on_commit_callbacks(execute=True):
        session_services.import_roster(program=program, rows=[row], by=coordinator)
    meeting = ZoomMeeting.objects.get(session=session)
    registered = {
        r["email"]: (r["first_name"], r["last_name"]) for r in fake_zoom.state.registrants[meeting.meeting_id]
    }
    assert registered["rita.roster@example.org"] == ("Rita", "Roster")
    assert MemberJoinLink.objects.filter(session=session, user__email="rita.roster@example.org").exists()


def test_cancelling_a_session_without_a_meeting_calls_nothing(
    program, coordinator, connection, fake_zoom, session
):
    from zoom.services import sync_session

    session_services.cancel_session(session=session, reason="Holiday", by=coordinator)
    assert sync_session(session_id=session.pk) is None
    assert fake_zoom.state.calls == []
    assert not ZoomMeeting.objects.exists()
