"""Calendar entries read in their owner's language: the personal feed (fetched by a calendar
app, without the owner's cookie) and the per-session download."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.factories import EnrollmentFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db
PROGRAM = "Chronic Pain & Opioid Stewardship"


@pytest.fixture
def noon_session(program):
    return SessionFactory(
        program=program,
        title="Opioid tapering",
        didactic_topic="Tapering without withdrawal",
        starts_at=datetime(2026, 10, 21, 16, 0, tzinfo=UTC),
        ends_at=datetime(2026, 10, 21, 18, 0, tzinfo=UTC),
    )


def _member(program, language):
    return EnrollmentFactory(program=program, user=UserFactory(language=language)).user


def _feed(client, user, **headers):
    response = client.get(reverse("calendar_feed", args=[user.calendar_token]), **headers)
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_personal_feed_reads_in_its_owners_language_whatever_the_calendar_app_asks(
    client, program, noon_session
):
    french, english = _member(program, "fr-ca"), _member(program, "en-ca")

    fr_calendar, fr_event = _feed(client, french, HTTP_ACCEPT_LANGUAGE="en-CA,en")
    en_calendar, en_event = _feed(client, english, HTTP_ACCEPT_LANGUAGE="fr-CA,fr")

    assert str(fr_calendar["X-WR-CALNAME"]) == "Séances ECHO Hub"
    assert str(fr_event["SUMMARY"]) == f"ECHO : {PROGRAM} — Opioid tapering"
    assert str(fr_event["DESCRIPTION"]).splitlines()[:3] == [
        PROGRAM,
        "Présentation didactique : Tapering without withdrawal",
        "Rejoindre la séance : https://video.example.org/join/123",
    ]
    assert str(fr_event["DESCRIPTION"]).splitlines()[3].startswith("Page de la séance : http")
    assert str(en_calendar["X-WR-CALNAME"]) == "ECHO Hub sessions"
    assert str(en_event["SUMMARY"]) == f"ECHO: {PROGRAM} — Opioid tapering"
    assert str(en_event["DESCRIPTION"]).splitlines()[1:3] == [
        "Didactic: Tapering without withdrawal",
        "Join: https://video.example.org/join/123",
    ]


def test_the_session_download_reads_in_the_signed_in_members_language(client, program, noon_session):
    client.force_login(_member(program, "fr-ca"))

    response = client.get(reverse("sessions:session_ics", args=[program.slug, noon_session.pk]))

    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"ECHO : {PROGRAM} — Opioid tapering"
    assert "Présentation didactique : Tapering without withdrawal" in str(event["DESCRIPTION"])
