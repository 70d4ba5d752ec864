from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from echo_hub.accounts.models import CommunityType, Profession, User
from sessions.models import Cycle, Enrollment, Invitation, Program, Role, Session
from tests.factories import CycleFactory, EnrollmentFactory, SessionFactory, UserFactory
from tests.snapshot import changes_since, snapshot

TORONTO = ZoneInfo("America/Toronto")
ROSTER_HEADER = "email,full_name,profession,organization\n"


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _messages(response) -> list[str]:
    return [message.message for message in get_messages(response.wsgi_request)]


def _program_data(**overrides) -> dict:
    data = {
        "name": "Hepatitis C & Liver Care",
        "summary": "Weekly case-based learning on hepatitis C.",
        "description": "",
        "is_open_for_enrollment": "on",
        "time_zone": "America/Toronto",
        "default_weekday": "2",
        "default_start_time": "12:00",
        "default_duration_minutes": "120",
        "didactic_minutes": "30",
        "case_slots_per_session": "3",
        "default_join_url": "https://video.example.org/join/hcv",
        "attendance_threshold_percent": "75",
        "evaluation_required": "on",
    }
    return data | overrides


def _roster_file(text: str, *, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.csv", text.encode(encoding), content_type="text/csv")


# programs and cycles


@pytest.mark.django_db
def test_program_create_makes_the_creator_its_coordinator(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("sessions:program_create"), _program_data())

    program = Program.objects.get(name="Hepatitis C & Liver Care")
    enrollment = Enrollment.objects.get(program=program)
    assert response.url == reverse("sessions:manage_schedule", args=["hepatitis-c-liver-care"])
    assert program.slug == "hepatitis-c-liver-care"
    assert (program.default_join_url, program.didactic_minutes) == ("https://video.example.org/join/hcv", 30)
    assert (enrollment.user, enrollment.role, enrollment.status, enrollment.decided_by) == (
        coordinator,
        Role.COORDINATOR,
        Enrollment.Status.APPROVED,
        coordinator,
    )
    assert _messages(response) == [
        "Hepatitis C & Liver Care is created. Open a cycle, then schedule its sessions."
    ]


@pytest.mark.django_db
def test_program_create_derives_a_free_slug_from_the_name(client, program, coordinator):
    client.force_login(coordinator)

    client.post(reverse("sessions:program_create"), _program_data(name="Chronic Pain"))

    assert Program.objects.get(name="Chronic Pain").slug == "chronic-pain-2"


@pytest.mark.django_db
def test_program_create_without_permission_is_403(client, participant):
    client.force_login(participant)
    before = snapshot()

    response = client.post(reverse("sessions:program_create"), _program_data())

    assert response.status_code == 403
    assert changes_since(before) == {}


@pytest.mark.django_db
def test_cycle_create_opens_a_cycle_and_goes_to_scheduling(client, program, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_cycle_create", args=[program.slug]),
        {"name": "Winter 2027", "start_date": "2027-01-06", "end_date": "2027-04-21"},
    )

    cycle = Cycle.objects.get(program=program)
    assert (cycle.name, cycle.start_date, cycle.end_date) == (
        "Winter 2027",
        date(2027, 1, 6),
        date(2027, 4, 21),
    )
    assert response.url == f"{reverse('sessions:manage_schedule_new', args=[program.slug])}?cycle={cycle.pk}"
    assert _messages(response) == ["Cycle “Winter 2027” is open. Schedule its sessions now."]


@pytest.mark.django_db
def test_cycle_create_duplicate_name_shows_the_error_on_the_field(client, program, coordinator):
    CycleFactory(program=program, name="Fall 2026")
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_cycle_create", args=[program.slug]),
        {"name": "fall 2026", "start_date": "2026-09-02"},
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors == {"name": ["This program already has a cycle named “fall 2026”."]}
    assert (form["name"].value(), form["start_date"].value()) == ("fall 2026", "2026-09-02")
    assert 'value="fall 2026"' in response.content.decode()
    assert Cycle.objects.filter(program=program).count() == 1


# scheduling


@pytest.mark.django_db
def test_schedule_new_creates_sixteen_weekly_sessions(client, program, coordinator):
    cycle = CycleFactory(program=program, name="Winter 2027")
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_schedule_new", args=[program.slug]),
        {
            "cycle": cycle.pk,
            "first_date": "2027-01-06",
            "start_time": "12:00",
            "duration_minutes": "90",
            "count": "16",
            "skip_dates": "2027-02-17",
        },
    )

    sessions = list(Session.objects.filter(program=program).order_by("starts_at"))
    local_dates = [s.starts_at.astimezone(TORONTO).date() for s in sessions]
    assert response.url == reverse("sessions:manage_schedule", args=[program.slug])
    assert _messages(response) == ["16 sessions scheduled."]
    assert len(sessions) == 16
    assert [s.number for s in sessions] == list(range(1, 17))
    assert {s.cycle_id for s in sessions} == {cycle.pk}
    assert date(2027, 2, 17) not in local_dates
    assert (local_dates[0], local_dates[-1]) == (date(2027, 1, 6), date(2027, 4, 28))
    assert {s.duration_minutes for s in sessions} == {90}


