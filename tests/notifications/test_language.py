"""Every message reads in its recipient's language, whoever caused it and wherever it is
rendered: a coordinator's request in another language, a Celery task, the beat sweep."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from cases.models import Case
from cases.services import assign_case_to_session
from sessions.invitations import invite_to_program
from sessions.models import Enrollment, ProgramLanguage, Role
from sessions.reminders import send_due_session_reminders
from sessions.services import approve_enrollment, cancel_session
from tests.factories import CaseFactory, EnrollmentFactory, SessionFactory, UserFactory
from tests.i18n import english_left

from .conftest import by_recipient, ics_event

pytestmark = pytest.mark.django_db

# Wednesday 4 November 2026, 12:00 in Toronto (EST).
START = datetime(2026, 11, 4, 17, 0, tzinfo=UTC)
PROGRAM = "Chronic Pain & Opioid Stewardship"


@pytest.fixture(autouse=True)
def _before_november(time_machine):
    time_machine.move_to(datetime(2026, 10, 1, 16, 0, tzinfo=UTC))


@pytest.fixture
def french_member(program):
    user = UserFactory(email="marie@example.org", full_name="Marie Tremblay", language="fr-ca")
    return EnrollmentFactory(program=program, user=user).user


@pytest.fixture
def english_member(program):
    user = UserFactory(email="ann@example.org", full_name="Ann Lee", language="en-ca")
    return EnrollmentFactory(program=program, user=user).user


@pytest.fixture
def noon_session(program):
    return SessionFactory(
        program=program, title="Session 1", didactic_topic="Opioid tapering", starts_at=START
    )


def _html(message) -> str:
    (html,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html


def _assert_french(message) -> None:
    html = _html(message)
    assert '<html lang="fr-ca">' in html
    assert english_left(html) == []
    assert english_left(message.body) == []
    assert english_left(message.subject) == []


def _assert_english(message) -> None:
    assert '<html lang="en-ca">' in _html(message)


def test_an_english_coordinator_approving_writes_to_each_member_in_their_language(
    program, coordinator, django_capture_on_commit_callbacks
):
    french = EnrollmentFactory(
        program=program,
        status=Enrollment.Status.PENDING,
        user=UserFactory(email="marie@example.org", full_name="Marie Tremblay", language="fr-ca"),
    )
    english = EnrollmentFactory(
        program=program,
        status=Enrollment.Status.PENDING,
        user=UserFactory(email="ann@example.org", full_name="Ann Lee", language="en-ca"),
    )

    with translation.override("en-ca"), django_capture_on_commit_callbacks(execute=True):
        approve_enrollment(enrollment=french, by=coordinator)
        approve_enrollment(enrollment=english, by=coordinator)

    emails = by_recipient(mail.outbox)
    fr, en = emails["marie@example.org"], emails["ann@example.org"]
    assert fr.subject == f"Vous êtes inscrit·e au programme {PROGRAM}"
    assert fr.body.startswith("Bonjour Marie,\n\nBonne nouvelle : votre demande d'inscription au programme")
    assert f"L'équipe du carrefour {PROGRAM}" in fr.body
    assert "Ouvrir le programme</a>" in _html(fr)
    assert "flux de calendrier personnel</a>" in _html(fr)
    _assert_french(fr)
    assert en.subject == f"You're enrolled in {PROGRAM}"
    assert en.body.startswith("Hello Ann,\n\nGood news: your request to join")
    assert "Open the program</a>" in _html(en)
    _assert_english(en)


def test_a_french_coordinator_writes_to_an_english_member_in_english(
    program, coordinator, django_capture_on_commit_callbacks
):
    enrollment = EnrollmentFactory(
        program=program, status=Enrollment.Status.PENDING, user=UserFactory(email="ann@example.org")
    )

    with translation.override("fr-ca"), django_capture_on_commit_callbacks(execute=True):
        approve_enrollment(enrollment=enrollment, by=coordinator)

    (message,) = mail.outbox
    assert message.subject == f"You're enrolled in {PROGRAM}"
    assert "You get this email because of your ECHO Hub account" in _html(message)
    _assert_english(message)


def test_a_cancellation_sent_by_its_task_reaches_each_member_in_their_language_with_the_calendar_entry(
    noon_session, french_member, english_member, django_capture_on_commit_callbacks
):
    with translation.override("en-ca"), django_capture_on_commit_callbacks(execute=True):
        cancel_session(session=noon_session, reason="Statutory holiday")

    emails = by_recipient(mail.outbox)
    fr, en = emails["marie@example.org"], emails["ann@example.org"]
    assert fr.subject == f"Annulée : {PROGRAM} — Session 1"
    assert (
        f"La séance Session 1 du programme {PROGRAM}, prévue le mercredi 4 novembre 2026, "
        "12\xa0h\xa000 à 14\xa0h\xa000 EST, est annulée.\nMotif : Statutory holiday\n"
    ) in fr.body
    assert "<strong>annulée</strong>" in _html(fr)
    _assert_french(fr)
    assert str(ics_event(fr)["SUMMARY"]) == f"ECHO : {PROGRAM} — Session 1"
    assert "Annulée : Statutory holiday" in str(ics_event(fr)["DESCRIPTION"])
    assert en.subject == f"Cancelled: {PROGRAM} — Session 1"
    assert "planned for Wed 4 Nov 2026, 12:00–14:00 EST, is cancelled." in en.body
    _assert_english(en)
    assert str(ics_event(en)["SUMMARY"]) == f"ECHO: {PROGRAM} — Session 1"
    assert "Cancelled: Statutory holiday" in str(ics_event(en)["DESCRIPTION"])


def test_the_beat_sweeps_reminders_go_out_in_each_members_language(
    noon_session, french_member, english_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_due_session_reminders(now=START - timedelta(hours=23))

    emails = by_recipient(mail.outbox)
    fr, en = emails["marie@example.org"], emails["ann@example.org"]
    assert fr.subject == f"Demain : {PROGRAM} — Session 1"
    assert "Quand : mercredi 4 novembre 2026, 12\xa0h\xa000 à 14\xa0h\xa000 EST (America/Toronto)" in fr.body
    assert "Présentation didactique : Opioid tapering" in fr.body
    assert "Ne plus recevoir ces rappels</a>" in _html(fr)
    _assert_french(fr)
    assert "Présentation didactique : Opioid tapering" in str(ics_event(fr)["DESCRIPTION"])
    assert en.subject == f"Tomorrow: {PROGRAM} — Session 1"
    assert "When: Wed 4 Nov 2026, 12:00–14:00 EST (America/Toronto)" in en.body
    _assert_english(en)
    assert "Didactic: Opioid tapering" in str(ics_event(en)["DESCRIPTION"])


def test_a_french_presenter_hears_of_their_scheduled_case_in_french(
    program, coordinator, django_capture_on_commit_callbacks
):
    presenter = EnrollmentFactory(
        program=program, user=UserFactory(full_name="Marie Tremblay", language="fr-ca")
    ).user
    session = SessionFactory(program=program, title="Session 4", starts_at=timezone.now() + timedelta(days=5))
    case = CaseFactory(program=program, presenter=presenter, status=Case.Status.SUBMITTED)

    with translation.override("en-ca"), django_capture_on_commit_callbacks(execute=True):
        assign_case_to_session(case=case, session=session, by=coordinator)

    [message] = [m for m in mail.outbox if m.to == [presenter.email]]
    assert message.subject == "Votre cas est à l'ordre du jour : Session 4"
    assert (
        f"Votre cas n° {case.pk} sera discuté à la séance Session 4 du programme {PROGRAM} :" in message.body
    )
    assert "mardi 6 octobre 2026" in message.body
    _assert_french(message)


@pytest.mark.parametrize(
    ("program_language", "inviter_language", "subject"),
    [
        (ProgramLanguage.FRENCH, "en-ca", f"Invitation à vous joindre au programme {PROGRAM} dans ECHO Hub"),
        (ProgramLanguage.ENGLISH, "fr-ca", f"You're invited to join {PROGRAM} on ECHO Hub"),
        (
            ProgramLanguage.BILINGUAL,
            "fr-ca",
            f"Invitation à vous joindre au programme {PROGRAM} dans ECHO Hub",
        ),
        (ProgramLanguage.BILINGUAL, "en-ca", f"You're invited to join {PROGRAM} on ECHO Hub"),
    ],
)
def test_an_invitation_to_an_address_is_in_the_programs_language_or_the_inviters_for_a_bilingual_one(
    program, coordinator, program_language, inviter_language, subject, django_capture_on_commit_callbacks
):
    program.language = program_language
    program.save()

    with translation.override(inviter_language), django_capture_on_commit_callbacks(execute=True):
        invite_to_program(
            program=program, emails=["new.np@example.org"], role=Role.PARTICIPANT, by=coordinator
        )

    (message,) = mail.outbox
    assert message.subject == subject
    if subject.startswith("Invitation"):
        assert "Ce lien ne fonctionne qu'une fois, jusqu'au " in message.body
        assert " 2026, " in message.body and "\xa0h\xa0" in message.body
        _assert_french(message)
    else:
        assert "This link works once, until " in message.body
        _assert_english(message)
