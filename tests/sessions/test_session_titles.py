import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import title_with_topic
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "topic", "heading"),
    [
        ("Session 3", "Sleep and pain", "Session 3: Sleep and pain"),
        ("Session 3", "", "Session 3"),
        ("Session 3", "Opioid tapering: when and how", "Session 3 — Opioid tapering: when and how"),
        ("Orientation: Welcome to ECHO", "Welcome to ECHO", "Orientation: Welcome to ECHO"),
        ("Orientation", "Orientation: welcome to ECHO", "Orientation: welcome to ECHO"),
        ("Orientation", "Welcome: what ECHO is", "Orientation — Welcome: what ECHO is"),
        ("Sleep and pain", "sleep and pain", "Sleep and pain"),
    ],
)
def test_title_with_topic_says_each_part_once(title, topic, heading):
    assert title_with_topic(title, topic) == heading


def test_session_heading_never_doubles_a_prefix(program):
    session = SessionFactory(program=program, title="Orientation", didactic_topic="Orientation: Welcome")

    assert session.heading == "Orientation: Welcome"


def _options(body: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_export_lists_sessions_in_date_order_with_their_dates(client, coordinator, program):
    now = timezone.now().replace(microsecond=0)
    later = SessionFactory(program=program, title="Session 2", starts_at=now - timedelta(days=3))
    earlier = SessionFactory(program=program, title="Session 1", starts_at=now - timedelta(days=10))
    SessionFactory(title="Another program's session")
    client.force_login(coordinator)

    body = client.get(reverse("cpd:export_attendance", args=[program.slug])).content.decode()

    local = [s.starts_at.astimezone(timezone.get_default_timezone()) for s in (earlier, later)]
    assert _options(body, "session") == [
        "All sessions",
        f"Session 1 · {local[0]:%a %-d %b %Y, %H:%M} {local[0].tzname()}",
        f"Session 2 · {local[1]:%a %-d %b %Y, %H:%M} {local[1].tzname()}",
    ]
