"""Every page of programs, sessions, attendance, enrollment, invitations, the curriculum and the
Zoom connection speaks Canadian French to a French speaker, empty states and form errors
included. Each page is rendered for the person who sees it, once with an English profile and
once with a French one: the French page holds no English phrase of the catalogue, and no text
of two words or more reads the same in both (a string nobody marked). What people typed
(names, titles, addresses) stays as typed; session times are the language plumbing's."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from echo_hub.accounts.models import time_zone_choices
from echo_hub.notifications.models import Notification
from sessions.models import Enrollment, Role, Session, SessionMaterial, program_scope
from tests.factories import (
    AttendanceClaimFactory,
    AttendanceFactory,
    CycleFactory,
    EnrollmentFactory,
    InvitationFactory,
    NotificationFactory,
    PastSessionFactory,
    SessionFactory,
    SessionMaterialFactory,
    UserFactory,
    with_email_address,
)
from tests.i18n import HTML_FR, assert_french_page, english_left, same_in_both

pytestmark = pytest.mark.django_db

# The CSV columns named on the import pages are a machine format: they stay as they are.
CSV_COLUMNS = (
    "presenter_email",
    "guest_name",
    "guest_profession",
    "guest_affiliation",
    "learning_objectives",
    "full_name",
)
# Zoom's App Marketplace names its app type and events in English only; the webhook is an address.
ZOOM_NAMES = ("Server-to-Server OAuth", "End Meeting", "http://testserver/zoom/webhook/chronic-pain/")
# Dates and times ("Sun 6 Dec 2026, 12:00 EST") are the language plumbing's (echo_hub/lib/timefmt.py):
# they are left out of the comparison, in both languages.
ENGLISH_TIME = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"
    r"(, \d\d:\d\d(–\d\d:\d\d)?( [A-Z]{3,4})?)?"
)


@dataclass
class World:
    program: object
    cycle: object
    upcoming: Session
    past: Session
    coordinator: object
    participant: object
    invitee: object
    outsider: object
    data: tuple[str, ...]


@pytest.fixture
def world(program, coordinator, participant, expert, pending_user):
    program.summary = "Weekly telementoring for primary care."
    program.description = "Case-based learning for clinicians in Northern Ontario."
    program.save()
    past = PastSessionFactory(program=program, title="Session 1", didactic_topic="Opioid tapering", number=1)
    upcoming = SessionFactory(
        program=program,
        title="Session 2",
        didactic_topic="Sleep and pain",
        number=2,
        learning_objectives="Screen for sleep apnea\nChoose a non-drug sleep plan",
        presenter=expert,
    )
    cycle = CycleFactory(
        program=program, name="Fall 2026", start_date=past.starts_at.date() - timedelta(days=1)
    )
    Session.objects.filter(pk__in=[past.pk, upcoming.pk]).update(cycle=cycle)
    past.refresh_from_db()
    upcoming.refresh_from_db()
    AttendanceFactory(session=past, user=participant, minutes=90, source="report")
    AttendanceFactory(session=past, user=expert, minutes=120, source="join")
    claimant = EnrollmentFactory(program=program, user=UserFactory(full_name="Marie Gagnon")).user
    AttendanceClaimFactory(session=past, user=claimant, minutes=60, note="Par téléphone")
    slides = SessionMaterialFactory(session=past, title="Tapering slides")
    recording = SessionMaterialFactory(
        session=past,
        kind=SessionMaterial.Kind.RECORDING,
        file=None,
        url="https://video.example.org/r/1",
        title="Recording link",
    )
    InvitationFactory(
        program=program, email="new.member@example.org", invited_by=coordinator, role=Role.EXPERT
    )
    NotificationFactory(
        email="bounced@example.org",
        status=Notification.Status.FAILED,
        scope=program_scope(program.pk),
        subject="Inscription approuvée",
        last_error="550 mailbox unavailable",
    )
    invitee = with_email_address(UserFactory(email="jordan@example.org", full_name="Jordan Roy"))
    outsider = UserFactory(email="outsider@example.org", full_name="Olivier Dubé")
    people = [coordinator, participant, expert, pending_user, claimant, invitee, outsider]
    zones = [label for _, group in time_zone_choices() for _, label in group]
    data = (
        program.name,
        program.summary,
        program.description,
        cycle.name,
        "Opioid tapering",
        "Sleep and pain",
        "Screen for sleep apnea",
        "Choose a non-drug sleep plan",
        slides.title,
        recording.title,
        "new.member@example.org",
        "bounced@example.org",
        "550 mailbox unavailable",
        "Inscription approuvée",
        "•••@example.org",
        "Northern Family Health Team",
        *[p.email for p in people],
        *[p.full_name for p in people],
        "pas-une-adresse",
        *CSV_COLUMNS,
        *ZOOM_NAMES,
        *zones,
    )
    return World(program, cycle, upcoming, past, coordinator, participant, invitee, outsider, data)


def _as(client, user, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def _render(client, user, request):
    english = request(_as(client, user, "en-ca"))
    french = request(_as(client, user, "fr-ca"))
    return _times_out(english.content.decode()), _times_out(french.content.decode()), french.status_code


def _times_out(body: str) -> str:
    return ENGLISH_TIME.sub(" ", body)


def get(name, *args):
    def request(client, w):
        return client.get(reverse(name, args=[a(w) if callable(a) else a for a in args]))

    return request


def post(name, data, *args, files=None):
    def request(client, w):
        url = reverse(name, args=[a(w) if callable(a) else a for a in args])
        payload = dict(data)
        if files:
            payload.update({key: SimpleUploadedFile(*value) for key, value in files.items()})
        return client.post(url, payload)

    return request


def slug(w):
    return w.program.slug


def upcoming(w):
    return w.upcoming.pk


def past(w):
    return w.past.pk


def cycle(w):
    return w.cycle.pk


def invitation(w):
    return w.program.invitations.get().pk


def token(w):
    return InvitationFactory(program=w.program, email=w.invitee.email, invited_by=w.coordinator).token


def expired_token(w):
    return InvitationFactory(
        program=w.program, email=w.invitee.email, expires_at=timezone.now() - timedelta(days=1)
    ).token


def other_address_token(w):
    return InvitationFactory(program=w.program, email="someone.else@example.org").token


PAGES = [
    ("program list", get("sessions:program_list"), "participant", 200),
    ("program page, member", get("sessions:program_detail", slug), "participant", 200),
    ("program page, not yet a member", get("sessions:program_detail", slug), "outsider", 200),
    ("program sessions", get("sessions:program_sessions", slug), "participant", 200),
    ("my sessions", get("sessions:my_sessions"), "participant", 200),
    ("my sessions, none", get("sessions:my_sessions"), "outsider", 200),
    ("session page", get("sessions:session_detail", slug, upcoming), "participant", 200),
    ("past session page, coordinator", get("sessions:session_detail", slug, past), "coordinator", 200),
    ("I attended", get("sessions:attendance_claim", slug, past), "participant", 200),
    (
        "I attended, refused",
        post("sessions:attendance_claim", {"minutes": "0"}, slug, past),
        "participant",
        200,
    ),
    ("learning library", get("sessions:learning_library", slug), "participant", 200),
    ("session materials", get("sessions:session_materials", slug, past), "coordinator", 200),
    (
        "session materials, bad link",
        post(
            "sessions:session_materials",
            {"form": "link", "link-kind": "recording", "link-url": "ftp://x"},
            slug,
            past,
        ),
        "coordinator",
        200,
    ),
    ("invitation", get("sessions:invitation_accept", token), "invitee", 200),
    ("invitation expired", get("sessions:invitation_accept", expired_token), "invitee", 200),
    (
        "invitation for another address",
        get("sessions:invitation_accept", other_address_token),
        "invitee",
        200,
    ),
    ("schedule", get("sessions:manage_schedule", slug), "coordinator", 200),
    ("schedule sessions", get("sessions:manage_schedule_new", slug), "coordinator", 200),
    (
        "schedule sessions, refused",
        post("sessions:manage_schedule_new", {"count": "99", "skip_dates": "demain"}, slug),
        "coordinator",
        200,
    ),
    ("program settings", get("sessions:manage_program_edit", slug), "coordinator", 200),
    (
        "program settings, refused",
        post("sessions:manage_program_edit", {"name": "", "evaluation_window_days": "0"}, slug),
        "coordinator",
        200,
    ),
    ("new program", get("sessions:program_create"), "coordinator", 200),
    ("new cycle", get("sessions:manage_cycle_create", slug), "coordinator", 200),
    (
        "new cycle, refused",
        post(
            "sessions:manage_cycle_create",
            {"name": "Hiver", "start_date": "2027-03-01", "end_date": "2027-01-01"},
            slug,
        ),
        "coordinator",
        200,
    ),
    ("edit cycle", get("sessions:manage_cycle_edit", slug, cycle), "coordinator", 200),
    ("curriculum", get("sessions:manage_curriculum", slug, cycle), "coordinator", 200),
    ("curriculum import", get("sessions:manage_curriculum_import", slug, cycle), "coordinator", 200),
    ("edit session", get("sessions:manage_session_edit", slug, upcoming), "coordinator", 200),
    ("cancel session", get("sessions:manage_session_cancel", slug, upcoming), "coordinator", 200),
    (
        "cancel session, refused",
        post("sessions:manage_session_cancel", {"reason": ""}, slug, upcoming),
        "coordinator",
        200,
    ),
    ("reschedule session", get("sessions:manage_session_reschedule", slug, upcoming), "coordinator", 200),
    ("attendance, not started", get("sessions:manage_attendance", slug, upcoming), "coordinator", 200),
    ("attendance", get("sessions:manage_attendance", slug, past), "coordinator", 200),
    ("attendance import", get("sessions:manage_attendance_import", slug, past), "coordinator", 200),
    (
        "attendance import, unreadable file",
        post("sessions:manage_attendance_import", {}, slug, past, files={"file": ("r.csv", b"", "text/csv")}),
        "coordinator",
        200,
    ),
    ("enrollment", get("sessions:manage_enrollment", slug), "coordinator", 200),
    ("invite", get("sessions:manage_invite", slug), "coordinator", 200),
    (
        "invite, refused",
        post("sessions:manage_invite", {"emails": "pas-une-adresse", "role": "participant"}, slug),
        "coordinator",
        200,
    ),
    ("invitations", get("sessions:manage_invitations", slug), "coordinator", 200),
    ("revoke invitation", get("sessions:manage_invitation_revoke", slug, invitation), "coordinator", 200),
    ("roster import", get("sessions:manage_roster_import", slug), "coordinator", 200),
    ("failed messages", get("sessions:manage_failed_messages", slug), "coordinator", 200),
    ("Zoom connection", get("zoom:connection", slug), "coordinator", 200),
    (
        "Zoom connection, refused",
        post("zoom:connection", {"account_id": "a b", "client_id": ""}, slug),
        "coordinator",
        200,
    ),
    ("Zoom meeting", get("zoom:meeting", slug, upcoming), "coordinator", 200),
]


@pytest.mark.parametrize(("page", "request_", "role", "status"), PAGES, ids=[p[0] for p in PAGES])
def test_the_page_is_in_french_for_a_french_speaker(client, world, page, request_, role, status):
    user = getattr(world, role)

    english, french, code = _render(client, user, lambda c: request_(c, world))

    assert code == status
    assert HTML_FR in french
    assert english_left(french) == []
    assert same_in_both(english, french, world.data) == []
    assert_french_page(french, english, data=world.data)


def test_a_visitor_who_chose_french_reads_the_program_page_in_french(client, world):
    url = reverse("sessions:program_detail", args=[world.program.slug])
    english = _times_out(client.get(url).content.decode())
    client.cookies["django_language"] = "fr-ca"

    french = _times_out(client.get(url).content.decode())

    assert_french_page(french, english, data=world.data)
    assert "Se connecter pour s'inscrire" in french
    assert "Sujet à confirmer" not in french
    assert "Sleep and pain" in french


def test_the_empty_states_are_in_french(client, coordinator, program):
    pages = [
        reverse("sessions:manage_schedule", args=[program.slug]),
        reverse("sessions:manage_invitations", args=[program.slug]),
        reverse("sessions:manage_failed_messages", args=[program.slug]),
        reverse("sessions:learning_library", args=[program.slug]),
        reverse("sessions:program_sessions", args=[program.slug]) + "?when=past",
    ]
    Enrollment.objects.exclude(user=coordinator).delete()
    data = (program.name, coordinator.email, coordinator.full_name)
    for url in pages:
        english = _as(client, coordinator, "en-ca").get(url).content.decode()
        french = _as(client, coordinator, "fr-ca").get(url).content.decode()
        assert_french_page(french, english, data=data)
    assert "Aucune séance passée" in french


def test_messages_after_a_coordinator_acts_are_in_french(client, world):
    _as(client, world.coordinator, "fr-ca")

    saved = client.post(
        reverse("sessions:manage_session_cancel", args=[world.program.slug, world.upcoming.pk]),
        {"reason": "Jour férié"},
        follow=True,
    )
    invited = client.post(
        reverse("sessions:manage_invite", args=[world.program.slug]),
        {"emails": "a@example.org, b@example.org", "role": "participant"},
        follow=True,
    )

    assert "Séance « Session 2 » annulée." in saved.content.decode()
    assert "Annulée" in saved.content.decode()
    assert "2 invitations envoyées." in invited.content.decode()


def test_a_french_participants_request_to_join_is_confirmed_in_french(client, world):
    world.program.enrollments.filter(user=world.outsider).delete()
    _as(client, world.outsider, "fr-ca")

    page = client.post(reverse("sessions:program_enroll", args=[world.program.slug]), follow=True)

    body = page.content.decode()
    assert "Votre demande pour vous joindre à Chronic Pain &amp; Opioid Stewardship est envoyée." in body
    assert "Votre demande attend la décision de la coordination." in body
