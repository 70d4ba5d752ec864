import codecs
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions.models import (
    Attendance,
    AttendanceChange,
    AttendanceClaim,
    Enrollment,
    ReportAlias,
    Role,
    Session,
    SessionJoin,
)
from tests.factories import AttendanceFactory, EnrollmentFactory, SessionFactory, UserFactory
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "zoom_samples"
HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room\n"


def _messages(response) -> list[str]:
    return [message.message for message in get_messages(response.wsgi_request)]


def _login_url(url: str) -> str:
    return f"{reverse('account_login')}?next={url}"


def _member(program, role: str = Role.PARTICIPANT, **fields):
    return EnrollmentFactory(program=program, role=role, user=UserFactory(**fields)).user


def _url(name: str, session: Session) -> str:
    return reverse(name, kwargs={"slug": session.program.slug, "pk": session.pk})


def _minutes(session: Session) -> dict[str, tuple[int, str]]:
    return {a.user.email: (a.minutes, a.source) for a in Attendance.objects.filter(session=session)}


def _upload(data: bytes, name: str = "participants.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


# join


def test_join_during_the_window_records_the_click_and_opens_the_video_link(client, program, participant):
    session = SessionFactory(program=program, starts_at=timezone.now() + timedelta(minutes=10))
    client.force_login(participant)

    response = client.post(_url("sessions:join", session))

    join = SessionJoin.objects.get()
    assert (response.status_code, response.url) == (302, "https://video.example.org/join/123")
    assert (join.session, join.user) == (session, participant)
    assert timezone.now() - timedelta(seconds=5) < join.joined_at <= timezone.now()
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize(
    "starts_in",
    [timedelta(minutes=16), timedelta(days=7), timedelta(hours=-3)],
    ids=["early", "next-week", "over"],
)
def test_join_outside_the_window_stays_in_the_app_and_records_nothing(
    client, program, participant, starts_in
):
    session = SessionFactory(program=program, starts_at=timezone.now() + starts_in)
    client.force_login(participant)

    response = client.post(_url("sessions:join", session))

    assert (response.status_code, response.url) == (302, session.get_absolute_url())
    assert _messages(response) == ["Join opens 15 minutes before the session starts and closes when it ends."]
    assert Attendance.objects.count() == 0


def test_join_without_a_video_link_says_so(client, program, participant):
    session = SessionFactory(program=program, starts_at=timezone.now(), join_url="")
    client.force_login(participant)

    response = client.post(_url("sessions:join", session))

    assert (response.status_code, response.url) == (302, session.get_absolute_url())
    assert _messages(response) == ["This session has no join link yet. The coordinator will add it."]
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize("member", ["outsider", "pending_user", "other_coordinator"])
def test_join_by_a_non_member_is_404(client, request, program, member):
    session = SessionFactory(program=program, starts_at=timezone.now())
    client.force_login(request.getfixturevalue(member))
    before = snapshot()

    response = client.post(_url("sessions:join", session))

    assert response.status_code == 404
    assert changes_since(before) == {}


def test_join_anonymous_goes_to_login(client, session):
    url = _url("sessions:join", session)
    before = snapshot()

    response = client.post(url)

    assert (response.status_code, response.url) == (302, _login_url(url))
    assert changes_since(before) == {}


def test_join_get_is_405(client, session, participant):
    client.force_login(participant)

    response = client.get(_url("sessions:join", session))

    assert (response.status_code, response["Allow"]) == (405, "POST")


# "I attended" requests


def test_attendance_claim_form_offers_the_session_length(client, past_session, participant):
    client.force_login(participant)

    response = client.get(_url("sessions:attendance_claim", past_session))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>I attended Past session</h1>" in body
    assert 'name="minutes" value="120"' in body


def test_attendance_claim_post_files_a_pending_request(client, past_session, participant):
    client.force_login(participant)

    response = client.post(
        _url("sessions:attendance_claim", past_session), {"minutes": "100", "note": "Joined by phone"}
    )

    claim = AttendanceClaim.objects.get()
    assert (response.status_code, response.url) == (302, past_session.get_absolute_url())
    assert _messages(response) == ["Your request is sent to the coordinators."]
    assert (claim.user, claim.minutes, claim.note, claim.status) == (
        participant,
        100,
        "Joined by phone",
        "pending",
    )
    assert Attendance.objects.count() == 0


def test_attendance_claim_before_the_end_shows_the_reason(client, session, participant):
    client.force_login(participant)

    response = client.post(_url("sessions:attendance_claim", session), {"minutes": "100"})

    assert response.status_code == 200
    assert "You can say you attended once the session has ended." in response.content.decode()
    assert AttendanceClaim.objects.count() == 0


def test_attendance_claim_with_too_many_minutes_keeps_the_input(client, past_session, participant):
    client.force_login(participant)

    response = client.post(
        _url("sessions:attendance_claim", past_session), {"minutes": "130", "note": "All of it"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Give the minutes you attended, from 1 to 120." in body
    assert 'value="All of it"' in body
    assert AttendanceClaim.objects.count() == 0


@pytest.mark.parametrize("member", ["outsider", "other_coordinator"])
def test_attendance_claim_by_a_non_member_is_404(client, request, past_session, member):
    client.force_login(request.getfixturevalue(member))
    before = snapshot()

    response = client.post(_url("sessions:attendance_claim", past_session), {"minutes": "100"})

    assert response.status_code == 404
    assert changes_since(before) == {}


def test_attendance_claim_anonymous_goes_to_login(client, past_session):
    url = _url("sessions:attendance_claim", past_session)

    response = client.get(url)

    assert (response.status_code, response.url) == (302, _login_url(url))


def test_attendance_claim_put_is_405(client, past_session, participant):
    client.force_login(participant)

    response = client.put(_url("sessions:attendance_claim", past_session))

    assert (response.status_code, response["Allow"]) == (405, "GET, POST")


# the roster


def test_manage_attendance_lists_members_minutes_requests_and_changes(
    client, past_session, coordinator, participant, program
):
    ana = _member(program, email="ana@example.org", full_name="Ana Lopez", credentials="MD, CCFP")
    AttendanceFactory(session=past_session, user=ana, minutes=95, source=Attendance.Source.REPORT)
    client.force_login(coordinator)
    client.post(
        _url("sessions:manage_attendance_adjust", past_session),
        {"user": ana.pk, "minutes": "105", "reason": "Dropped off the call for 10 minutes"},
    )
    AttendanceClaim.objects.create(session=past_session, user=participant, minutes=110, note="By phone")

    response = client.get(_url("sessions:manage_attendance", past_session))

    body = response.content.decode()
    assert response.status_code == 200
    assert f'name="present" value="{ana.pk}" id="present-{ana.pk}" checked>' in body
    assert f'name="present" value="{participant.pk}" id="present-{participant.pk}">' in body
    assert f'<label for="present-{ana.pk}">Ana Lopez, MD, CCFP</label>' in body
    assert '<td data-label="Minutes" class="num">105 min</td>' in body
    assert '<td data-label="Source">Adjustment</td>' in body
    assert (
        "<strong>Ana Lopez</strong>: 95 → 105 min · Adjustment · Dropped off the call for 10 minutes" in body
    )
    assert f"<strong>{participant}</strong> says 110 minutes: “By phone”" in body


def test_manage_attendance_post_saves_the_ticked_roster(
    client, past_session, coordinator, participant, program
):
    absent = _member(program, email="absent@example.org")
    client.force_login(coordinator)
    url = _url("sessions:manage_attendance", past_session)

    response = client.post(url, {"present": [str(participant.pk), "not-a-number"]})

    assert (response.status_code, response.url) == (302, url)
    assert _messages(response) == ["Roster saved (1 change)."]
    assert _minutes(past_session) == {"participant@example.org": (120, "roster")}
    assert not Attendance.objects.filter(user=absent).exists()
    change = AttendanceChange.objects.get()
    assert (change.changed_by, change.reason) == (coordinator, "Ticked on the roster")


def test_manage_attendance_post_with_a_non_member_stores_nothing(client, past_session, coordinator, outsider):
    client.force_login(coordinator)

    response = client.post(_url("sessions:manage_attendance", past_session), {"present": [str(outsider.pk)]})

    assert _messages(response) == ["Some ticked people are not members of this program."]
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("member", ["participant", "expert"])
def test_manage_attendance_by_a_participant_or_expert_is_403(
    client, request, past_session, participant, member, method
):
    client.force_login(request.getfixturevalue(member))
    before = snapshot()

    response = getattr(client, method)(
        _url("sessions:manage_attendance", past_session), {"present": [str(participant.pk)]}
    )

    assert response.status_code == 403
    assert changes_since(before) == {}


@pytest.mark.parametrize("member", ["other_coordinator", "outsider"])
def test_manage_attendance_by_another_program_or_an_outsider_is_404(
    client, request, past_session, participant, member
):
    client.force_login(request.getfixturevalue(member))
    before = snapshot()

    response = client.post(
        _url("sessions:manage_attendance", past_session), {"present": [str(participant.pk)]}
    )

    assert response.status_code == 404
    assert changes_since(before) == {}


def test_manage_attendance_anonymous_goes_to_login(client, past_session):
    url = _url("sessions:manage_attendance", past_session)

    response = client.get(url)

    assert (response.status_code, response.url) == (302, _login_url(url))


def test_manage_attendance_put_is_405(client, past_session, coordinator):
    client.force_login(coordinator)

    response = client.put(_url("sessions:manage_attendance", past_session))

    assert (response.status_code, response["Allow"]) == (405, "GET, POST")


# adjustments


def test_adjust_sets_the_minutes_and_keeps_the_reason(client, past_session, coordinator, participant):
    AttendanceFactory(session=past_session, user=participant, minutes=60, source=Attendance.Source.REPORT)
    client.force_login(coordinator)

    response = client.post(
        _url("sessions:manage_attendance_adjust", past_session),
        {"user": participant.pk, "minutes": "100", "reason": "Joined by phone"},
    )

    change = AttendanceChange.objects.get()
    assert (response.status_code, response.url) == (302, _url("sessions:manage_attendance", past_session))
    assert _messages(response) == [f"Attendance of {participant} set to 100 minutes."]
    assert _minutes(past_session) == {"participant@example.org": (100, "adjusted")}
    assert (change.changed_by, change.old_minutes, change.new_minutes, change.reason) == (
        coordinator,
        60,
        100,
        "Joined by phone",
    )


def test_adjust_without_a_reason_stores_nothing(client, past_session, coordinator, participant):
    client.force_login(coordinator)

    response = client.post(
        _url("sessions:manage_attendance_adjust", past_session),
        {"user": participant.pk, "minutes": "100", "reason": "   "},
    )

    assert _messages(response) == ["Adjustment not saved: This field is required."]
    assert (Attendance.objects.count(), AttendanceChange.objects.count()) == (0, 0)


def test_adjust_of_a_non_member_stores_nothing(client, past_session, coordinator, outsider):
    client.force_login(coordinator)

    response = client.post(
        _url("sessions:manage_attendance_adjust", past_session),
        {"user": outsider.pk, "minutes": "100", "reason": "Phone"},
    )

    assert _messages(response) == [
        "Adjustment not saved: Select a valid choice. That choice is not one of the available choices."
    ]
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize("typed", ["pat\x00ient@example.org", "\x00", "²", "9" * 30, "x" * 300])
def test_adjust_refuses_a_person_that_cannot_be_anyone(client, past_session, coordinator, participant, typed):
    """NUL bytes, non-ASCII digits, ids past a bigint and overlong text are a clear refusal,
    never a database error."""
    client.force_login(coordinator)

    response = client.post(
        _url("sessions:manage_attendance_adjust", past_session),
        {"user": typed, "minutes": "100", "reason": "Phone"},
    )

    assert response.status_code == 302
    assert _messages(response) == [
        "Adjustment not saved: Select a valid choice. That choice is not one of the available choices."
    ]
    assert Attendance.objects.count() == 0


def test_adjust_by_a_participant_is_403(client, past_session, participant):
    client.force_login(participant)
    before = snapshot()

    response = client.post(
        _url("sessions:manage_attendance_adjust", past_session),
        {"user": participant.pk, "minutes": "120", "reason": "I was there"},
    )

    assert response.status_code == 403
    assert changes_since(before) == {}


def test_adjust_get_is_405(client, past_session, coordinator):
    client.force_login(coordinator)

    response = client.get(_url("sessions:manage_attendance_adjust", past_session))

    assert (response.status_code, response["Allow"]) == (405, "POST")


# participant report import


@pytest.fixture
def sample_session(program, time_machine):
    """The meeting of zoom_samples/participants_with_summary.csv, Wed 25 Nov 2026, 12:00–13:30
    in Toronto, seen the next day."""
    starts_at = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("America/Toronto"))
    time_machine.move_to(starts_at + timedelta(days=1), tick=False)
    return SessionFactory(
        program=program, title="Session 2", starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90)
    )


@pytest.fixture
def report_members(program):
    """Members named in zoom_samples/participants_with_summary.csv; Priya Nair and the host are not."""
    return {
        "tremblay": _member(program, email="m.tremblay@example.org", full_name="Marie Tremblay"),
        "singh": _member(program, email="R.Singh@Example.org", full_name="Ravi Singh"),
        "okafor": _member(program, email="c.okafor@example.org", full_name="Chidi Okafor"),
        "gagnon": _member(program, email="l.gagnon@hearst.example", full_name="Louise Gagnon"),
    }


def _import(client, session: Session, data: bytes):
    return client.post(_url("sessions:manage_attendance_import", session), {"file": _upload(data)})


def test_import_preview_reads_a_bom_file_and_stores_nothing(
    client, sample_session, coordinator, report_members
):
    data = (SAMPLES / "participants_with_summary.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    client.force_login(coordinator)

    response = _import(client, sample_session, data)

    body = response.content.decode()
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [(m.person.name, m.person.minutes, m.minutes, m.user, m.how) for m in preview.matches] == [
        ("ECHO Hub Host", 102, 90, None, ""),
        ("Dr. Marie Tremblay (Manitoulin FHT)", 89, 85, report_members["tremblay"], "email"),
        ("Ravi Singh", 86, 85, report_members["singh"], "email"),
        ("Louise Gagnon - Hearst CHC", 88, 87, None, ""),
        ("Okafor, Chidi", 70, 70, report_members["okafor"], "email"),
        ("Priya N (Priya Nair)", 80, 79, None, ""),
    ]
    assert [(o.user, o.minutes, o.percent, o.meets_threshold) for o in preview.outcomes] == [
        (report_members["tremblay"], 85, 94, True),
        (report_members["singh"], 85, 94, True),
        (report_members["okafor"], 70, 77, True),
    ]
    assert body.count('<tr class="table-warning">') == 3
    assert '<select class="form-select form-select-sm" name="match-3" id="match-3">' in body
    assert "r.singh@example.org · lines 7, 12" in body
    assert Attendance.objects.count() == 0


def test_import_confirm_stores_matched_minutes_and_remembers_chosen_names(
    client, sample_session, coordinator, report_members, program
):
    client.force_login(coordinator)
    _import(client, sample_session, (SAMPLES / "participants_with_summary.csv").read_bytes())

    response = client.post(
        _url("sessions:manage_attendance_import_confirm", sample_session),
        {"match-3": report_members["gagnon"].pk, "shown-3": "", "action": "preview"},
    )
    assert Attendance.objects.count() == 0
    assert [(o.user, o.minutes) for o in response.context["preview"].outcomes][2] == (
        report_members["gagnon"],
        87,
    )

    response = client.post(
        _url("sessions:manage_attendance_import_confirm", sample_session),
        {"match-3": report_members["gagnon"].pk, "shown-3": report_members["gagnon"].pk, "action": "store"},
    )

    assert (response.status_code, response.url) == (302, _url("sessions:manage_attendance", sample_session))
    assert _messages(response)[-1] == "Attendance stored for 4 people. 2 unmatched left out."
    assert _minutes(sample_session) == {
        "m.tremblay@example.org": (85, "report"),
        "R.Singh@Example.org": (85, "report"),
        "l.gagnon@hearst.example": (87, "report"),
        "c.okafor@example.org": (70, "report"),
    }
    alias = ReportAlias.objects.get()
    assert (alias.program, alias.key, alias.user, alias.created_by) == (
        program,
        "name:louise gagnon - hearst chc",
        report_members["gagnon"],
        coordinator,
    )
    assert {c.reason_display for c in AttendanceChange.objects.all()} == {"Imported participants.csv"}


def test_import_of_the_same_file_again_remembers_names_and_changes_nothing(
    client, sample_session, coordinator, report_members
):
    data = (SAMPLES / "participants_with_summary.csv").read_bytes()
    client.force_login(coordinator)
    _import(client, sample_session, data)
    confirm = _url("sessions:manage_attendance_import_confirm", sample_session)
    client.post(confirm, {"match-3": report_members["gagnon"].pk, "shown-3": report_members["gagnon"].pk})
    minutes, changes = _minutes(sample_session), list(AttendanceChange.objects.values_list("pk", flat=True))

    preview = _import(client, sample_session, data)
    response = client.post(
        confirm, {"match-3": report_members["gagnon"].pk, "shown-3": report_members["gagnon"].pk}
    )

    gagnon = preview.context["preview"].matches[3]
    assert (gagnon.user, gagnon.how) == (report_members["gagnon"], "remembered")
    assert "remembered from an earlier import" in preview.content.decode()
    assert _messages(response) == ["Attendance stored for 4 people. 2 unmatched left out."]
    assert _minutes(sample_session) == minutes
    assert list(AttendanceChange.objects.values_list("pk", flat=True)) == changes
    assert ReportAlias.objects.count() == 1


def test_import_keeps_adjusted_and_claimed_minutes(client, sample_session, coordinator, report_members):
    client.force_login(coordinator)
    client.post(
        _url("sessions:manage_attendance_adjust", sample_session),
        {"user": report_members["tremblay"].pk, "minutes": "90", "reason": "Stayed after the call"},
    )
    claim = AttendanceClaim.objects.create(session=sample_session, user=report_members["singh"], minutes=88)
    client.post(
        reverse("sessions:manage_attendance_claim_decide", args=[sample_session.program.slug, claim.pk]),
        {"decision": "approve"},
    )
    _import(client, sample_session, (SAMPLES / "participants_with_summary.csv").read_bytes())

    response = client.post(_url("sessions:manage_attendance_import_confirm", sample_session))

    assert (
        _messages(response)[-1]
        == "Attendance stored for 1 person. 2 adjusted by hand kept. 3 unmatched left out."
    )
    assert _minutes(sample_session) == {
        "m.tremblay@example.org": (90, "adjusted"),
        "R.Singh@Example.org": (88, "claim"),
        "c.okafor@example.org": (70, "report"),
    }


def test_import_with_a_negative_duration_names_the_line_and_stores_nothing(
    client, sample_session, coordinator, participant
):
    AttendanceFactory(session=sample_session, user=participant, minutes=90)
    text = (
        HEADER
        + "Participant,participant@example.org,11/25/2026 12:00 PM,11/25/2026 01:30 PM,90,No,No\n"
        + "Ravi Singh,r.singh@example.org,11/25/2026 12:00 PM,11/25/2026 01:30 PM,-5,No,No\n"
    )
    client.force_login(coordinator)

    response = _import(client, sample_session, text.encode())

    assert response.status_code == 200
    assert response.context["preview"] is None
    assert response.context["form"].errors == {
        "file": ["Line 3: the duration “-5” is not a number of minutes between 0 and 1440."]
    }
    assert (
        "Line 3: the duration “-5” is not a number of minutes between 0 and 1440."
        in response.content.decode()
    )
    confirm = client.post(_url("sessions:manage_attendance_import_confirm", sample_session))
    assert _messages(confirm) == ["Upload the report again: the preview has expired."]
    assert (Attendance.objects.count(), AttendanceChange.objects.count()) == (1, 0)
    assert _minutes(sample_session) == {"participant@example.org": (90, "report")}


def test_import_with_a_time_in_the_year_9999_names_the_line_and_stores_nothing(
    client, sample_session, coordinator, participant
):
    text = HEADER + "Participant,participant@example.org,12/31/9999 11:58 PM,12/31/9999 11:59 PM,1,No,No\n"
    client.force_login(coordinator)

    response = _import(client, sample_session, text.encode())

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": [
            "Line 2: the join time “12/31/9999 11:58 PM” is in the year 9999; "
            "a participants report has dates between 2000 and 2099.",
            "Line 2: the leave time “12/31/9999 11:59 PM” is in the year 9999; "
            "a participants report has dates between 2000 and 2099.",
        ]
    }
    assert Attendance.objects.count() == 0


