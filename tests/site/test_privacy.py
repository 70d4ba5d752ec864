import csv
import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session as DjangoSession
from django.test import Client
from django.urls import reverse

from cpd.models import Certificate
from cpd.services import certificate_context
from echo_hub.accounts.models import User
from echo_hub.lib.csv_export import safe_cell
from echo_hub.notifications.models import Notification, NotificationPreference
from echo_hub.site.privacy import CLOSED_NAME
from sessions.models import Attendance, Enrollment, ReportAlias
from tests.factories import (
    CERTIFICATE_PDF,
    AttendanceFactory,
    CertificateFactory,
    EnrollmentFactory,
    EvaluationFactory,
    NotificationFactory,
)
from zoom.models import ZoomMeeting

PASSWORD = "correct-horse-battery"


@pytest.fixture
def records(participant, past_session, program):
    """The participant's attendance, evaluation and certificate, and those of a classmate in
    the same session whose data must never leak into the participant's export."""
    participant.full_name = "Dr. Amira Haddad"
    participant.credentials = "MD, CCFP"
    participant.save()
    classmate = EnrollmentFactory(
        program=program, user__full_name="Zed Classmate", user__email="zed@example.org"
    ).user
    AttendanceFactory(session=past_session, user=participant, minutes=110)
    EvaluationFactory(session=past_session, user=participant)
    mine = CertificateFactory(user=participant, session=past_session, credits="1.75")
    AttendanceFactory(session=past_session, user=classmate, minutes=33)
    theirs = CertificateFactory(user=classmate, session=past_session, file__data=b"%PDF-1.4 classmate")
    return {"mine": mine, "theirs": theirs, "classmate": classmate}


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_data_export_holds_the_users_own_data(client, participant, records, past_session, program):
    client.force_login(participant)
    mine = records["mine"]

    response = client.get(reverse("site:data_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="echo-hub-my-data-')
    assert response["Cache-Control"] == "private, no-store"
    archive = _zip(response)
    profile = json.loads(archive.read("profile.json"))
    assert (profile["email"], profile["full_name"], profile["credentials"]) == (
        participant.email,
        "Dr. Amira Haddad",
        "MD, CCFP",
    )
    assert [(r["program"], r["role"], r["status"]) for r in _csv(archive, "enrollments.csv")] == [
        (program.name, "Participant", "Approved")
    ]
    assert [
        (r["session"], r["minutes"], r["source"], r["verified"]) for r in _csv(archive, "attendance.csv")
    ] == [(past_session.title, "110", "Participant report", "yes")]
    credits = _csv(archive, "credits.csv")
    # Codes may start with "-": the cell is quoted against spreadsheet formulas, like every export.
    assert [(r["session"], r["attended_minutes"], r["certificate_code"]) for r in credits] == [
        (past_session.title, "110", safe_cell(mine.code))
    ]
    certificates = _csv(archive, "certificates.csv")
    assert [(r["code"], r["credits"], r["status"], r["verify_url"]) for r in certificates] == [
        (safe_cell(mine.code), "1.75", "Valid", f"http://testserver/verify/{mine.code}/")
    ]
    assert archive.read(certificates[0]["file"]) == CERTIFICATE_PDF


def test_data_export_never_holds_another_users_data(client, participant, records):
    client.force_login(participant)
    theirs, classmate = records["theirs"], records["classmate"]

    archive = _zip(client.get(reverse("site:data_export")))

    everything = b"".join(archive.read(name) for name in archive.namelist())
    for secret in (classmate.email, classmate.full_name, theirs.code, b"classmate"):
        assert (secret if isinstance(secret, bytes) else secret.encode()) not in everything
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 1


def test_data_export_of_a_new_user_is_a_valid_empty_archive(client, outsider):
    client.force_login(outsider)

    archive = _zip(client.get(reverse("site:data_export")))

    assert sorted(archive.namelist()) == [
        "attendance.csv",
        "certificates.csv",
        "credits.csv",
        "enrollments.csv",
        "profile.json",
        "zoom_reports.csv",
    ]
    assert _csv(archive, "attendance.csv") == []


def test_data_export_needs_sign_in(client):
    response = client.get(reverse("site:data_export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_close_account_with_wrong_password_changes_nothing(client, participant, records):
    client.force_login(participant)

    response = client.post(reverse("site:close_account"), {"password": "not-my-password", "confirm": "on"})

    assert response.status_code == 200
    assert "That is not your current password." in response.content.decode()
    participant.refresh_from_db()
    assert (participant.full_name, participant.is_active) == ("Dr. Amira Haddad", True)


def test_close_account_without_confirmation_changes_nothing(client, participant):
    client.force_login(participant)

    response = client.post(reverse("site:close_account"), {"password": PASSWORD})

    assert response.status_code == 200
    assert "Tick the box to confirm" in response.content.decode()
    participant.refresh_from_db()
    assert participant.is_active is True


def test_close_account_anonymizes_the_profile_and_ends_everything(client, participant, records, program):
    EmailAddress.objects.create(user=participant, email=participant.email, verified=True, primary=True)
    NotificationPreference.objects.create(user=participant, muted_kinds=["session_reminder_24h"])
    NotificationFactory(user=participant, email=participant.email)
    ReportAlias.objects.create(program=program, key="amira h (iphone)", user=participant)
    old_email, old_token = participant.email, participant.calendar_token
    other_device = Client()
    for browser in (other_device, client):
        signed_in = browser.post(reverse("account_login"), {"login": participant.email, "password": PASSWORD})
        assert signed_in.status_code == 302
    TOTP.activate(participant, generate_totp_secret())

    response = client.post(reverse("site:close_account"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(pk=participant.pk)
    assert user.full_name == CLOSED_NAME
    assert user.email.endswith("@closed.invalid") and old_email not in user.email
    assert (user.credentials, user.organization, user.profession) == ("", "", "")
    assert user.has_usable_password() is False
    assert user.is_active is False
    assert user.calendar_token != old_token
    assert not Authenticator.objects.filter(user=user).exists()
    assert not NotificationPreference.objects.filter(user=user).exists()
    assert not Notification.objects.filter(email=old_email).exists()
    assert not ReportAlias.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert not [s for s in DjangoSession.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]
    assert other_device.get(reverse("home")).context["user"].is_authenticated is False
    assert client.get(reverse("home")).context["user"].is_authenticated is False
    assert (
        client.post(reverse("account_login"), {"login": old_email, "password": PASSWORD}).status_code == 200
    )


def test_closed_account_keeps_attendance_and_certificates_that_still_verify(
    client, participant, records, past_session
):
    mine = records["mine"]
    printed = participant.name_with_credentials
    client.force_login(participant)

    client.post(reverse("site:close_account"), {"password": PASSWORD, "confirm": "on"})

    assert Attendance.objects.get(user=participant, session=past_session).minutes == 110
    assert Enrollment.objects.get(user=participant).status == Enrollment.Status.APPROVED
    mine.refresh_from_db()
    assert (mine.status, mine.holder_name) == (Certificate.Status.VALID, printed)
    verify = client.get(reverse("cpd:verify", args=[mine.code])).content.decode()
    assert "Valid certificate." in verify
    assert f'<dd class="col-sm-8">{printed}</dd>' in verify
    # A reissue prints the same name, never "Closed account".
    assert certificate_context(mine)["participant"] == printed


def test_closing_declines_pending_enrollment_requests(client, outsider, other_program):
    request = EnrollmentFactory(program=other_program, user=outsider, status=Enrollment.Status.PENDING)
    client.force_login(outsider)

    client.post(reverse("site:close_account"), {"password": PASSWORD, "confirm": "on"})

    request.refresh_from_db()
    assert (request.status, request.decline_reason) == (Enrollment.Status.DECLINED, "Account closed")


def test_closed_addresses_are_unique(client, participant, outsider):
    for user in (participant, outsider):
        client.force_login(user)
        client.post(reverse("site:close_account"), {"password": PASSWORD, "confirm": "on"})

    emails = list(User.objects.filter(is_active=False).values_list("email", flat=True))
    assert len(emails) == len(set(emails)) == 2


def _zoom_report(past_session, participant, classmate):
    return ZoomMeeting.objects.create(
        session=past_session,
        meeting_id=81234567890,
        report=[
            {
                "name": "Amira (iPad)",
                "email": participant.email.upper(),
                "join_time": "2026-01-07T17:01:05Z",
                "leave_time": "2026-01-07T18:30:00Z",
                "duration": 5335,
            },
            {
                "name": "Zed",
                "email": classmate.email,
                "join_time": "2026-01-07T17:00:00Z",
                "leave_time": "2026-01-07T17:33:00Z",
                "duration": 1980,
            },
        ],
    )


def test_data_export_holds_the_persons_rows_of_kept_zoom_reports_only(
    client, participant, records, past_session
):
    _zoom_report(past_session, participant, records["classmate"])
    client.force_login(participant)

    rows = _csv(_zip(client.get(reverse("site:data_export"))), "zoom_reports.csv")

    assert [(r["name"], r["joined"], r["left"]) for r in rows] == [
        ("Amira (iPad)", "2026-01-07T17:01:05Z", "2026-01-07T18:30:00Z")
    ]


def test_closing_removes_the_persons_rows_from_kept_zoom_reports(client, participant, records, past_session):
    meeting = _zoom_report(past_session, participant, records["classmate"])
    client.force_login(participant)

    client.post(reverse("site:close_account"), {"password": PASSWORD, "confirm": "on"})

    meeting.refresh_from_db()
    assert [row["name"] for row in meeting.report] == ["Zed"]
