import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from echo_hub.audit.models import AuditEvent
from echo_hub.audit.services import Action, record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _event(action=Action.CASE_VIEWED, *, program, actor=None, at=None, object_id=1) -> AuditEvent:
    event = record(action, actor=actor, program=program, object_type="cases.case", object_id=object_id)
    if at is not None:
        AuditEvent.objects.filter(pk=event.pk).update(at=at)
    return event


def _labels(response) -> list[str]:
    return [e.object_label for e in response.context["page"]]


def test_coordinator_sees_only_their_programs_events(client, coordinator, program, other_program):
    _event(program=program, actor=coordinator, object_id=11)
    _event(program=other_program, object_id=22)
    _event(Action.LOGIN_FAILED, program=None, object_id=33)
    client.force_login(coordinator)

    response = client.get(reverse("sessions:manage_audit", args=[program.slug]))

    body = response.content.decode()
    assert _labels(response) == ["Case #11"]
    assert "Case #22" not in body and "Case #33" not in body
    assert '<td data-label="Who">coord@example.org</td>' in body


def test_coordinator_of_another_program_gets_404_and_sees_nothing(client, other_coordinator, program):
    _event(program=program, object_id=11)
    client.force_login(other_coordinator)

    page = client.get(reverse("sessions:manage_audit", args=[program.slug]))
    export = client.get(reverse("sessions:manage_audit_csv", args=[program.slug]))

    assert (page.status_code, export.status_code) == (404, 404)
    assert b"Case #11" not in page.content + export.content


def test_filters_narrow_by_action_actor_and_dates(client, coordinator, program):
    now = timezone.now()
    someone = UserFactory(email="someone@example.org")
    _event(program=program, actor=someone, object_id=1, at=now - timedelta(days=10))
    _event(Action.CASE_RETURNED, program=program, actor=someone, object_id=2, at=now - timedelta(days=3))
    _event(program=program, actor=coordinator, object_id=3, at=now - timedelta(days=3))
    _event(program=program, actor=someone, object_id=4, at=now)
    client.force_login(coordinator)
    url = reverse("sessions:manage_audit", args=[program.slug])
    local = timezone.localdate

    by_action = client.get(url, {"action": Action.CASE_RETURNED})
    by_actor = client.get(url, {"actor": "SOMEONE@"})
    by_dates = client.get(
        url,
        {
            "start": local(now - timedelta(days=4)).isoformat(),
            "end": local(now - timedelta(days=2)).isoformat(),
        },
    )
    bad = client.get(url, {"start": "2026-05-02", "end": "2026-05-01"})

    assert _labels(by_action) == ["Case #2"]
    assert _labels(by_actor) == ["Case #4", "Case #2", "Case #1"]
    assert sorted(_labels(by_dates)) == ["Case #2", "Case #3"]
    assert len(_labels(bad)) == 4
    assert "The end date must be on or after the start date." in bad.content.decode()


def test_csv_export_holds_the_filtered_events_and_neutralises_formulas(client, coordinator, program):
    record(Action.LOGIN_FAILED, actor_email="=cmd|'/c calc'!A1", program=program)
    _event(program=program, actor=coordinator, object_id=5)
    client.force_login(coordinator)

    response = client.get(
        reverse("sessions:manage_audit_csv", args=[program.slug]), {"action": Action.LOGIN_FAILED}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert response["Content-Disposition"] == f'attachment; filename="audit-{program.slug}.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert rows[0][:3] == ["time (UTC)", "action", "actor email"]
    assert [(r[1], r[2], r[3]) for r in rows[1:]] == [("login_failed", "'=cmd|'/c calc'!A1", program.slug)]


def test_superuser_sees_every_program_and_login_events(client, program, other_program):
    _event(program=program, object_id=1)
    _event(program=other_program, object_id=2)
    record(Action.LOGIN_FAILED, actor_email="guess@example.org")
    client.force_login(UserFactory(is_superuser=True))

    response = client.get(reverse("audit:site"), {"action": ""})
    export = client.get(reverse("audit:site_csv"))

    assert {e.action for e in response.context["page"]} >= {Action.CASE_VIEWED, Action.LOGIN_FAILED}
    assert {"Case #1", "Case #2"} <= set(_labels(response))
    assert export.content.decode().count("\n") == 1 + AuditEvent.objects.count()


def test_manage_tabs_link_to_the_audit_trail(client, coordinator, program):
    client.force_login(coordinator)

    response = client.get(reverse("sessions:manage_enrollment", args=[program.slug]))

    assert (
        f'href="{reverse("sessions:manage_audit", args=[program.slug])}">Audit</a>'
        in response.content.decode()
    )


def test_event_list_query_count_does_not_grow_with_pages_of_events(client, coordinator, program):
    client.force_login(coordinator)
    url = reverse("sessions:manage_audit", args=[program.slug])
    _event(program=program, actor=coordinator)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        first = client.get(url)
    for n in range(120):
        _event(program=program, actor=coordinator, object_id=n)
    with CaptureQueriesContext(connection) as many:
        second = client.get(url, {"page": 2})

    assert (len(_labels(first)), len(_labels(second))) == (1, 50)
    sql = "\n".join(q["sql"] for q in many.captured_queries)
    assert len(one) == len(many) == 6, sql


def test_event_pages_have_one_h1_landmarks_and_nothing_inline(client, coordinator, program):
    from tests.test_pages import H1, INLINE_SCRIPT, STYLE_ATTR

    _event(program=program, actor=coordinator)
    record(Action.LOGIN_FAILED, actor_email="guess@example.org")
    coordinator.is_superuser = True
    coordinator.save(update_fields=["is_superuser"])
    client.force_login(coordinator)

    for url in [reverse("sessions:manage_audit", args=[program.slug]), reverse("audit:site")]:
        html = client.get(url, {"action": "", "actor": ""}).content.decode()

        assert "<main" in html and "<nav" in html and "<header" in html, url
        assert len(H1.findall(html)) == 1, url
        assert (INLINE_SCRIPT.findall(html), STYLE_ATTR.findall(html)) == ([], []), url
        assert "Case #1" in html, url


def test_navigation_links_coordinators_and_superusers_to_their_audit_pages(client, coordinator, program):
    client.force_login(coordinator)
    as_coordinator = client.get(reverse("home")).content.decode()
    coordinator.is_superuser = True
    coordinator.save(update_fields=["is_superuser"])
    as_superuser = client.get(reverse("home")).content.decode()

    program_link = f'href="{reverse("sessions:manage_audit", args=[program.slug])}">Audit</a>'
    site_link = f'href="{reverse("audit:site")}">Audit trail</a>'
    assert (program_link in as_coordinator, site_link in as_coordinator) == (True, False)
    assert site_link in as_superuser
