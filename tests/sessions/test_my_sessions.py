import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from sessions.models import Enrollment, Role, Session
from sessions.selectors import my_sessions_by_program
from tests.factories import EnrollmentFactory, ProgramFactory, SessionFactory
from tests.querycount import capture_render, sql

pytestmark = pytest.mark.django_db


def _session(program, days: float, title: str, **fields) -> Session:
    starts = timezone.now() + timedelta(days=days)
    return SessionFactory(program=program, title=title, starts_at=starts, **fields)


def _titles(sessions) -> list[str]:
    return [s.title for s in sessions]


def test_my_sessions_groups_upcoming_and_past_per_program(participant, program, other_program):
    EnrollmentFactory(user=participant, program=other_program, role=Role.PARTICIPANT)
    for n in range(1, 7):
        _session(program, n * 7, f"Next {n}")
        _session(program, -n * 7, f"Past {n}")
    _session(other_program, 3, "Other next")
    _session(ProgramFactory(), 2, "Not mine")

    groups = my_sessions_by_program(participant, upcoming=4, past=3)

    assert [g.program.name for g in groups] == ["Addiction Medicine", "Chronic Pain & Opioid Stewardship"]
    other, mine = groups
    assert (_titles(other.upcoming), other.upcoming_total, other.past, other.past_total) == (
        ["Other next"],
        1,
        [],
        0,
    )
    assert _titles(mine.upcoming) == ["Next 1", "Next 2", "Next 3", "Next 4"]
    assert mine.upcoming_total == 6
    assert _titles(mine.past) == ["Past 1", "Past 2", "Past 3"]
    assert mine.past_total == 6


def test_my_sessions_leaves_out_programs_the_user_left(participant, program, other_program):
    EnrollmentFactory(user=participant, program=other_program, status=Enrollment.Status.REMOVED)
    _session(other_program, 3, "Other next")

    assert [g.program for g in my_sessions_by_program(participant)] == [program]


def test_my_sessions_page_shows_dates_and_links_to_the_rest(client, participant, program, time_machine):
    # At noon, so that no session (now plus whole weeks) runs past midnight: one that does reads
    # "22:11 – Mon 14 Dec 00:11", and the test failed when run late in the evening.
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    time_machine.move_to(noon, tick=False)
    for n in range(1, 6):
        _session(program, n * 7, f"Session {n + 10}", didactic_topic="Sleep and pain")
        _session(program, -n * 7, f"Session {n}")
    client.force_login(participant)

    body = client.get(reverse("sessions:my_sessions")).content.decode()

    first = Session.objects.get(title="Session 11")
    assert f">{escape(program.name)}</a></h2>" in body
    assert "Session 11: Sleep and pain</a>" in body
    local = first.starts_at.astimezone(timezone.get_default_timezone())
    assert f"{local:%a %-d %b %Y}, {local:%H:%M}–" in body
    sessions_url = reverse("sessions:program_sessions", args=[program.slug])
    assert f'<a href="{sessions_url}">Show all 5 upcoming sessions</a>' in body
    assert "<summary>Past sessions (5)</summary>" in body
    assert f'<a href="{sessions_url}?when=past">Show all 5 past sessions</a>' in body
    # Four upcoming and three past, however long the program has run.
    assert len(re.findall(r'<li class="list-group-item">', body)) == 7


def test_my_sessions_says_when_a_program_has_nothing_scheduled(client, participant, program):
    client.force_login(participant)

    body = client.get(reverse("sessions:my_sessions")).content.decode()

    assert "No upcoming sessions in this program yet." in body
    assert "Past sessions" not in body


# a prospective member


def test_program_page_shows_upcoming_topics_to_a_prospective_member(client, outsider, program):
    program.is_open_for_enrollment = True
    program.save(update_fields=["is_open_for_enrollment"])
    soon = _session(program, 3, "Session 4", didactic_topic="Buprenorphine for chronic pain")
    _session(program, 10, "Session 5")
    _session(program, -3, "Session 3", didactic_topic="An old topic")
    _session(program, 5, "Cancelled one", didactic_topic="Not happening", status=Session.Status.CANCELLED)
    client.force_login(outsider)

    body = client.get(reverse("sessions:program_detail", args=[program.slug])).content.decode()

    topics = re.findall(r'<span class="fw-semibold text-break">([^<]+)</span>', body)
    assert topics == ["Buprenorphine for chronic pain", "Topic to be announced"]
    local = soon.starts_at.astimezone(timezone.get_default_timezone())
    assert f"{local:%a %-d %b %Y}" in body
    assert "Request to enroll" in body
    assert soon.join_url not in body
    assert reverse("sessions:session_detail", args=[program.slug, soon.pk]) not in body


def test_program_page_shows_topics_to_an_anonymous_visitor(client, program):
    program.is_open_for_enrollment = True
    program.save(update_fields=["is_open_for_enrollment"])
    _session(program, 3, "Session 4", didactic_topic="Buprenorphine for chronic pain")

    body = client.get(reverse("sessions:program_detail", args=[program.slug])).content.decode()

    assert "Buprenorphine for chronic pain" in body
    assert "Log in to enroll" in body


def test_program_page_topics_query_count_is_constant(client, outsider, program):
    program.is_open_for_enrollment = True
    program.save(update_fields=["is_open_for_enrollment"])
    client.force_login(outsider)
    url = reverse("sessions:program_detail", args=[program.slug])
    _session(program, 3, "Session 1", didactic_topic="Topic A")
    ctx1, body1 = capture_render(client, url)
    _session(program, 4, "Session 2", didactic_topic="Topic B")
    _session(program, 5, "Session 3", didactic_topic="Topic C")

    ctx3, body3 = capture_render(client, url)

    assert body1.count("Topic ") == 1
    assert body3.count("Topic ") == 3
    assert len(ctx1) == len(ctx3), sql(ctx1, ctx3)
