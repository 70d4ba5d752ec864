import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cases import services
from cases.models import Case, RecommendationLetter
from cases.tasks import render_letter_task, sweep_letters_task
from tests.factories import CaseSlotFactory, RecommendationFactory
from tests.storages import NO_SPACE

pytestmark = pytest.mark.django_db


@pytest.fixture
def presented_case(program, presenter, expert, session):
    case = CaseSlotFactory(
        session=session,
        case__program=program,
        case__presenter=presenter,
        case__status=Case.Status.PRESENTED,
        case__title="Tapering high-dose oxycodone after a work injury",
    ).case
    RecommendationFactory(case=case, author=expert)
    return case


def _letter(case, coordinator, *, status=RecommendationLetter.Status.RENDERING, age_minutes: int = 0):
    letter = RecommendationLetter.objects.create(case=case, status=status, finalized_by=coordinator)
    RecommendationLetter.objects.filter(pk=letter.pk).update(
        finalized_at=timezone.now() - timedelta(minutes=age_minutes)
    )
    return letter


def _pdf(letter) -> bytes:
    with letter.file.open("rb") as f:
        return f.read()


def test_render_letter_task_of_a_missing_letter_returns_false():
    assert render_letter_task.delay(letter_id=424242).get() is False
    assert RecommendationLetter.objects.count() == 0


def test_render_letter_task_renders_a_rendering_letter(
    presented_case, coordinator, django_capture_on_commit_callbacks
):
    letter = _letter(presented_case, coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        rendered = render_letter_task.delay(letter_id=letter.pk).get()

    letter.refresh_from_db()
    presented_case.refresh_from_db()
    assert rendered is True
    assert letter.status == RecommendationLetter.Status.READY
    assert letter.sha256 == hashlib.sha256(_pdf(letter)).hexdigest()
    assert presented_case.status == Case.Status.LETTER_SENT
    assert [m.subject for m in mail.outbox] == [
        f"Recommendations for your case #{presented_case.pk} are ready"
    ]


def test_render_letter_task_failure_keeps_the_reason_for_the_next_try(
    presented_case, coordinator, full_disk, django_capture_on_commit_callbacks
):
    letter = _letter(presented_case, coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        rendered = render_letter_task.delay(letter_id=letter.pk).get()

    letter.refresh_from_db()
    presented_case.refresh_from_db()
    assert rendered is False
    assert (letter.status, letter.render_attempts, letter.last_error) == (
        RecommendationLetter.Status.RENDERING,
        1,
        NO_SPACE,
    )
    assert (letter.file.name, letter.sha256, letter.rendered_at) == ("", "", None)
    assert presented_case.status == Case.Status.PRESENTED
    assert presented_case.events.count() == 0
    assert mail.outbox == []


def test_finalize_with_a_failing_render_still_commits_the_letter_for_the_sweep(
    session_held, presented_case, coordinator, full_disk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.finalize_recommendations(case=presented_case, by=coordinator)

    letter.refresh_from_db()
    assert (letter.status, letter.render_attempts, letter.last_error) == (
        RecommendationLetter.Status.RENDERING,
        1,
        NO_SPACE,
    )


def test_sweep_letters_task_renders_letters_left_behind(
    presented_case, scheduled_case_with_recommendation, coordinator, django_capture_on_commit_callbacks
):
    stale = _letter(presented_case, coordinator, age_minutes=6)
    fresh = _letter(scheduled_case_with_recommendation, coordinator, age_minutes=1)

    with django_capture_on_commit_callbacks(execute=True):
        swept = sweep_letters_task.delay().get()

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert swept == 1
    assert stale.status == RecommendationLetter.Status.READY
    assert stale.sha256 == hashlib.sha256(_pdf(stale)).hexdigest()
    assert (fresh.status, fresh.file.name) == (RecommendationLetter.Status.RENDERING, "")
    assert len(mail.outbox) == 1


def test_sweep_letters_task_retries_due_letters_and_skips_failed_and_ready_ones(
    presented_case, scheduled_case_with_recommendation, coordinator, django_capture_on_commit_callbacks
):
    due = _letter(presented_case, coordinator, age_minutes=30)
    RecommendationLetter.objects.filter(pk=due.pk).update(
        render_attempts=1, last_error="OSError: disk full", next_render_at=timezone.now()
    )
    failed = _letter(
        scheduled_case_with_recommendation,
        coordinator,
        status=RecommendationLetter.Status.FAILED,
        age_minutes=30,
    )

    with django_capture_on_commit_callbacks(execute=True):
        swept = sweep_letters_task.delay().get()

    due.refresh_from_db()
    failed.refresh_from_db()
    assert swept == 1
    assert (due.status, due.render_attempts, due.last_error) == (RecommendationLetter.Status.READY, 2, "")
    assert (failed.status, failed.file.name) == (RecommendationLetter.Status.FAILED, "")


def test_sweep_letters_task_with_nothing_left_behind_returns_zero(presented_case, coordinator):
    _letter(presented_case, coordinator, age_minutes=2)

    assert sweep_letters_task.delay().get() == 0


@pytest.fixture
def scheduled_case_with_recommendation(program, presenter, expert, session):
    case = CaseSlotFactory(
        session=session, case__program=program, case__presenter=presenter, case__status=Case.Status.SCHEDULED
    ).case
    RecommendationFactory(case=case, author=expert)
    return case
