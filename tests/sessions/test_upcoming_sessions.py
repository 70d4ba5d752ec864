"""The dashboard's upcoming sessions: read from the programs the caller has in hand."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions.models import MemberJoinLink, Session
from sessions.selectors import upcoming_sessions_in
from tests.factories import ProgramFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _at(program, title, hours_from_now, *, length=2, **fields):
    starts_at = timezone.now() + timedelta(hours=hours_from_now)
    return SessionFactory(
        program=program,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=length),
        **fields,
    )


def test_sessions_not_over_in_the_programs_given_soonest_first_up_to_the_limit():
    user = UserFactory()
    pain, hepatitis, other = ProgramFactory(), ProgramFactory(), ProgramFactory()
    _at(pain, "Over", -5)
    _at(pain, "Under way", -1)
    _at(hepatitis, "Tomorrow", 24, status=Session.Status.CANCELLED)
    _at(pain, "Next week", 24 * 7)
    _at(hepatitis, "In two weeks", 24 * 14)
    _at(other, "Not a program of theirs", 2)

    found = upcoming_sessions_in([pain, hepatitis], user, limit=3)

    assert [s.title for s in found] == ["Under way", "Tomorrow", "Next week"]
    assert [s.title for s in upcoming_sessions_in([hepatitis], user, limit=6)] == ["Tomorrow", "In two weeks"]


def test_each_session_carries_the_callers_program_and_the_users_join_link():
    user, someone_else = UserFactory(), UserFactory()
    program = ProgramFactory()
    own = _at(program, "Registered", 3, join_url="https://video.example.org/j/shared")
    _at(program, "Not registered", 27, join_url="https://video.example.org/j/other")
    MemberJoinLink.objects.create(session=own, user=user, url="https://video.example.org/j/mine")
    MemberJoinLink.objects.create(session=own, user=someone_else, url="https://video.example.org/j/theirs")

    with CaptureQueriesContext(connection) as ctx:
        found = upcoming_sessions_in([program], user, limit=6)
        programs = [s.program for s in found]

    assert len(ctx.captured_queries) == 1
    assert all(p is program for p in programs)
    assert [s.member_join_url for s in found] == [
        "https://video.example.org/j/mine",
        "https://video.example.org/j/other",
    ]


def test_no_program_no_query():
    user = UserFactory()
    with CaptureQueriesContext(connection) as ctx:
        assert upcoming_sessions_in([], user, limit=6) == []
    assert ctx.captured_queries == []