@pytest.mark.django_db
def test_schedule_new_bad_skip_date_keeps_the_typed_text(client, program, coordinator):
    client.force_login(coordinator)
    typed = "2026-12-23\n23/12/2026"

    response = client.post(
        reverse("sessions:manage_schedule_new", args=[program.slug]),
        {
            "first_date": "2026-12-02",
            "start_time": "12:00",
            "duration_minutes": "120",
            "count": "8",
            "skip_dates": typed,
        },
    )

    form = response.context["form"]
    assert form.errors == {
        "skip_dates": ["Write each date as YYYY-MM-DD (for example 2026-12-23). Not understood: 23/12/2026."]
    }
    assert form["skip_dates"].value() == typed
    html = response.content.decode()
    assert typed in html
    assert "Not understood: 23/12/2026." in html
    assert Session.objects.filter(program=program).count() == 0


@pytest.mark.django_db
def test_schedule_new_time_in_the_dst_gap_shows_the_error_and_creates_nothing(client, program, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_schedule_new", args=[program.slug]),
        {"first_date": "2027-03-07", "start_time": "02:30", "duration_minutes": "60", "count": "3"},
    )

    message = (
        "02:30 on Sunday 14 March 2027 does not exist in America/Toronto: the clocks spring forward that "
        "night. Choose a time outside the change, for example an hour later."
    )
    assert response.context["form"].non_field_errors() == [message]
    assert message in response.content.decode()
    assert Session.objects.filter(program=program).count() == 0


# sessions


@pytest.mark.django_db
def test_session_edit_offers_only_experts_and_coordinators_of_the_program(
    client, program, coordinator, expert, participant, pending_user, other_coordinator, session
):
    pending_expert = UserFactory(email="pending-expert@example.org")
    EnrollmentFactory(
        program=program, user=pending_expert, role=Role.EXPERT, status=Enrollment.Status.PENDING
    )
    client.force_login(coordinator)

    response = client.get(reverse("sessions:manage_session_edit", args=[program.slug, session.pk]))

    presenters = response.context["form"].fields["presenter"].queryset
    assert set(presenters) == {coordinator, expert}


@pytest.mark.django_db
def test_session_edit_saves_the_changes_and_bumps_sequence(client, program, coordinator, expert, session):
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_session_edit", args=[program.slug, session.pk]),
        {
            "title": "Tapering opioids safely",
            "didactic_topic": "Opioid tapering",
            "presenter": expert.pk,
            "learning_objectives": "Plan a taper.\nRecognise withdrawal.",
            "join_url": "https://video.example.org/join/123",
            "case_slots": "2",
        },
    )

    session.refresh_from_db()
    assert response.url == session.get_absolute_url()
    assert (session.title, session.presenter, session.case_slots) == ("Tapering opioids safely", expert, 2)
    assert session.objectives == ["Plan a taper.", "Recognise withdrawal."]
    assert session.sequence == 1
    assert _messages(response) == ["Tapering opioids safely saved."]


@pytest.mark.django_db
def test_session_edit_refuses_a_presenter_from_another_program(
    client, program, coordinator, other_coordinator, session
):
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_session_edit", args=[program.slug, session.pk]),
        {"title": "Session 1", "presenter": other_coordinator.pk, "case_slots": "3"},
    )

    assert response.context["form"].errors == {
        "presenter": ["Select a valid choice. That choice is not one of the available choices."]
    }
    session.refresh_from_db()
    assert (session.presenter, session.sequence) == (None, 0)