def test_import_of_a_pdf_says_it_is_not_a_csv(client, past_session, coordinator):
    client.force_login(coordinator)

    response = _import(client, past_session, b"%PDF-1.7\n...")

    assert response.context["form"].errors == {
        "file": [
            "The file is not a CSV export: it is a PDF document. "
            "Export the participants report from Zoom as CSV and upload that file."
        ]
    }


def test_import_confirm_without_a_preview_stores_nothing(client, past_session, coordinator):
    client.force_login(coordinator)
    url = _url("sessions:manage_attendance_import_confirm", past_session)

    response = client.post(url)

    assert (response.status_code, response.url) == (
        302,
        _url("sessions:manage_attendance_import", past_session),
    )
    assert _messages(response) == ["Upload the report again: the preview has expired."]


def test_import_by_a_participant_is_403(client, past_session, participant):
    client.force_login(participant)
    before = snapshot()

    response = _import(client, past_session, (SAMPLES / "participants_with_summary.csv").read_bytes())
    confirm = client.post(_url("sessions:manage_attendance_import_confirm", past_session))

    assert (response.status_code, confirm.status_code) == (403, 403)
    assert changes_since(before) == {}


def test_import_by_another_program_coordinator_is_404(client, past_session, other_coordinator):
    client.force_login(other_coordinator)

    response = _import(client, past_session, (SAMPLES / "participants_with_summary.csv").read_bytes())

    assert response.status_code == 404


