"""A case is presented only once its session has started, and its letter carries the session it
was discussed in and the day it was finalized: through the services, the pages and the PDF."""

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from cases import services
from cases.models import Case, CaseEvent, RecommendationLetter
from echo_hub.audit.models import AuditEvent
from echo_hub.site.reports.selectors import ReportScope, program_report
from sessions.models import Session
from tests.factories import CaseFactory, CaseSlotFactory, RecommendationFactory, SessionFactory

pytestmark = pytest.mark.django_db

A = AuditEvent.Action
# Session 2: Wednesday 14 October 2026, 12:00–14:00 in Toronto.
STARTS = datetime(2026, 10, 14, 16, 0, tzinfo=UTC)
NOT_STARTED = (
    "Session 2 starts on Wed 14 Oct 2026, 12:00 EDT: a case counts as presented once its session has started."
)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(STARTS - timedelta(days=21), tick=False)
    return time_machine


@pytest.fixture
def session_2(program) -> Session:
    return SessionFactory(
        program=program, title="Session 2", starts_at=STARTS, ends_at=STARTS + timedelta(hours=2)
    )


@pytest.fixture
def case(clock, program, presenter, expert, session_2) -> Case:
    case = CaseSlotFactory(
        session=session_2,
        case=CaseFactory(
            program=program, presenter=presenter, status=Case.Status.SCHEDULED, title="Tapering"
        ),
    ).case
    RecommendationFactory(case=case, author=expert, heading="opioid", text="Taper by 10% every two weeks.")
    return case


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).split())


def _messages(response) -> list[str]:
    return [message.message for message in get_messages(response.wsgi_request)]


# services


def test_mark_case_presented_before_its_session_starts_is_refused(case, coordinator, clock):
    clock.move_to(STARTS - timedelta(minutes=1), tick=False)

    with pytest.raises(ValidationError) as caught:
        services.mark_case_presented(case=case, by=coordinator)

    assert caught.value.messages == [NOT_STARTED]
    case.refresh_from_db()
    assert case.status == Case.Status.SCHEDULED
    assert list(case.events.values_list("kind", flat=True)) == []
    assert AuditEvent.objects.filter(action=A.CASE_PRESENTED).count() == 0


def test_mark_case_presented_once_the_session_started_is_recorded(case, coordinator, clock, session_2):
    clock.move_to(STARTS, tick=False)

    services.mark_case_presented(case=case, by=coordinator)

    case.refresh_from_db()
    assert case.status == Case.Status.PRESENTED
    (event,) = AuditEvent.objects.filter(action=A.CASE_PRESENTED)
    assert (event.actor_id, event.object_id, event.program_id, event.extra) == (
        coordinator.pk,
        case.pk,
        case.program_id,
        {"session_id": session_2.pk},
    )


def test_mark_case_presented_in_a_cancelled_session_is_refused(case, coordinator, clock, session_2):
    Session.objects.filter(pk=session_2.pk).update(status=Session.Status.CANCELLED)
    clock.move_to(STARTS + timedelta(hours=3), tick=False)

    with pytest.raises(ValidationError) as caught:
        services.mark_case_presented(case=case, by=coordinator)

    assert caught.value.messages == [
        "Session 2 was cancelled: the case was not presented there. Give it a slot in another session first."
    ]
    case.refresh_from_db()
    assert case.status == Case.Status.SCHEDULED


def test_finalize_recommendations_before_the_session_sends_no_letter(case, coordinator):
    with pytest.raises(ValidationError) as caught:
        services.finalize_recommendations(case=case, by=coordinator)

    assert caught.value.messages == [NOT_STARTED]
    assert RecommendationLetter.objects.count() == 0
    case.refresh_from_db()
    assert case.status == Case.Status.SCHEDULED


def test_finalize_recommendations_of_a_case_marked_presented_too_early_is_refused(case, coordinator):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.PRESENTED)  # as the old code allowed

    with pytest.raises(ValidationError) as caught:
        services.finalize_recommendations(case=case, by=coordinator)

    assert caught.value.messages == [NOT_STARTED]
    assert RecommendationLetter.objects.count() == 0


def test_letter_names_its_session_and_the_day_it_was_finalized(
    case, coordinator, clock, session_2, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path  # the rendered letter must not take another test's file name
    # Discussed on 14 October; the coordinator finalizes the letter a week later.
    clock.move_to(datetime(2026, 10, 21, 18, 30, tzinfo=UTC), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        letter = services.finalize_recommendations(case=case, by=coordinator)

    letter.refresh_from_db()
    assert (letter.session, letter.status) == (session_2, RecommendationLetter.Status.READY)
    with letter.file.open("rb") as stored:
        text = _pdf_text(stored.read())
    assert "Discussed in Session 2, Wed 14 Oct 2026, 12:00–14:00 EDT" in text
    assert f"21 October 2026 Hub recommendations Case reference #{case.pk}" in text
    presented = case.events.get(kind=CaseEvent.Kind.PRESENTED)
    assert presented.actor == coordinator
    assert AuditEvent.objects.filter(action=A.CASE_PRESENTED, object_id=case.pk).count() == 1


def test_report_counts_a_case_presented_in_its_session_and_its_letter(
    case, coordinator, clock, program, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    clock.move_to(STARTS + timedelta(days=2), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.finalize_recommendations(case=case, by=coordinator)

    summary = program_report(ReportScope(program=program)).summary
    assert (summary.case_presentations, summary.letters) == (1, 1)


# pages


def test_case_page_offers_marking_presented_only_once_the_session_started(client, case, coordinator, clock):
    client.force_login(coordinator)
    url = reverse("cases:detail", args=[case.pk])
    mark = reverse("cases:mark_presented", args=[case.pk])

    before = client.get(url).content.decode()
    clock.move_to(STARTS + timedelta(minutes=5), tick=False)
    client.force_login(coordinator)
    after = client.get(url).content.decode()

    assert mark not in before
    assert (
        "The case can be marked presented, and its letter sent, once Session 2 has started "
        "(Wed 14 Oct 2026, 12:00–14:00 EDT)."
    ) in before
    assert reverse("cases:finalize", args=[case.pk]) not in before
    assert mark in after
    assert reverse("cases:finalize", args=[case.pk]) in after


def test_case_mark_presented_before_the_session_says_why(client, case, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("cases:mark_presented", args=[case.pk]))

    assert response.url == reverse("cases:detail", args=[case.pk])
    assert _messages(response) == [NOT_STARTED]
    case.refresh_from_db()
    assert case.status == Case.Status.SCHEDULED


def test_case_finalize_before_the_session_says_why(client, case, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("cases:finalize", args=[case.pk]))

    assert _messages(response) == [NOT_STARTED]
    assert RecommendationLetter.objects.count() == 0