@pytest.mark.django_db
def test_session_cancel_records_the_reason(client, program, coordinator, session):
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_session_cancel", args=[program.slug, session.pk]),
        {"reason": "Statutory holiday"},
    )

    session.refresh_from_db()
    assert response.url == session.get_absolute_url()
    assert (session.status, session.cancel_reason, session.sequence) == (
        Session.Status.CANCELLED,
        "Statutory holiday",
        1,
    )
    assert _messages(response) == ["Session 1 is cancelled."]


@pytest.mark.django_db
def test_session_cancel_without_a_reason_shows_a_form_error(client, program, coordinator, session):
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_session_cancel", args=[program.slug, session.pk]), {"reason": ""}
    )

    assert response.context["form"].errors == {"reason": ["This field is required."]}
    session.refresh_from_db()
    assert (session.status, session.sequence) == (Session.Status.SCHEDULED, 0)


@pytest.mark.django_db
def test_session_reschedule_moves_the_session(client, program, coordinator, session):
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_session_reschedule", args=[program.slug, session.pk]),
        {"new_date": "2027-01-13", "new_start_time": "13:00", "duration_minutes": "90"},
    )

    session.refresh_from_db()
    assert response.url == session.get_absolute_url()
    assert (session.starts_at, session.ends_at) == (_utc(2027, 1, 13, 18, 0), _utc(2027, 1, 13, 19, 30))
    assert session.sequence == 1
    assert _messages(response) == ["Session 1 is rescheduled."]


@pytest.mark.django_db
def test_session_reschedule_onto_another_session_shows_the_clash(client, program, coordinator, session):
    SessionFactory(program=program, starts_at=_utc(2027, 1, 13, 17, 0))
    starts_at = session.starts_at
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_session_reschedule", args=[program.slug, session.pk]),
        {"new_date": "2027-01-13", "new_start_time": "12:00", "duration_minutes": "120"},
    )

    assert response.context["form"].non_field_errors() == ["This program already has a session at that time."]
    session.refresh_from_db()
    assert session.starts_at == starts_at


# enrollment


@pytest.mark.django_db
def test_enrollment_approve_approves_and_emails(
    client, program, coordinator, pending_user, django_capture_on_commit_callbacks
):
    enrollment = Enrollment.objects.get(user=pending_user, program=program)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sessions:manage_enrollment_approve", args=[program.slug, enrollment.pk])
        )

    enrollment.refresh_from_db()
    assert response.url == reverse("sessions:manage_enrollment", args=[program.slug])
    assert (enrollment.status, enrollment.decided_by) == (Enrollment.Status.APPROVED, coordinator)
    assert [m.to for m in mail.outbox] == [["pending@example.org"]]
    assert _messages(response) == [f"{pending_user} is approved and will get an email."]


@pytest.mark.django_db
def test_enrollment_decline_declines_with_the_reason(
    client, program, coordinator, pending_user, django_capture_on_commit_callbacks
):
    enrollment = Enrollment.objects.get(user=pending_user, program=program)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sessions:manage_enrollment_decline", args=[program.slug, enrollment.pk]),
            {"reason": "The cycle is full."},
        )

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.decline_reason) == (
        Enrollment.Status.DECLINED,
        "The cycle is full.",
    )
    assert [m.to for m in mail.outbox] == [["pending@example.org"]]
    assert _messages(response) == [f"The request of {pending_user} is declined."]


@pytest.mark.django_db
def test_enrollment_decline_of_a_member_shows_an_error(client, program, coordinator, participant):
    enrollment = Enrollment.objects.get(user=participant, program=program)
    client.force_login(coordinator)

    response = client.post(reverse("sessions:manage_enrollment_decline", args=[program.slug, enrollment.pk]))

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.APPROVED
    assert _messages(response) == ["Only a pending request can be declined."]