def test_import_anonymous_goes_to_login(client, past_session):
    url = _url("sessions:manage_attendance_import", past_session)

    response = client.get(url)

    assert (response.status_code, response.url) == (302, _login_url(url))


def test_import_confirm_get_is_405(client, past_session, coordinator):
    client.force_login(coordinator)

    response = client.get(_url("sessions:manage_attendance_import_confirm", past_session))

    assert (response.status_code, response["Allow"]) == (405, "POST")


# deciding "I attended" requests


def _decide_url(claim: AttendanceClaim) -> str:
    return reverse("sessions:manage_attendance_claim_decide", args=[claim.session.program.slug, claim.pk])


def test_decide_claim_approve_sets_the_minutes_with_source_claim(
    client, past_session, coordinator, participant
):
    claim = AttendanceClaim.objects.create(session=past_session, user=participant, minutes=100)
    client.force_login(coordinator)

    response = client.post(_decide_url(claim), {"decision": "approve", "note": "On the phone line"})

    claim.refresh_from_db()
    change = AttendanceChange.objects.get()
    assert (response.status_code, response.url) == (302, _url("sessions:manage_attendance", past_session))
    assert _messages(response) == ["Request approved: attendance updated."]
    assert (claim.status, claim.decided_by, claim.decision_note) == (
        "approved",
        coordinator,
        "On the phone line",
    )
    assert _minutes(past_session) == {"participant@example.org": (100, "claim")}
    assert (change.changed_by, change.reason_display) == (
        coordinator,
        "“I attended” request approved: On the phone line",
    )


