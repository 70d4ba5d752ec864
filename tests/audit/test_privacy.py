"""A case's text stays in the case: a marker phrase written into every free-text field of a
case, its return comment and its recommendations goes through the whole workflow, and is then
looked for in every log record, email, outbox row, Celery task argument and audit event."""

import logging
from datetime import timedelta
from io import BytesIO

import pytest
from celery.app.task import Task
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from cases.models import Case, RecommendationHeading, RecommendationLetter
from echo_hub.audit.models import AuditEvent
from echo_hub.notifications.models import Notification
from tests.cases.conftest import CASE_FIELDS
from tests.cases.test_views import _case_post

pytestmark = pytest.mark.django_db

MARKER = "zephyr quokka lantern"
TEXT_FIELDS = [name for name in Case.TEXT_FIELDS if isinstance(CASE_FIELDS.get(name, ""), str)]


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def all_logs():
    """Every record of every logger at DEBUG, including those that do not propagate."""
    handler = _Everything()
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        logger.addHandler(handler)
    yield handler.records
    for logger, level, disabled in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.disabled = disabled


@pytest.fixture
def task_calls(monkeypatch):
    """The arguments of every Celery task sent (eager here, so they also run)."""
    calls = []
    original = Task.apply_async

    def spy(self, args=None, kwargs=None, *rest, **options):
        calls.append((self.name, args, kwargs))
        return original(self, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", spy)
    return calls


def _marked(text: str) -> str:
    return f"{text} {MARKER}"


def _walk_the_workflow(client, presenter, coordinator, expert, program, session, capture, clock) -> Case:
    fields = {name: _marked(CASE_FIELDS.get(name) or "Some detail") for name in TEXT_FIELDS}
    rows = [
        ("oxycodone", "", "120", _marked("60 mg CR q12h")),
        ("other", _marked("Pregabalin"), "300", "BID"),
    ]
    client.force_login(presenter)
    with capture(execute=True):
        client.post(
            reverse("cases:create", args=[program.slug]), _case_post(button="submit", rows=rows, **fields)
        )
    case = Case.objects.get()
    client.force_login(coordinator)
    with capture(execute=True):
        client.get(reverse("cases:detail", args=[case.pk]))
        client.post(reverse("cases:return", args=[case.pk]), {"comment": _marked("Add the dose timing.")})
    client.force_login(presenter)
    with capture(execute=True):
        client.post(reverse("cases:edit", args=[case.pk]), _case_post(button="submit", rows=rows, **fields))
    client.force_login(coordinator)
    with capture(execute=True):
        client.post(reverse("cases:assign", args=[case.pk]), {"session": session.pk})
    client.force_login(expert)
    with capture(execute=True):
        client.post(
            reverse("cases:recommendations", args=[case.pk]),
            {heading: _marked(f"Advice on {heading}") for heading in RecommendationHeading.values},
        )
    clock.move_to(session.ends_at + timedelta(minutes=10))  # the case is discussed in the session
    client.force_login(coordinator)
    with capture(execute=True):
        client.get(reverse("cases:finalize", args=[case.pk]))
        client.post(
            reverse("cases:finalize", args=[case.pk]),
            {heading: _marked(f"Advice on {heading}") for heading in RecommendationHeading.values}
            | {"confirm": "on", "action": "send"},
        )
    client.force_login(presenter)
    response = client.get(reverse("cases:letter", args=[case.pk]))
    case.letter_pdf = b"".join(response.streaming_content)
    return case


def _log_texts(records: list[logging.LogRecord]) -> list[str]:
    return [f"{record.getMessage()} {record.__dict__!r}" for record in records]


def _mail_texts() -> list[str]:
    texts = []
    for message in mail.outbox:
        texts += [message.subject, message.body, *(content for content, _ in message.alternatives)]
        texts += [str(attachment) for attachment in message.attachments]
    return texts


def test_case_text_reaches_no_log_email_task_or_audit_event(
    time_machine,
    settings,
    tmp_path,
    client,
    presenter,
    coordinator,
    expert,
    program,
    session,
    all_logs,
    task_calls,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path  # the rendered letter must not take another test's file name
    case = _walk_the_workflow(
        client,
        presenter,
        coordinator,
        expert,
        program,
        session,
        django_capture_on_commit_callbacks,
        time_machine,
    )

    # The walk really happened and the marker really is in the case and its letter.
    case.refresh_from_db()
    assert case.status == Case.Status.LETTER_SENT
    assert MARKER in case.main_concern and MARKER in case.title
    letter_text = " ".join(p.extract_text() for p in PdfReader(BytesIO(case.letter_pdf)).pages)
    assert MARKER in " ".join(letter_text.split())
    assert RecommendationLetter.objects.get().status == RecommendationLetter.Status.READY
    assert {n.kind for n in Notification.objects.all()} == {
        "case_submitted",
        "case_returned",
        "case_scheduled",
        "letter_ready",
    }
    assert {name for name, _, _ in task_calls} >= {"cases.render_letter", "notifications.send"}
    assert len(all_logs) > 10

    leaks = {
        "logs": [t for t in _log_texts(all_logs) if MARKER in t],
        "mail": [t for t in _mail_texts() if MARKER in t],
        "outbox rows": [
            n.kind
            for n in Notification.objects.all()
            if MARKER in f"{n.subject} {n.body_text} {n.body_html} {n.object_key} {n.attachment_content}"
        ],
        "task arguments": [call for call in task_calls if MARKER in repr(call)],
        "audit events": [e for e in AuditEvent.objects.values() if MARKER in repr(e)],
    }
    assert leaks == {"logs": [], "mail": [], "outbox rows": [], "task arguments": [], "audit events": []}
    assert AuditEvent.objects.filter(object_type="cases.case", object_id=case.pk).count() >= 8