@pytest.mark.django_db
def test_invite_sends_one_invitation_per_address(
    client, program, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sessions:manage_invite", args=[program.slug]),
            {"emails": "Dr.Lee@Clinic.example, np@fht.example\ndr.lee@clinic.example", "role": Role.EXPERT},
        )

    invitations = Invitation.objects.filter(program=program).order_by("email")
    assert [(i.email, i.role) for i in invitations] == [
        ("dr.lee@clinic.example", Role.EXPERT),
        ("np@fht.example", Role.EXPERT),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["dr.lee@clinic.example", "np@fht.example"]
    assert _messages(response) == ["2 invitations sent."]


@pytest.mark.django_db
def test_invite_lists_bad_addresses_and_keeps_the_input(client, program, coordinator):
    client.force_login(coordinator)
    typed = "dr.lee@clinic.example, np@fht, not an email"

    response = client.post(
        reverse("sessions:manage_invite", args=[program.slug]), {"emails": typed, "role": Role.PARTICIPANT}
    )

    form = response.context["form"]
    assert form.errors == {"emails": ["Not valid email addresses: np@fht, not, an, email."]}
    assert form["emails"].value() == typed
    assert typed in response.content.decode()
    assert Invitation.objects.count() == 0


# roster import


@pytest.mark.django_db
def test_roster_import_shows_a_report_and_imports_nothing_yet(client, program, coordinator):
    client.force_login(coordinator)
    users_before = User.objects.count()
    upload = _roster_file(
        ROSTER_HEADER + "r.singh@example.org,Ravi Singh,Pharmacist,Timmins Pharmacy\n"
        "bad-email,Louise Gagnon,Registered nurse,Hearst CHC\n"
        "k.brown@example.org,Kevin Brown,Physiotherapist,Kenora Physio\n"
        "p.lee@example.org,Priya Lee,Dentist,Bancroft FHT\n"
    )

    response = client.post(reverse("sessions:manage_roster_import", args=[program.slug]), {"file": upload})

    report = response.context["report"]
    html = response.content.decode()
    assert [(line.line, line.errors) for line in report.lines if line.errors] == [
        (3, ["“bad-email” is not a valid email address."]),
        (5, [report.lines[3].errors[0]]),
    ]
    assert report.lines[3].errors[0].startswith("Unknown profession “Dentist”. Use one of: Family physician,")
    assert "Import the 2 valid rows" in html
    assert "“bad-email” is not a valid email address." in html
    assert User.objects.count() == users_before
    assert Enrollment.objects.filter(program=program).count() == 1


@pytest.mark.django_db
def test_roster_import_confirm_imports_exactly_the_valid_rows(
    client, program, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    upload = _roster_file(
        ROSTER_HEADER + "r.singh@example.org,Ravi Singh,Pharmacist,Timmins Pharmacy\n"
        "bad-email,Louise Gagnon,Registered nurse,Hearst CHC\n"
        "k.brown@example.org,Kevin Brown,physiotherapist,Kenora Physio\n"
    )
    client.post(reverse("sessions:manage_roster_import", args=[program.slug]), {"file": upload})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sessions:manage_roster_import_confirm", args=[program.slug]))

    participants = Enrollment.objects.filter(program=program, role=Role.PARTICIPANT)
    assert response.url == reverse("sessions:manage_enrollment", args=[program.slug])
    assert sorted((e.user.email, e.user.full_name, e.user.profession, e.status) for e in participants) == [
        ("k.brown@example.org", "Kevin Brown", Profession.PHYSIOTHERAPIST, Enrollment.Status.APPROVED),
        ("r.singh@example.org", "Ravi Singh", Profession.PHARMACIST, Enrollment.Status.APPROVED),
    ]
    assert User.objects.filter(full_name="Louise Gagnon").exists() is False
    assert sorted(m.to[0] for m in mail.outbox) == ["k.brown@example.org", "r.singh@example.org"]
    assert _messages(response) == ["2 people added to the roster and emailed."]


@pytest.mark.django_db
def test_roster_import_confirm_without_an_upload_redirects_with_a_message(client, program, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("sessions:manage_roster_import_confirm", args=[program.slug]))

    assert response.url == reverse("sessions:manage_roster_import", args=[program.slug])
    assert _messages(response) == ["Upload the roster file again: the preview has expired."]
    assert Enrollment.objects.filter(program=program).count() == 1


@pytest.mark.django_db
def test_roster_import_of_a_non_utf8_file_shows_the_encoding_error(client, program, coordinator):
    client.force_login(coordinator)
    upload = _roster_file(
        ROSTER_HEADER + "m.tremblay@example.org,Marie Tremblay,Family physician,Clinique Sept-Îles\n",
        encoding="latin-1",
    )

    response = client.post(reverse("sessions:manage_roster_import", args=[program.slug]), {"file": upload})

    message = (
        "The file is not UTF-8 text. In Excel choose File › Save As › “CSV UTF-8 (comma delimited)” "
        "and upload that file."
    )
    assert response.context["form"].errors == {"file": [message]}
    assert response.context["report"] is None
    assert message in response.content.decode()
    assert User.objects.filter(email="m.tremblay@example.org").exists() is False


# participant


@pytest.mark.django_db
def test_program_enroll_sends_a_request_the_coordinator_sees(client, program, coordinator, outsider):
    client.force_login(outsider)

    response = client.post(reverse("sessions:program_enroll", args=[program.slug]))

    enrollment = Enrollment.objects.get(user=outsider, program=program)
    assert response.url == program.get_absolute_url()
    assert (enrollment.status, enrollment.role) == (Enrollment.Status.PENDING, Role.PARTICIPANT)
    assert _messages(response) == [
        "Your request to join Chronic Pain & Opioid Stewardship is sent. "
        "A coordinator will review it; you will get an email."
    ]
    client.force_login(coordinator)
    page = client.get(reverse("sessions:manage_enrollment", args=[program.slug]))
    assert list(page.context["pending"].object_list) == [enrollment]
    assert "outsider@example.org" in page.content.decode()


@pytest.mark.django_db
def test_dashboard_shows_session_times_in_the_users_time_zone(client, program, participant):
    participant.time_zone = "America/Vancouver"
    participant.save()
    day = timezone.localdate() + timedelta(days=7)
    starts_at = datetime.combine(day, time(12, 0), tzinfo=TORONTO)
    SessionFactory(program=program, title="Opioid tapering", starts_at=starts_at)
    client.force_login(participant)

    response = client.get(reverse("home"))

    local = starts_at.astimezone(ZoneInfo("America/Vancouver"))
    assert local.tzname() in {"PST", "PDT"}
    assert f"{local:%a %-d %b %Y}, 09:00–11:00 {local.tzname()}" in response.content.decode()
    assert response.context["next_session"].title == "Opioid tapering"


@pytest.mark.django_db
def test_profile_saves_the_form(client, outsider):
    client.force_login(outsider)

    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "  Dr.   Marie  Tremblay ",
            "profession": Profession.FAMILY_PHYSICIAN,
            "credentials": "MD,  CCFP",
            "organization": "Manitoulin Family Health Team",
            "community_type": CommunityType.RURAL,
            "time_zone": "America/Winnipeg",
            "language": "en-ca",
        },
    )

    outsider.refresh_from_db()
    assert response.url == reverse("accounts:profile")
    assert (outsider.full_name, outsider.credentials, outsider.organization, outsider.time_zone) == (
        "Dr. Marie Tremblay",
        "MD, CCFP",
        "Manitoulin Family Health Team",
        "America/Winnipeg",
    )
    assert _messages(response) == ["Your profile is saved."]