def test_decide_claim_decline_leaves_attendance_alone(client, past_session, coordinator, participant):
    claim = AttendanceClaim.objects.create(session=past_session, user=participant, minutes=100)
    client.force_login(coordinator)

    response = client.post(_decide_url(claim), {"decision": "decline"})

    claim.refresh_from_db()
    assert _messages(response) == ["Request declined."]
    assert (claim.status, claim.decided_by) == ("declined", coordinator)
    assert Attendance.objects.count() == 0


def test_decide_claim_of_another_program_is_404(
    client, past_session, participant, other_coordinator, other_session
):
    claim = AttendanceClaim.objects.create(session=past_session, user=participant, minutes=100)
    client.force_login(other_coordinator)
    before = snapshot()

    response = client.post(
        reverse("sessions:manage_attendance_claim_decide", args=[other_session.program.slug, claim.pk]),
        {"decision": "approve"},
    )

    assert response.status_code == 404
    assert changes_since(before) == {}


def test_decide_claim_by_a_participant_is_403(client, past_session, participant):
    claim = AttendanceClaim.objects.create(session=past_session, user=participant, minutes=100)
    client.force_login(participant)
    before = snapshot()

    response = client.post(_decide_url(claim), {"decision": "approve"})

    assert response.status_code == 403
    assert changes_since(before) == {}


