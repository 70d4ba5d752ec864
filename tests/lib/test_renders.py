"""A certificate or letter whose PDF fails is tried again by the beat sweep, a bounded number
of times with growing waits, then left FAILED for a person; the same rules for both."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import Model
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, RecommendationLetter
from cases.tasks import render_letter_task, sweep_letters_task
from cpd import services as cpd_services
from cpd.models import Certificate
from cpd.tasks import render_certificate_task, sweep_certificates_task
from echo_hub.lib.renders import MAX_RENDER_ATTEMPTS, STOPPED, explain_render_error
from echo_hub.notifications.models import Notification
from tests.factories import (
    AttendanceFactory,
    CaseSlotFactory,
    EvaluationFactory,
    PastSessionFactory,
    RecommendationFactory,
)
from tests.storages import NO_SPACE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """The rendered PDFs go to a folder of this test's own: no later test finds their names taken."""
    settings.MEDIA_ROOT = tmp_path


@dataclass
class Kind:
    model: type[Model]
    status_field: str
    waiting: str
    render_task: object
    sweep_task: object
    id_name: str
    email_kind: str


KINDS = {
    "certificate": Kind(
        Certificate,
        "render_status",
        "pending",
        render_certificate_task,
        sweep_certificates_task,
        "certificate_id",
        "certificate_ready",
    ),
    "letter": Kind(
        RecommendationLetter,
        "status",
        "rendering",
        render_letter_task,
        sweep_letters_task,
        "letter_id",
        "letter_ready",
    ),
}


@pytest.fixture(params=sorted(KINDS))
def kind(request) -> Kind:
    return KINDS[request.param]


@pytest.fixture
def issue(kind, program, coordinator, expert, participant, django_capture_on_commit_callbacks):
    """Issue the certificate or finalize the letter; the first render runs on commit."""

    def issue() -> Model:
        session = PastSessionFactory(program=program)
        with django_capture_on_commit_callbacks(execute=True):
            if kind.model is Certificate:
                AttendanceFactory(session=session, user=participant, minutes=120)
                EvaluationFactory(session=session, user=participant)
                return cpd_services.issue_session_certificate(user=participant, session=session)
            case = CaseSlotFactory(
                session=session,
                case__program=program,
                case__presenter=participant,
                case__status=Case.Status.PRESENTED,
            ).case
            RecommendationFactory(case=case, author=expert)
            return case_services.finalize_recommendations(case=case, by=coordinator)

    return issue


def _state(kind: Kind, document: Model) -> tuple:
    document.refresh_from_db()
    return getattr(document, kind.status_field), document.render_attempts, document.last_error


def _due_now(document: Model) -> None:
    type(document).objects.filter(pk=document.pk).update(next_render_at=timezone.now() - timedelta(seconds=1))


def _sweep(kind: Kind, django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return kind.sweep_task.delay().get()


def test_failed_render_is_tried_again_after_growing_waits_then_left_failed(
    kind, full_disk, issue, django_capture_on_commit_callbacks
):
    document = issue()
    history, waits = [_state(kind, document)], []

    for _ in range(1, MAX_RENDER_ATTEMPTS):
        waits.append(round((document.next_render_at - timezone.now()) / timedelta(minutes=1)))
        early = _sweep(kind, django_capture_on_commit_callbacks)
        _due_now(document)
        due = _sweep(kind, django_capture_on_commit_callbacks)
        assert (early, due) == (0, 1)
        history.append(_state(kind, document))
    _due_now(document)
    after_failed = _sweep(kind, django_capture_on_commit_callbacks)

    failed = "failed"
    assert history == [
        (kind.waiting, 1, NO_SPACE),
        (kind.waiting, 2, NO_SPACE),
        (kind.waiting, 3, NO_SPACE),
        (kind.waiting, 4, NO_SPACE),
        (failed, 5, NO_SPACE),
    ]
    assert waits == [5, 10, 20, 40]
    assert (after_failed, document.next_render_at, document.file.name) == (0, None, "")
    assert mail.outbox == []


def test_render_failing_once_is_made_by_the_next_due_sweep(
    kind, full_disk, issue, participant, django_capture_on_commit_callbacks
):
    document = issue()
    full_disk.free()
    _due_now(document)

    swept = _sweep(kind, django_capture_on_commit_callbacks)

    assert swept == 1
    assert _state(kind, document) == ("ready", 2, "")
    assert document.file.name != ""
    assert [(m.to, n.kind) for m, n in zip(mail.outbox, Notification.objects.all(), strict=True)] == [
        ([participant.email], kind.email_kind)
    ]


def test_render_task_for_a_failed_document_does_nothing(kind, full_disk, issue):
    document = issue()
    type(document).objects.filter(pk=document.pk).update(**{kind.status_field: "failed"})
    full_disk.free()

    rendered = kind.render_task.delay(**{kind.id_name: document.pk}).get()

    assert rendered is False
    assert _state(kind, document) == ("failed", 1, NO_SPACE)


def test_sweep_marks_failed_a_render_whose_last_try_never_finished(
    kind, issue, django_capture_on_commit_callbacks
):
    document = issue()
    # A worker was killed during the last try: the row still waits, with no tries left.
    type(document).objects.filter(pk=document.pk).update(
        **{kind.status_field: kind.waiting},
        render_attempts=MAX_RENDER_ATTEMPTS,
        last_error="",
        next_render_at=timezone.now() - timedelta(minutes=1),
    )

    swept = _sweep(kind, django_capture_on_commit_callbacks)

    assert swept == 0
    assert _state(kind, document) == ("failed", MAX_RENDER_ATTEMPTS, STOPPED)


def test_render_task_after_the_last_try_marks_the_document_failed(kind, issue):
    document = issue()
    type(document).objects.filter(pk=document.pk).update(
        **{kind.status_field: kind.waiting}, render_attempts=MAX_RENDER_ATTEMPTS, last_error=NO_SPACE
    )

    rendered = kind.render_task.delay(**{kind.id_name: document.pk}).get()

    assert rendered is False
    assert _state(kind, document) == ("failed", MAX_RENDER_ATTEMPTS, NO_SPACE)


@pytest.mark.parametrize(
    ("last_error", "explained"),
    [
        (
            NO_SPACE,
            "A file the PDF needs could not be read or saved (a font, the logo, or the file storage).",
        ),
        ("SoftTimeLimitExceeded: ", "Making the PDF took too long."),
        (STOPPED, "The last try stopped before it finished: the server restarted, or the PDF took too long."),
        ("ValueError: Invalid date", "Something in this document stopped the PDF from being made."),
        ("", "Something in this document stopped the PDF from being made."),
    ],
)
def test_explain_render_error_says_it_in_plain_words(last_error, explained):
    assert explain_render_error(last_error) == explained
