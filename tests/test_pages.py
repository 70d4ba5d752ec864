import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Role

from .factories import CycleFactory, EnrollmentFactory, InvitationFactory, with_email_address

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.IGNORECASE)
H1 = re.compile(r"<h1[\s>]", re.IGNORECASE)


def _pages(program, session, enrollment):
    slug = program.slug
    return [
        reverse("home"),
        reverse("sessions:program_list"),
        reverse("sessions:program_detail", args=[slug]),
        reverse("sessions:program_sessions", args=[slug]),
        reverse("sessions:session_detail", args=[slug, session.pk]),
        reverse("sessions:my_sessions"),
        reverse("sessions:program_create"),
        reverse("sessions:manage_schedule", args=[slug]),
        reverse("sessions:manage_program_edit", args=[slug]),
        reverse("sessions:manage_cycle_create", args=[slug]),
        reverse("sessions:manage_schedule_new", args=[slug]),
        reverse("sessions:manage_session_edit", args=[slug, session.pk]),
        reverse("sessions:manage_session_cancel", args=[slug, session.pk]),
        reverse("sessions:manage_session_reschedule", args=[slug, session.pk]),
        reverse("sessions:manage_enrollment", args=[slug]),
        reverse("sessions:manage_invite", args=[slug]),
        reverse("sessions:manage_roster_import", args=[slug]),
        reverse("accounts:profile"),
        reverse("accounts:calendar"),
        reverse("account_change_password"),
        reverse("account_email"),
        reverse("accounts:security"),
        reverse("site:privacy"),
        reverse("site:close_account"),
        reverse("mfa_index"),
    ]


@pytest.mark.django_db
def test_pages_markup_has_landmarks_one_h1_and_nothing_inline(client, program, coordinator, session):
    CycleFactory(program=program)
    enrollment = EnrollmentFactory(program=program, role=Role.PARTICIPANT)
    client.force_login(coordinator)

    for url in _pages(program, session, enrollment):
        html = client.get(url).content.decode()

        assert "<main" in html and "<nav" in html and "<header" in html, url
        assert len(H1.findall(html)) == 1, url
        assert INLINE_SCRIPT.findall(html) == [], url
        assert STYLE_ATTR.findall(html) == [], url
        assert 'href="#main"' in html, url


@pytest.mark.django_db
def test_pages_of_invitations_have_one_h1_and_nothing_inline(client, program, coordinator):
    with_email_address(coordinator)
    mine = InvitationFactory(program=program, email=coordinator.email, role=Role.EXPERT)
    others = InvitationFactory(program=program, email="someone@example.org")
    expired = InvitationFactory(program=program, expires_at=timezone.now() - timedelta(days=1))
    client.force_login(coordinator)

    for url in [
        reverse("sessions:invitation_accept", args=[mine.token]),
        reverse("sessions:invitation_accept", args=[others.token]),
        reverse("sessions:invitation_accept", args=[expired.token]),
        reverse("sessions:manage_invitations", args=[program.slug]),
        reverse("sessions:manage_invitation_revoke", args=[program.slug, others.pk]),
    ]:
        html = client.get(url).content.decode()

        assert "<main" in html and 'href="#main"' in html, url
        assert len(H1.findall(html)) == 1, url
        assert INLINE_SCRIPT.findall(html) == [], url
        assert STYLE_ATTR.findall(html) == [], url


@pytest.mark.django_db
def test_pages_anonymous_entrance_pages_have_one_h1(client, program):
    for url in [
        reverse("home"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("sessions:program_list"),
    ]:
        html = client.get(url).content.decode()

        assert len(H1.findall(html)) == 1, url
        assert STYLE_ATTR.findall(html) == [], url


@pytest.mark.django_db
def test_pages_not_found_uses_product_layout(client):
    response = client.get("/programs/does-not-exist/")

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


@pytest.mark.django_db
def test_dashboard_join_button_is_live_only_from_15_minutes_before(client, program, participant):
    from datetime import timedelta

    from django.utils import timezone

    from .factories import SessionFactory

    soon = SessionFactory(program=program, starts_at=timezone.now() + timedelta(minutes=14))
    client.force_login(participant)

    live = client.get(reverse("home")).content.decode()
    soon.starts_at = timezone.now() + timedelta(minutes=16)
    soon.ends_at = soon.starts_at + timedelta(hours=2)
    soon.save()
    waiting = client.get(reverse("home")).content.decode()

    join_action = f'action="{reverse("sessions:join", args=[program.slug, soon.pk])}"'
    assert join_action in live
    assert join_action not in waiting
    assert "Join opens 15 minutes before" in waiting


@pytest.mark.django_db
def test_session_badge_says_what_a_person_needs_to_know_now(client, program, participant):
    from datetime import timedelta

    from django.utils import timezone

    from .factories import SessionFactory

    now = timezone.now()
    held = SessionFactory(program=program, starts_at=now - timedelta(days=7))
    live = SessionFactory(program=program, starts_at=now - timedelta(minutes=30))
    upcoming = SessionFactory(program=program, starts_at=now + timedelta(days=7))
    cancelled = SessionFactory(program=program, starts_at=now + timedelta(days=14), status="cancelled")
    client.force_login(participant)

    badges = {
        s.pk: client.get(reverse("sessions:session_detail", args=[program.slug, s.pk])).content.decode()
        for s in (held, live, upcoming, cancelled)
    }

    assert 'status-held">Held<' in badges[held.pk]
    assert 'status-live">In progress<' in badges[live.pk]
    assert 'status-scheduled">Scheduled<' in badges[upcoming.pk]
    assert 'status-cancelled">Cancelled<' in badges[cancelled.pk]