def test_decide_claim_anonymous_goes_to_login(client, past_session, participant):
    claim = AttendanceClaim.objects.create(session=past_session, user=participant, minutes=100)
    url = _decide_url(claim)
    before = snapshot()

    response = client.post(url, {"decision": "approve"})

    assert (response.status_code, response.url) == (302, _login_url(url))
    assert changes_since(before) == {}


def test_decide_claim_get_is_405(client, past_session, coordinator, participant):
    claim = AttendanceClaim.objects.create(session=past_session, user=participant, minutes=100)
    client.force_login(coordinator)

    response = client.get(_decide_url(claim))

    assert (response.status_code, response["Allow"]) == (405, "POST")


# the roster at size: a page of members at a time


def _roster(client, session, query: str = "") -> str:
    return client.get(_url("sessions:manage_attendance", session) + query).content.decode()


def _present_ids(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="present" value="(\d+)"', body)]


def _bulk_members(program, count: int) -> list:
    return [_member(program, email=f"m{n:03}@example.org", full_name=f"Member {n:03}") for n in range(count)]


def test_manage_attendance_query_count_does_not_grow_with_the_program(
    client, past_session, coordinator, program
):
    client.force_login(coordinator)
    _bulk_members(program, 3)
    _roster(client, past_session)  # the first request after signing in starts the session clocks
    with CaptureQueriesContext(connection) as few:
        _roster(client, past_session)
    members = [_member(program) for _ in range(70)]
    for member in members[:20]:
        AttendanceFactory(session=past_session, user=member, minutes=60)
    for member in members[20:30]:
        AttendanceFactory(session=past_session, user=member, minutes=60, source="join")
        SessionJoin.objects.create(session=past_session, user=member, joined_at=past_session.starts_at)
    for member in members[30:35]:  # joins the sweep has not turned into provisional attendance yet
        SessionJoin.objects.create(session=past_session, user=member, joined_at=past_session.starts_at)

    with CaptureQueriesContext(connection) as many:
        body = _roster(client, past_session)

    assert len(few) == len(many)
    assert len(_present_ids(body)) == 50
    assert "<option" not in body  # no select of every member for the adjustment form
    # The page's attendance, joins and certificates are read into dictionaries: not sorted
    # (Attendance's default ordering would join each row's session to sort them).
    for query in many.captured_queries:
        sql = query["sql"]
        if sql.startswith(('SELECT "echo_sessions_attendance"."id"', 'SELECT "echo_sessions_sessionjoin"')):
            assert "ORDER BY" not in sql, sql


def test_manage_attendance_pages_through_the_members_in_name_order(
    client, past_session, coordinator, program
):
    members = _bulk_members(program, 60)
    client.force_login(coordinator)

    first, second = _roster(client, past_session), _roster(client, past_session, "?page=2")

    everyone = sorted([*members, coordinator], key=lambda u: (u.full_name, u.email))
    assert _present_ids(first) == [u.pk for u in everyone[:50]]
    assert _present_ids(second) == [u.pk for u in everyone[50:]]
    assert "61 members, 1–50 shown." in first
    assert 'href="?page=2">Next</a>' in first
    assert re.findall(r'name="shown" value="(\d+)"', second) == [str(u.pk) for u in everyone[50:]]


def test_the_roster_counts_its_members_from_their_enrollments(client, past_session, coordinator, program):
    """The page count reads the program's approved enrollments, not every member's account; a
    member removed or still waiting is neither listed nor counted."""
    _bulk_members(program, 51)
    for status in (Enrollment.Status.PENDING, Enrollment.Status.REMOVED):
        EnrollmentFactory(program=program, user=UserFactory(full_name="Not a member"), status=status)
    client.force_login(coordinator)
    _roster(client, past_session)

    with CaptureQueriesContext(connection) as ctx:
        body = _roster(client, past_session, "?page=2")

    assert "52 members, 51–52 shown." in body
    assert "Not a member" not in body
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert not any('"accounts_user"' in q for q in counts), counts


def test_manage_attendance_searches_by_name_or_email(client, past_session, coordinator, program):
    ana = _member(program, email="ana.lopez@clinic.example", full_name="Ana Lopez")
    bo = _member(program, email="bo@north.example", full_name="Bo Chen")
    _bulk_members(program, 60)
    client.force_login(coordinator)

    by_name, by_email = (
        _roster(client, past_session, "?q=lopez"),
        _roster(client, past_session, "?q=NORTH.ex"),
    )
    nobody = _roster(client, past_session, "?q=zzz")

    assert _present_ids(by_name) == [ana.pk]
    assert _present_ids(by_email) == [bo.pk]
    assert "1 member found." in by_name
    assert _present_ids(nobody) == []
    assert "No member matches “zzz”." in nobody


def test_manage_attendance_search_pages_keep_the_search(client, past_session, coordinator, program):
    _bulk_members(program, 60)
    client.force_login(coordinator)

    body = _roster(client, past_session, "?q=member")

    assert 'href="?q=member&amp;page=2">Next</a>' in body


def test_saving_one_page_of_the_roster_leaves_the_other_pages_ticked(
    client, past_session, coordinator, program
):
    on_page, elsewhere = _bulk_members(program, 2)
    client.force_login(coordinator)
    url = _url("sessions:manage_attendance", past_session)
    client.post(url, {"present": [on_page.pk, elsewhere.pk]})

    response = client.post(f"{url}?q=m000", {"shown": [on_page.pk], "present": []})

    assert (response.status_code, response.url) == (302, f"{url}?q=m000")
    assert _messages(response)[-1] == "Roster saved (1 change)."
    assert _minutes(past_session) == {
        "m000@example.org": (0, "roster"),
        "m001@example.org": (120, "roster"),
    }


def test_adjust_finds_the_member_by_email_in_any_case(client, past_session, coordinator, participant):
    client.force_login(coordinator)

    response = client.post(
        _url("sessions:manage_attendance_adjust", past_session),
        {"user": " Participant@Example.org ", "minutes": "45", "reason": "Left early"},
    )

    assert _messages(response) == [f"Attendance of {participant} set to 45 minutes."]
    assert _minutes(past_session) == {"participant@example.org": (45, "adjusted")}


def test_adjust_by_an_unknown_email_stores_nothing(client, past_session, coordinator, outsider):
    client.force_login(coordinator)

    response = client.post(
        _url("sessions:manage_attendance_adjust", past_session),
        {"user": outsider.email, "minutes": "45", "reason": "Left early"},
    )

    assert _messages(response) == [
        "Adjustment not saved: Select a valid choice. That choice is not one of the available choices."
    ]
    assert Attendance.objects.count() == 0
