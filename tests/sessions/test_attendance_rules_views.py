"""The attendance time rules and provisional attendance through the coordinator's pages."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from echo_hub.audit.models import AuditEvent
from sessions import attendance as services
from sessions.models import Attendance, AttendanceChange, AttendanceClaim, Program
from tests.factories import AttendanceClaimFactory, EnrollmentFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
START = datetime(2026, 11, 25, 12, 0, tzinfo=TORONTO)
END = START + timedelta(minutes=90)
SAMPLES = Path(__file__).parent / "zoom_samples"
HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room\n"
NOT_STARTED = (
    "This session starts Wed 25 Nov 2026, 12:00 EST: attendance can be recorded once it has started."
)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START - timedelta(days=90), tick=False)
    return time_machine


@pytest.fixture
def noon(program, clock):
    return SessionFactory(program=program, title="Session 2", starts_at=START, ends_at=END)


@pytest.fixture
def ended(noon, clock):
    clock.move_to(END + timedelta(days=1), tick=False)
    return noon


def _url(name: str, session) -> str:
    return reverse(name, kwargs={"slug": session.program.slug, "pk": session.pk})


def _messages(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def _rows(session) -> dict[str, tuple[int, str, bool]]:
    return {
        a.user.email: (a.minutes, a.source, a.verified)
        for a in Attendance.objects.filter(session=session).select_related("user")
    }


def _member(program, email: str, **fields):
    return EnrollmentFactory(program=program, user=UserFactory(email=email, **fields)).user


def _provisional(session, user, clock) -> None:
    clock.move_to(START - timedelta(minutes=13), tick=False)
    services.record_join(session=session, user=user)
    clock.move_to(END + timedelta(days=1), tick=False)
    services.record_provisional_attendance()


def _upload(client, session, text: str):
    upload = SimpleUploadedFile("participants.csv", text.encode(), content_type="text/csv")
    return client.post(_url("sessions:manage_attendance_import", session), {"file": upload})


# before the start


def test_roster_of_a_session_months_away_says_when_attendance_opens_and_offers_no_save(
    client, noon, coordinator, participant
):
    client.force_login(coordinator)

    body = client.get(_url("sessions:manage_attendance", noon)).content.decode()

    assert (
        "This session has not started yet. Attendance can be recorded once it starts, "
        "Wed 25 Nov 2026, 12:00 EST; Join clicks become provisional attendance when it ends."
    ) in body
    assert f'id="present-{participant.pk}" disabled>' in body
    assert "Save roster" not in body
    assert "Import a participant report" not in body


def test_roster_post_for_a_session_months_away_stores_nothing(client, noon, coordinator, participant):
    client.force_login(coordinator)

    response = client.post(_url("sessions:manage_attendance", noon), {"present": [participant.pk]})

    assert (response.status_code, _messages(response)) == (302, [NOT_STARTED])
    assert Attendance.objects.count() == 0


def test_adjust_post_for_a_session_months_away_stores_nothing(client, noon, coordinator, participant):
    client.force_login(coordinator)

    response = client.post(
        _url("sessions:manage_attendance_adjust", noon),
        {"user": participant.email, "minutes": "60", "reason": "Phone"},
    )

    assert _messages(response) == [NOT_STARTED]
    assert Attendance.objects.count() == 0


def test_import_for_a_session_months_away_stores_nothing(client, noon, coordinator, participant):
    client.force_login(coordinator)

    response = _upload(
        client, noon, HEADER + "P,participant@example.org,11/25/2026 12:00 PM,11/25/2026 01:30 PM,90,No,No\n"
    )

    assert response.context["form"].errors == {"file": [NOT_STARTED]}
    assert Attendance.objects.count() == 0


def test_decide_claim_of_a_session_moved_to_the_future_says_so(client, noon, coordinator, participant):
    claim = AttendanceClaimFactory(session=noon, user=participant, minutes=60)
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_attendance_claim_decide", args=[noon.program.slug, claim.pk]),
        {"decision": "approve"},
    )

    claim.refresh_from_db()
    assert _messages(response) == [NOT_STARTED]
    assert (claim.status, Attendance.objects.count()) == (AttendanceClaim.Status.PENDING, 0)


# never more than the session


def test_adjust_post_above_the_session_length_says_the_limit(client, ended, coordinator, participant):
    client.force_login(coordinator)

    response = client.post(
        _url("sessions:manage_attendance_adjust", ended),
        {"user": participant.email, "minutes": "120", "reason": "Phone"},
    )

    assert _messages(response) == ["Give 0 to 90 minutes: the session lasted 90 minutes."]
    assert Attendance.objects.count() == 0


# the import preview is what is stored


def test_import_preview_of_two_devices_shows_what_is_stored(client, ended, coordinator, participant, program):
    program.attendance_threshold_percent = 75
    program.save()
    client.force_login(coordinator)
    text = HEADER + (
        "P laptop,participant@example.org,11/25/2026 11:50 AM,11/25/2026 01:00 PM,70,No,No\n"
        "P phone,participant@example.org,11/25/2026 12:15 PM,11/25/2026 12:49 PM,34,No,No\n"
    )

    preview = _upload(client, ended, text)
    stored = client.post(_url("sessions:manage_attendance_import_confirm", ended), {"action": "store"})

    body = preview.content.decode()
    assert '<td data-label="Report says" class="num">104 min</td>' in body
    assert '<td data-label="Within the session" class="num">60 min</td>' in body
    assert '<td data-label="Minutes" class="num">60 min</td>' in body
    assert '<td data-label="Of the session" class="num">66%</td>' in body
    assert '<span class="badge badge-status status-returned">Not reached</span>' in body
    assert "Credits need 68 minutes (75%)" in body
    assert _messages(stored) == ["Attendance stored for 1 person."]
    assert _rows(ended) == {"participant@example.org": (60, "report", True)}


def test_import_confirm_with_a_changed_match_previews_again_and_stores_nothing(
    client, ended, coordinator, participant
):
    client.force_login(coordinator)
    _upload(client, ended, HEADER + "iPhone,,11/25/2026 12:00 PM,11/25/2026 01:00 PM,60,No,No\n")

    response = client.post(
        _url("sessions:manage_attendance_import_confirm", ended),
        {"match-0": participant.pk, "shown-0": "", "action": "store"},
    )

    assert response.status_code == 200
    assert _messages(response) == ["Check the minutes below with the new matches, then store them."]
    assert [(o.user, o.minutes) for o in response.context["preview"].outcomes] == [(participant, 60)]
    assert f'<input type="hidden" name="shown-0" value="{participant.pk}">' in response.content.decode()
    assert Attendance.objects.count() == 0


def test_import_of_another_days_report_says_so(client, ended, coordinator, participant):
    client.force_login(coordinator)

    response = _upload(
        client, ended, HEADER + "P,participant@example.org,11/18/2026 12:00 PM,11/18/2026 01:30 PM,90,No,No\n"
    )

    assert response.context["form"].errors == {
        "file": [
            "No time in this report falls within the session (Wed 25 Nov 2026, 12:00–13:30 EST): "
            "it is the report of another meeting or day. Upload the participants report of this session."
        ]
    }
    assert Attendance.objects.count() == 0


def test_import_of_a_report_without_join_and_leave_times_says_how_to_export_one(
    client, ended, coordinator, participant
):
    client.force_login(coordinator)

    response = _upload(client, ended, (SAMPLES / "participants_total_duration.csv").read_text())

    assert response.context["form"].errors == {
        "file": [
            "This report gives durations without join and leave times, so time before or after the "
            "session, and two devices at once, cannot be told apart. In Zoom, untick “Show unique users” "
            "and export the participants report again."
        ]
    }


def test_import_of_a_row_without_a_leave_time_names_the_line(client, ended, coordinator, participant):
    client.force_login(coordinator)
    text = HEADER + (
        "P,participant@example.org,11/25/2026 12:00 PM,11/25/2026 12:30 PM,30,No,No\n"
        "P,participant@example.org,11/25/2026 12:40 PM,,50,No,No\n"
    )

    response = _upload(client, ended, text)

    assert response.context["form"].errors == {
        "file": [
            "Line 3 of the report lacks a join or a leave time: only time within the session counts, "
            "so each row needs both. Fill them in or export the report from Zoom again."
        ]
    }


# provisional attendance on the roster


def test_roster_labels_provisional_and_verified_rows(client, ended, coordinator, participant, program, clock):
    ana = _member(program, "ana@example.org", full_name="Ana Lopez")
    _provisional(ended, participant, clock)
    services.adjust_attendance(session=ended, user=ana, minutes=80, reason="Phone", by=coordinator)
    client.force_login(coordinator)

    body = client.get(_url("sessions:manage_attendance", ended)).content.decode()

    assert "1 attendance from Join clicks only. They earn no credits until you confirm them" in body
    assert (
        '<button type="submit" form="confirm-form" class="btn btn-outline-primary">Confirm all 1</button>'
        in body
    )
    assert '<span class="badge badge-status status-verified">Verified</span>' in body
    assert body.count('<span class="badge badge-status status-provisional">Provisional</span>') == 2
    assert f'name="user" value="{participant.pk}"' in body
    assert f'name="user" value="{ana.pk}"' not in body
    assert "Joined Wed 25 Nov 2026, 11:47 EST" in body


def test_roster_says_provisional_attendance_earns_credits_where_the_program_allows(
    client, ended, coordinator, participant, program, clock
):
    program.provisional_attendance_earns_credit = True
    program.save()
    _provisional(ended, participant, clock)
    client.force_login(coordinator)

    body = client.get(_url("sessions:manage_attendance", ended)).content.decode()

    assert "They earn credits already (a program setting); confirming marks them verified." in body


def test_confirm_one_members_provisional_attendance(client, ended, coordinator, participant, program, clock):
    other = _member(program, "other@example.org")
    _provisional(ended, participant, clock)
    Attendance.objects.create(session=ended, user=other, minutes=40, source="join", verified=False)
    client.force_login(coordinator)

    response = client.post(_url("sessions:manage_attendance_confirm", ended), {"user": participant.pk})

    assert (response.status_code, response.url) == (302, _url("sessions:manage_attendance", ended))
    assert _messages(response) == ["1 provisional attendance confirmed."]
    assert _rows(ended) == {
        "participant@example.org": (90, "join", True),
        "other@example.org": (40, "join", False),
    }
    assert AuditEvent.objects.get(action=AuditEvent.Action.ATTENDANCE_CONFIRMED).actor == coordinator


def test_confirm_all_provisional_attendance(client, ended, coordinator, participant, program, clock):
    other = _member(program, "other@example.org")
    _provisional(ended, participant, clock)
    Attendance.objects.create(session=ended, user=other, minutes=40, source="join", verified=False)
    client.force_login(coordinator)

    response = client.post(_url("sessions:manage_attendance_confirm", ended))

    assert _messages(response) == ["2 provisional attendances confirmed."]
    assert {row[2] for row in _rows(ended).values()} == {True}
    assert AttendanceChange.objects.filter(reason="Provisional attendance confirmed").count() == 2


def test_confirm_before_the_session_ends_says_so(client, noon, coordinator, clock):
    clock.move_to(START + timedelta(minutes=10), tick=False)
    client.force_login(coordinator)

    response = client.post(_url("sessions:manage_attendance_confirm", noon))

    assert _messages(response) == ["Provisional attendance can be confirmed once the session has ended."]


def test_confirm_with_a_user_that_is_not_a_number_confirms_nothing(
    client, ended, coordinator, participant, clock
):
    _provisional(ended, participant, clock)
    client.force_login(coordinator)

    response = client.post(_url("sessions:manage_attendance_confirm", ended), {"user": "everyone"})

    assert _messages(response) == ["Choose whose attendance to confirm."]
    assert _rows(ended) == {"participant@example.org": (90, "join", False)}


def test_confirm_anonymous_goes_to_login(client, ended):
    url = _url("sessions:manage_attendance_confirm", ended)

    response = client.post(url)

    assert (response.status_code, response.url) == (302, f"{reverse('account_login')}?next={url}")


def test_confirm_by_a_participant_is_403_and_confirms_nothing(client, ended, participant, clock):
    _provisional(ended, participant, clock)
    client.force_login(participant)

    response = client.post(_url("sessions:manage_attendance_confirm", ended))

    assert response.status_code == 403
    assert _rows(ended) == {"participant@example.org": (90, "join", False)}


def test_confirm_get_is_405(client, ended, coordinator):
    client.force_login(coordinator)

    response = client.get(_url("sessions:manage_attendance_confirm", ended))

    assert (response.status_code, response["Allow"]) == (405, "POST")


# the program setting


def test_program_settings_save_whether_provisional_attendance_earns_credits(client, program, coordinator):
    client.force_login(coordinator)
    url = reverse("sessions:manage_program_edit", args=[program.slug])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "default_start_time": "12:00",
        "evaluation_required": "on",
        "provisional_attendance_earns_credit": "on",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert Program.objects.get(pk=program.pk).provisional_attendance_earns_credit is True
