"""A French-speaking coordinator and participant go through the sessions and Zoom pages in
chromium: every page says lang="fr-ca", fits a 360 px phone with the longer French words, and
stays clean for axe (Visitor.check, desktop and phone screenshots)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from sessions.models import Enrollment
from tests.factories import (
    AttendanceClaimFactory,
    AttendanceFactory,
    CycleFactory,
    EnrollmentFactory,
    InvitationFactory,
    SessionMaterialFactory,
)

from . import seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _french(user):
    user.language = "fr-ca"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def hub():
    program = seed.hub_program()
    coordinator = _french(seed.coordinator(program))
    participant = _french(seed.person("louise@example.org", full_name="Louise Tremblay"))
    EnrollmentFactory(program=program, user=participant)
    EnrollmentFactory(program=program, user=seed.person("new@example.org"), status=Enrollment.Status.PENDING)
    past = seed.session_at(
        program, starts_in=-timedelta(days=7), title="Séance 1", didactic_topic="Réduire les opioïdes"
    )
    upcoming = seed.session_at(
        program, starts_in=timedelta(days=7), title="Séance 2", didactic_topic="Douleur et sommeil"
    )
    cycle = CycleFactory(program=program, name="Automne 2026", start_date=past.starts_at.date())
    program.sessions.update(cycle=cycle)
    AttendanceFactory(session=past, user=participant, minutes=90)
    marc = seed.person("marc@example.org", full_name="Marc Gagnon")
    EnrollmentFactory(program=program, user=marc)
    AttendanceClaimFactory(session=past, user=marc, minutes=60, note="Par téléphone")
    SessionMaterialFactory(session=past, title="Diapositives — opioïdes")
    InvitationFactory(program=program, email="invitee@example.org", invited_by=coordinator)
    return program, past, upcoming, cycle


def _visit_in_french(visitor, pages):
    for path, step in pages:
        page = visitor.goto(path, step)
        assert page.locator("html").get_attribute("lang") == "fr-ca", step
    visitor.assert_clean()


def test_a_french_coordinator_manages_the_program_in_french_on_a_phone(open_browser, hub):
    program, past, upcoming, cycle = hub
    slug = program.slug
    coord = open_browser("coordonnatrice", phone=True)
    coord.log_in("coord@example.org")

    _visit_in_french(
        coord,
        [
            (reverse("sessions:manage_schedule", args=[slug]), "calendrier"),
            (reverse("sessions:manage_schedule_new", args=[slug]), "planifier des séances"),
            (reverse("sessions:manage_curriculum", args=[slug, cycle.pk]), "plan de formation"),
            (reverse("sessions:manage_curriculum_import", args=[slug, cycle.pk]), "importer le plan"),
            (reverse("sessions:manage_session_edit", args=[slug, upcoming.pk]), "modifier la séance"),
            (reverse("sessions:manage_session_reschedule", args=[slug, upcoming.pk]), "déplacer la séance"),
            (reverse("sessions:manage_session_cancel", args=[slug, upcoming.pk]), "annuler la séance"),
            (reverse("sessions:manage_attendance", args=[slug, past.pk]), "présence"),
            (reverse("sessions:manage_attendance_import", args=[slug, past.pk]), "importer le rapport"),
            (reverse("sessions:manage_enrollment", args=[slug]), "inscriptions"),
            (reverse("sessions:manage_invitations", args=[slug]), "invitations"),
            (reverse("sessions:manage_invite", args=[slug]), "inviter"),
            (reverse("sessions:manage_roster_import", args=[slug]), "importer une liste"),
            (reverse("sessions:manage_program_edit", args=[slug]), "paramètres"),
            (reverse("sessions:manage_failed_messages", args=[slug]), "messages non envoyés"),
            (reverse("zoom:connection", args=[slug]), "connexion à zoom"),
            (reverse("zoom:meeting", args=[slug, upcoming.pk]), "réunion zoom"),
        ],
    )
    coord.goto(reverse("sessions:manage_attendance", args=[slug, past.pk]), "présence, encore")
    save = coord.page.get_by_role("button", name="Enregistrer la liste de présence")
    assert save.is_visible()
    # On a phone the sticky bar keeps the button's label whole and stays low: the explanation
    # beside it on a desktop squeezed it to a sliver and took a fifth of the screen.
    assert save.evaluate("button => button.scrollWidth <= button.clientWidth")
    assert coord.page.locator(".sticky-actions").bounding_box()["height"] < 80
    assert coord.page.get_by_text("Marc Gagnon déclare 60 minutes : « Par téléphone »").is_visible()


def test_a_french_participant_reads_the_sessions_in_french_at_desktop_and_phone(open_browser, hub):
    program, past, upcoming, _cycle = hub
    slug = program.slug
    louise = open_browser("participante")
    louise.log_in("louise@example.org")

    _visit_in_french(
        louise,
        [
            (reverse("sessions:program_list"), "programmes"),
            (reverse("sessions:program_detail", args=[slug]), "programme"),
            (reverse("sessions:program_sessions", args=[slug]) + "?when=past", "séances passées"),
            (reverse("sessions:my_sessions"), "mes séances"),
            (reverse("sessions:session_detail", args=[slug, upcoming.pk]), "séance à venir"),
            (reverse("sessions:session_detail", args=[slug, past.pk]), "séance passée"),
            (reverse("sessions:attendance_claim", args=[slug, past.pk]), "j'y étais"),
            (reverse("sessions:learning_library", args=[slug]), "bibliothèque de formation"),
        ],
    )
    louise.goto(reverse("sessions:session_detail", args=[slug, upcoming.pk]), "séance, encore")
    assert louise.page.get_by_role("link", name="Ajouter au calendrier (.ics)").is_visible()
