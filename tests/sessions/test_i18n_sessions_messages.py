"""What the sessions services answer a French speaker is French too: the schedule's refusals,
the roster, curriculum and participant-report checks, invitation refusals and the calendar
entries (the download and the feed a calendar app fetches without the person's cookie)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from echo_hub.accounts.models import Profession
from sessions import services
from sessions.roster import parse_roster
from sessions.zoom import decode_report
from tests.factories import CycleFactory, InvitationFactory, PastSessionFactory, SessionFactory
from tests.i18n import visible_text
from zoom import crypto
from zoom.client import REVOKED
from zoom.models import ZoomConnection, ZoomMeeting

pytestmark = pytest.mark.django_db


def _french(client, user):
    user.language = "fr-ca"
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


@pytest.fixture
def noon_session(program, expert):
    return SessionFactory(
        program=program,
        title="Séance 4",
        didactic_topic="Douleur et sommeil",
        presenter=expert,
        starts_at=datetime(2026, 10, 21, 16, 0, tzinfo=UTC),
        ends_at=datetime(2026, 10, 21, 18, 0, tzinfo=UTC),
    )


def _description(response) -> str:
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    return str(event["DESCRIPTION"])


def test_the_calendar_download_is_in_the_readers_language(client, participant, noon_session):
    url = reverse("sessions:session_ics", args=[noon_session.program.slug, noon_session.pk])

    description = _description(_french(client, participant).get(url))

    assert "Présentation didactique : Douleur et sommeil" in description
    assert "Page de la séance : http://testserver/programs/chronic-pain/sessions/" in description
    assert "Didactic:" not in description


def test_the_calendar_feed_speaks_the_profile_language_without_a_cookie(client, participant, noon_session):
    participant.language = "fr-ca"
    participant.save(update_fields=["language"])
    services.cancel_session(session=noon_session, reason="Jour férié")

    description = _description(client.get(reverse("calendar_feed", args=[participant.calendar_token])))

    assert "Annulée : Jour férié" in description
    assert "Cancelled:" not in description


def test_an_english_profile_keeps_the_calendar_feed_in_english(client, participant, noon_session):
    client.cookies["django_language"] = "fr-ca"

    description = _description(client.get(reverse("calendar_feed", args=[participant.calendar_token])))

    assert "Didactic: Douleur et sommeil" in description


def test_a_series_in_the_past_is_refused_in_french(client, coordinator, program):
    first = timezone.localdate() - timedelta(days=14)

    page = _french(client, coordinator).post(
        reverse("sessions:manage_schedule_new", args=[program.slug]),
        {"first_date": first.isoformat(), "start_time": "12:00", "duration_minutes": "120", "count": "2"},
    )

    body = page.content.decode()
    assert "sont dans le passé. Choisissez un moment à venir" in body
    assert "are in the past" not in body


def test_a_series_outside_its_cycle_is_refused_in_french(client, coordinator, program):
    cycle = CycleFactory(
        program=program,
        name="Automne",
        start_date=timezone.localdate() + timedelta(days=30),
        end_date=timezone.localdate() + timedelta(days=60),
    )
    first = timezone.localdate() + timedelta(days=7)

    page = _french(client, coordinator).post(
        reverse("sessions:manage_schedule_new", args=[program.slug]),
        {
            "cycle": cycle.pk,
            "first_date": first.isoformat(),
            "start_time": "12:00",
            "duration_minutes": "120",
            "count": "1",
        },
    )

    body = page.content.decode()
    assert "« Automne » se déroule du " in body
    assert "cochez « Prolonger le cycle »" in body


def test_a_held_session_cannot_be_cancelled_and_says_so_in_french(client, coordinator, program, participant):
    held = PastSessionFactory(program=program, title="Séance 1")
    held.attendances.create(user=participant, minutes=90, source="report", verified=True)

    page = _french(client, coordinator).post(
        reverse("sessions:manage_session_cancel", args=[program.slug, held.pk]), {"reason": "Erreur"}
    )

    assert "Séance 1 a eu lieu : des personnes y ont assisté" in page.content.decode()


def test_the_roster_checks_speak_french_and_accept_french_professions():
    text = "email,full_name,profession,organization\nmarie@example.org,Marie Roy,Médecin de famille,CSC\n,,Plombier,\n"

    with translation.override("fr-ca"):
        report = parse_roster(text)
        errors = report.lines[1].errors

    assert report.lines[0].row.profession == Profession.FAMILY_PHYSICIAN
    assert errors[0] == "Le courriel manque."
    assert errors[2].startswith("Profession inconnue « Plombier ». Utilisez l'une des suivantes : ")
    assert "Médecin de famille" in errors[2]


def test_a_participant_report_that_is_a_pdf_is_refused_in_french(client, coordinator, program):
    past = PastSessionFactory(program=program)

    page = _french(client, coordinator).post(
        reverse("sessions:manage_attendance_import", args=[program.slug, past.pk]),
        {"file": SimpleUploadedFile("rapport.csv", b"%PDF-1.7 not a report", "text/csv")},
    )

    text = visible_text(page.content.decode())
    assert "Le fichier n'est pas une exportation CSV : c'est un document PDF." in text
    assert "Exportez le rapport des participants de Zoom en CSV" in text


def test_the_report_reader_speaks_the_active_language():
    with translation.override("fr-ca"), pytest.raises(ValidationError) as refused:
        decode_report(b"PK\x03\x04zip")

    assert "un classeur Excel ou un autre fichier compressé" in " ".join(refused.value.messages)


def test_a_curriculum_file_with_a_wrong_session_is_refused_in_french(client, coordinator, program):
    cycle = CycleFactory(program=program, name="Automne", start_date=timezone.localdate())
    SessionFactory(program=program, cycle=cycle, number=1)
    csv = (
        "session,date,topic,presenter_email,guest_name,guest_profession,guest_affiliation,learning_objectives\n"
        "9,,Sommeil,,,,,\n"
    )

    page = _french(client, coordinator).post(
        reverse("sessions:manage_curriculum_import", args=[program.slug, cycle.pk]),
        {"file": SimpleUploadedFile("plan.csv", csv.encode(), "text/csv")},
    )

    text = visible_text(page.content.decode())
    assert "1 problème à corriger dans le fichier. Rien n'a été importé." in text
    assert "« 9 » n'est pas le numéro d'une séance de ce cycle." in text


def test_an_expired_invitation_says_whom_to_ask_in_french(client, program, coordinator, invitee):
    invitation = InvitationFactory(
        program=program,
        email=invitee.email,
        invited_by=coordinator,
        expires_at=timezone.now() - timedelta(days=1),
    )

    page = _french(client, invitee).get(reverse("sessions:invitation_accept", args=[invitation.token]))

    body = page.content.decode()
    assert "Cette invitation a expiré. Demandez-en une nouvelle à " in body
    assert "(Chronic Pain &amp; Opioid Stewardship)." in body


def test_a_participant_refused_a_coordinators_page_reads_why_in_french(client, participant, program):
    page = _french(client, participant).get(reverse("sessions:manage_schedule", args=[program.slug]))

    assert page.status_code == 403
    assert "Seule la coordination du programme peut faire cela." in page.content.decode()


def test_what_zoom_answered_reads_in_french_on_the_meeting_page(client, coordinator, program):
    session = SessionFactory(program=program, title="Séance 5")
    ZoomConnection.objects.create(
        program=program,
        account_id="acc",
        client_id="cid",
        client_secret_encrypted=crypto.encrypt("secret"),
        webhook_token_encrypted=crypto.encrypt("token"),
        status=ZoomConnection.Status.ERROR,
        last_error=REVOKED,
    )
    ZoomMeeting.objects.create(
        session=session,
        meeting_id=81234567890,
        status=ZoomMeeting.Status.MISSING,
        last_error="The Zoom meeting of this session no longer exists: it was deleted in Zoom. "
        "Recreate it from the session's Zoom page.",
    )

    meeting = _french(client, coordinator).get(reverse("zoom:meeting", args=[program.slug, session.pk]))
    detail = client.get(reverse("sessions:session_detail", args=[program.slug, session.pk]))

    for page in (meeting, detail):
        text = visible_text(page.content.decode())
        assert "Zoom a refusé les identifiants de l'application" in text
        assert "La réunion Zoom de cette séance n'existe plus" in text
        assert "Zoom refused" not in text


def test_a_roster_tick_is_listed_in_french_among_the_changes(client, coordinator, program, participant):
    past = PastSessionFactory(program=program)
    url = reverse("sessions:manage_attendance", args=[program.slug, past.pk])

    saved = _french(client, coordinator).post(
        url, {"present": [participant.pk], "shown": [participant.pk]}, follow=True
    )

    text = visible_text(saved.content.decode())
    assert "Liste de présence enregistrée (1 modification)." in text
    assert "Cochée dans la liste de présence" in text
    assert "Ticked on the roster" not in text
