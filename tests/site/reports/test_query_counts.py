from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from echo_hub.site.reports.display import report_context
from sessions.models import Attendance, Role
from tests.factories import (
    AttendanceFactory,
    CaseFactory,
    CaseSlotFactory,
    CertificateFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    FollowUpFactory,
    MedicationFactory,
    RecommendationLetterFactory,
    SessionFactory,
    UserFactory,
)
from tests.querycount import capture_render, sql

pytestmark = pytest.mark.django_db
# The session, the user, the membership, the key, the navigation and the drawn page: the filter's
# cycles are drawn with the page.
CACHED_QUERIES = 6


def _capture(client, url: str, text: str, times: int) -> CaptureQueriesContext:
    """The queries of computing the report (its cached numbers emptied first)."""
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(url).content.decode()
    assert body.count(text) == times
    return ctx


def _capture_cached(client, url: str, text: str, times: int) -> CaptureQueriesContext:
    """The queries of the report when its numbers are in the cache and nothing changed."""
    ctx, body = capture_render(client, url)
    assert body.count(text) == times
    return ctx


def _add_session_with_a_participant(program, cycle) -> None:
    """A held session with one new participant who evaluates it, earns a certificate and
    presents a case that gets a letter and a follow-up."""
    starts_at = timezone.now() - timedelta(days=30 - program.sessions.count())
    session = SessionFactory(program=program, cycle=cycle, starts_at=starts_at, didactic_topic="Tapering")
    person = UserFactory(organization=f"Site {session.pk}")
    AttendanceFactory(session=session, user=person, minutes=120)
    EvaluationFactory(session=session, user=person)
    CertificateFactory(session=session, user=person)
    case = CaseFactory(
        program=program, presenter=person, status=Case.Status.LETTER_SENT, title="Counted case"
    )
    CaseSlotFactory(case=case, session=session, position=1)
    MedicationFactory(case=case, drug="morphine", daily_dose=Decimal("60"))
    RecommendationLetterFactory(case=case, rendered_at=starts_at + timedelta(days=4))
    follow_up = FollowUpFactory(case=case)
    MedicationFactory(case=case, follow_up=follow_up, drug="morphine", daily_dose=Decimal("30"))


@pytest.mark.parametrize("query", ["", "cycle", "dates"])
def test_report_page_query_count_is_constant(client, coordinator, program, query):
    cycle = CycleFactory(program=program, name="This cycle")
    client.force_login(coordinator)
    today = timezone.localdate()
    scopes = {
        "": "",
        "cycle": f"?cycle={cycle.pk}",
        "dates": f"?start={today - timedelta(days=60)}&end={today}",
    }
    url = reverse("reports:program", args=[program.slug]) + scopes[query]
    _add_session_with_a_participant(program, cycle)
    ctx1 = _capture(client, url, '<td data-label="Status">Held</td>', 1)
    _add_session_with_a_participant(program, cycle)
    _add_session_with_a_participant(program, cycle)

    ctx3 = _capture(client, url, '<td data-label="Status">Held</td>', 3)

    # One of them reads the program's credit types, for the credit totals, one the answers of the presented cases; thirteen are the
    # cache's: the key's one query, and for the numbers and the drawn page each, the read that
    # misses and the database cache's write. The head counts and hours come with the reach
    # tables' one read of the attendees; a report of the whole program counts its new
    # participants without a query (all of them are), a narrower one reads the program's
    # earlier attendance. The evaluations are read once for the summary's averages and each
    # session's, the attendance once for the attendees, the sessions table and the credits.
    expected = {"": 29, "cycle": 31, "dates": 30}[query]
    assert len(ctx1) == len(ctx3) == expected, sql(ctx1, ctx3)


def test_report_csv_query_count_is_constant(client, coordinator, program):
    cycle = CycleFactory(program=program)
    client.force_login(coordinator)
    url = reverse("reports:csv", args=[program.slug, "organizations"])
    _add_session_with_a_participant(program, cycle)
    ctx1 = _capture(client, url, "Site ", 1)
    _add_session_with_a_participant(program, cycle)
    _add_session_with_a_participant(program, cycle)

    ctx3 = _capture(client, url, "Site ", 3)

    assert len(ctx1) == len(ctx3) == 21, sql(ctx1, ctx3)


@pytest.mark.parametrize("query", ["", "cycle"])
def test_report_page_with_nothing_changed_reads_only_the_key_and_the_cache(
    client, coordinator, program, query
):
    cycle = CycleFactory(program=program, name="This cycle")
    client.force_login(coordinator)
    url = reverse("reports:program", args=[program.slug]) + (f"?cycle={cycle.pk}" if query else "")
    _add_session_with_a_participant(program, cycle)
    ctx1 = _capture_cached(client, url, '<td data-label="Status">Held</td>', 1)
    _add_session_with_a_participant(program, cycle)
    _add_session_with_a_participant(program, cycle)

    ctx3 = _capture_cached(client, url, '<td data-label="Status">Held</td>', 3)

    assert len(ctx1) == len(ctx3) == CACHED_QUERIES + (1 if query else 0), sql(ctx1, ctx3)


