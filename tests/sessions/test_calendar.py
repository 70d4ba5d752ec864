from datetime import UTC, datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from sessions import services
from tests.factories import EnrollmentFactory, ProgramFactory, SessionFactory

PRODID = "-//ECHO Hub//Sessions//EN"


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _events(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


def _feed_url(user) -> str:
    return reverse("calendar_feed", args=[user.calendar_token])


@pytest.fixture
def noon_session(program):
    return SessionFactory(
        program=program,
        title="Opioid tapering",
        starts_at=_utc(2026, 10, 21, 16, 0),
        ends_at=_utc(2026, 10, 21, 18, 0),
    )


# per-session download


@pytest.mark.django_db
def test_session_ics_gives_a_member_one_event(client, program, participant, noon_session):
    client.force_login(participant)

    response = client.get(reverse("sessions:session_ics", args=[program.slug, noon_session.pk]))

    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="echo-session-{noon_session.pk}.ics"'
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == ("2.0", PRODID)
    assert str(event["UID"]) == f"session-{noon_session.pk}@echo-hub"
    assert str(event["SUMMARY"]) == "ECHO: Chronic Pain & Opioid Stewardship — Opioid tapering"
    assert event["DTSTART"].to_ical() == b"20261021T160000Z"
    assert event["DTEND"].to_ical() == b"20261021T180000Z"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "pending_user", "other_coordinator"])
def test_session_ics_is_hidden_from_non_members(client, request, program, noon_session, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("sessions:session_ics", args=[program.slug, noon_session.pk]))

    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.django_db
def test_session_ics_sends_anonymous_to_login(client, program, noon_session):
    url = reverse("sessions:session_ics", args=[program.slug, noon_session.pk])

    response = client.get(url)

    assert (response.status_code, response.url) == (302, f"{reverse('account_login')}?next={url}")


# personal feed


@pytest.mark.django_db
def test_calendar_feed_lists_sessions_of_every_approved_program_only(
    client, program, other_program, participant, noon_session, other_session
):
    third = ProgramFactory(name="Hepatitis C")
    EnrollmentFactory(program=third, user=participant)
    third_session = SessionFactory(program=third, starts_at=_utc(2026, 11, 5, 17, 0))
    later = SessionFactory(program=program, starts_at=_utc(2026, 10, 28, 16, 0))
    EnrollmentFactory(program=other_program, user=participant, status="pending")
    SessionFactory(program=ProgramFactory(), starts_at=_utc(2026, 10, 22, 16, 0))

    response = client.get(_feed_url(participant))

    calendar = Calendar.from_ical(response.content)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="echo-hub.ics"'
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == ("2.0", PRODID)
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == [
        f"session-{noon_session.pk}@echo-hub",
        f"session-{later.pk}@echo-hub",
        f"session-{third_session.pk}@echo-hub",
    ]


@pytest.mark.django_db
def test_calendar_feed_dtstart_is_the_session_start_in_utc(client, participant, noon_session):
    [event] = _events(client.get(_feed_url(participant)))

    assert event["DTSTART"].to_ical() == b"20261021T160000Z"
    assert event.decoded("DTSTART") == noon_session.starts_at
    assert event.decoded("DTSTART").utcoffset().total_seconds() == 0


@pytest.mark.django_db
def test_calendar_feed_keeps_uid_and_raises_sequence_after_an_edit(client, participant, noon_session):
    [before] = _events(client.get(_feed_url(participant)))

    services.update_session(session=noon_session, title="Opioid tapering, part 2")
    [after] = _events(client.get(_feed_url(participant)))

    assert str(before["UID"]) == str(after["UID"]) == f"session-{noon_session.pk}@echo-hub"
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert str(after["SUMMARY"]) == "ECHO: Chronic Pain & Opioid Stewardship — Opioid tapering, part 2"


@pytest.mark.django_db
def test_calendar_feed_marks_a_cancelled_session(client, participant, noon_session):
    services.cancel_session(session=noon_session, reason="Statutory holiday")

    [event] = _events(client.get(_feed_url(participant)))

    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert "Cancelled: Statutory holiday" in str(event["DESCRIPTION"])


@pytest.mark.django_db
def test_calendar_feed_marks_a_scheduled_session_confirmed(client, participant, noon_session):
    [event] = _events(client.get(_feed_url(participant)))

    assert str(event["STATUS"]) == "CONFIRMED"


@pytest.mark.django_db
def test_calendar_regenerate_retires_the_old_feed_url(client, participant, noon_session):
    old_url = _feed_url(participant)
    client.force_login(participant)

    response = client.post(reverse("accounts:calendar_regenerate"))

    participant.refresh_from_db()
    new_url = _feed_url(participant)
    client.logout()
    assert response.url == reverse("accounts:calendar")
    assert new_url != old_url
    assert client.get(old_url).status_code == 404
    new_response = client.get(new_url)
    assert (new_response.status_code, new_response["Content-Type"]) == (200, "text/calendar; charset=utf-8")
    assert [str(e["UID"]) for e in _events(new_response)] == [f"session-{noon_session.pk}@echo-hub"]


@pytest.mark.django_db
def test_calendar_feed_unknown_token_is_404(client, participant):
    response = client.get(reverse("calendar_feed", args=["no-such-token"]))

    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.django_db
def test_calendar_feed_of_a_deactivated_user_is_404(client, participant, noon_session):
    participant.is_active = False
    participant.save()

    response = client.get(_feed_url(participant))

    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
