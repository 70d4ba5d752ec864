import pytest
from django.urls import reverse

from sessions.models import MemberJoinLink
from tests.factories import EnrollmentFactory, SessionFactory, UserFactory
from tests.querycount import capture_render, sql
from zoom.models import ZoomMeeting, ZoomRegistrant

pytestmark = pytest.mark.django_db


def _registered(program, session, meeting, count):
    for n in range(count):
        user = EnrollmentFactory(
            program=program, user=UserFactory(email=f"r{meeting.pk}-{n}@example.org")
        ).user
        url = f"https://example.zoom.us/w/{meeting.meeting_id}?tk={n}"
        ZoomRegistrant.objects.create(meeting=meeting, user=user, registrant_id=f"r{n}", join_url=url)
        MemberJoinLink.objects.create(session=session, user=user, url=url)


@pytest.mark.parametrize(
    ("page", "queries"),
    [
        (lambda s: reverse("zoom:meeting", args=[s.program.slug, s.pk]), 8),
        (lambda s: s.get_absolute_url(), 8),
        (lambda s: reverse("zoom:connection", args=[s.program.slug]), 5),
    ],
    ids=["meeting", "session", "connection"],
)
def test_zoom_pages_query_counts_do_not_grow(client, program, coordinator, connection, page, queries):
    counts = []
    contexts = []
    for count in (1, 3):
        session = SessionFactory(program=program)
        meeting = ZoomMeeting.objects.create(
            session=session,
            meeting_id=85000000000 + count,
            status=ZoomMeeting.Status.MISSING,
            last_error="Gone",
        )
        _registered(program, session, meeting, count)
        client.force_login(coordinator)
        ctx, _ = capture_render(client, page(session))
        counts.append(len(ctx))
        contexts.append(ctx)
    assert counts == [queries, queries], sql(*contexts)