def test_report_numbers_follow_a_change_of_the_rows_they_read(client, coordinator, program):
    cycle = CycleFactory(program=program, name="This cycle")
    client.force_login(coordinator)
    url = reverse("reports:program", args=[program.slug])
    _add_session_with_a_participant(program, cycle)
    first = client.get(url).content.decode()
    cached = client.get(url).content.decode()
    attendance = Attendance.objects.get()

    attendance.minutes = 60
    attendance.save()
    changed = client.get(url).content.decode()

    hours = '<dd class="fs-3 fw-semibold mb-0">2.0</dd>'
    assert hours in first and hours in cached
    assert hours not in changed
    assert '<dd class="fs-3 fw-semibold mb-0">1.0</dd>' in changed


def test_report_page_is_drawn_once_while_its_rows_do_not_change(client, coordinator, program, monkeypatch):
    from echo_hub.site.reports import views

    drawn = []
    monkeypatch.setattr(views, "report_context", lambda *a, **kw: drawn.append(1) or report_context(*a, **kw))
    cycle = CycleFactory(program=program, name="This cycle")
    _add_session_with_a_participant(program, cycle)
    other = UserFactory()
    EnrollmentFactory(program=program, user=other, role=Role.COORDINATOR)
    url = reverse("reports:program", args=[program.slug])
    client.force_login(coordinator)
    first = client.get(url).content.decode()
    client.force_login(other)
    second = client.get(url).content.decode()

    attendance = Attendance.objects.get()
    attendance.minutes = 60
    attendance.save()
    changed = client.get(url).content.decode()

    assert len(drawn) == 2  # the first visit and the one after the change; not another coordinator's
    assert (
        '<dd class="fs-3 fw-semibold mb-0">2.0</dd>' in first
        and '<dd class="fs-3 fw-semibold mb-0">2.0</dd>' in second
    )
    assert '<dd class="fs-3 fw-semibold mb-0">1.0</dd>' in changed


def _drawn_pages() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM echo_cache WHERE cache_key LIKE %s", ["%template.cache.program_report.%"]
        )
        return cursor.fetchone()[0]


def test_report_page_is_drawn_apart_for_each_language(client, coordinator, program):
    cycle = CycleFactory(program=program, name="This cycle")
    _add_session_with_a_participant(program, cycle)
    url = reverse("reports:program", args=[program.slug])
    client.force_login(coordinator)
    client.get(url)

    coordinator.language = "fr-ca"
    coordinator.save()
    french = client.get(url).content.decode()

    assert '<html lang="fr-ca">' in french
    assert _drawn_pages() == 2


def test_the_report_filter_follows_a_change_of_the_programs_cycles(
    client, coordinator, program, time_machine
):
    """The filter and the scope's name are kept with the drawn page: renaming a cycle, moving
    its dates, closing it early or adding one draws the page again."""
    from sessions.scheduling import create_cycle, update_cycle

    time_machine.move_to(timezone.now())
    cycle = CycleFactory(program=program, name="Fall", start_date=timezone.localdate() - timedelta(days=60))
    _add_session_with_a_participant(program, cycle)
    client.force_login(coordinator)
    url = reverse("reports:program", args=[program.slug])
    scoped = f"{url}?cycle={cycle.pk}"
    assert ">Fall</option>" in client.get(url).content.decode()
    assert "Showing: <strong>Fall</strong>" in client.get(scoped).content.decode()

    time_machine.shift(timedelta(seconds=1))
    update_cycle(cycle=cycle, name="Autumn", start_date=cycle.start_date, end_date=None, by=coordinator)
    renamed, renamed_scope = client.get(url).content.decode(), client.get(scoped).content.decode()
    time_machine.shift(timedelta(seconds=1))
    create_cycle(
        program=program, name="Winter", start_date=timezone.localdate(), end_date=None, by=coordinator
    )
    added = client.get(url).content.decode()

    assert ">Autumn</option>" in renamed and ">Fall</option>" not in renamed
    assert "Showing: <strong>Autumn</strong>" in renamed_scope
    assert ">Winter</option>" in added


@pytest.mark.parametrize("change", ["dates", "closed"])
def test_every_change_of_a_cycle_moves_its_latest_change(coordinator, program, time_machine, change):
    from cpd.services.cycles import close_cycle_early
    from sessions.scheduling import update_cycle

    time_machine.move_to(timezone.now())
    cycle = CycleFactory(program=program, start_date=timezone.localdate() - timedelta(days=60))
    before = cycle.updated_at
    time_machine.shift(timedelta(seconds=1))

    if change == "dates":
        update_cycle(
            cycle=cycle,
            name=cycle.name,
            start_date=cycle.start_date - timedelta(days=1),
            end_date=None,
            by=coordinator,
        )
    else:
        close_cycle_early(cycle=cycle, by=coordinator, reason="Funding ended")

    cycle.refresh_from_db()
    assert cycle.updated_at > before


def test_a_report_of_the_whole_program_reads_its_attendance_once(client, coordinator, program):
    """The attendees' totals, each session's counts and the credit groups come from one scan of
    the held sessions' attendance (the key's count of the table aside)."""
    cycle = CycleFactory(program=program, name="This cycle")
    client.force_login(coordinator)
    _add_session_with_a_participant(program, cycle)
    url = reverse("reports:program", args=[program.slug])

    ctx = _capture(client, url, '<td data-label="Status">Held</td>', 1)

    assert len([q for q in ctx.captured_queries if '"echo_sessions_attendance"' in q["sql"]]) == 1, sql(ctx)