@pytest.mark.django_db
def test_profile_missing_required_fields_keeps_the_input(client, outsider):
    name = outsider.full_name
    client.force_login(outsider)

    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "",
            "profession": "",
            "credentials": "MD",
            "organization": "Sioux Lookout Nursing Station",
            "community_type": CommunityType.REMOTE,
            "time_zone": "America/Winnipeg",
            "language": "en-ca",
        },
    )

    assert response.context["form"].errors == {
        "full_name": ["This field is required."],
        "profession": ["This field is required."],
    }
    assert 'value="Sioux Lookout Nursing Station"' in response.content.decode()
    outsider.refresh_from_db()
    assert (outsider.full_name, outsider.organization) == (name, "Northern Family Health Team")


# methods


@pytest.mark.django_db
def test_program_enroll_get_is_405(client, program, outsider):
    client.force_login(outsider)

    response = client.get(reverse("sessions:program_enroll", args=[program.slug]))

    assert (response.status_code, response["Allow"]) == (405, "POST")
    assert Enrollment.objects.filter(user=outsider).count() == 0


@pytest.mark.django_db
def test_my_sessions_post_is_405(client, participant):
    client.force_login(participant)

    response = client.post(reverse("sessions:my_sessions"))

    assert (response.status_code, response["Allow"]) == (405, "GET")
