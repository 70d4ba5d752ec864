"""Redis (the Celery broker) stops while people work: every request still succeeds, pages
and login work; once Redis is back, the beat's sweeps produce the messages, the letter PDF
and the certificate PDFs, each exactly once, even when two sweeps run before the worker.

tests/notifications/test_broker_down.py covers the outbox alone with a closed port; here a
real redis-server of the test's own is killed and restarted, and the PDFs are covered too."""

import hashlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case, RecommendationLetter
from cases.services import merged_texts
from cases.tasks import sweep_letters_task
from cpd.models import Certificate
from cpd.tasks import sweep_certificates_task
from echo_hub.notifications.models import Notification
from echo_hub.notifications.tasks import sweep_notifications_task
from echo_hub.site.tasks import sweep_due_messages_task
from sessions.models import SessionChange
from tests.factories import (
    AttendanceFactory,
    CaseSlotFactory,
    EnrollmentFactory,
    EvaluationFactory,
    PastSessionFactory,
    RecommendationFactory,
    SessionFactory,
    UserFactory,
)

from .conftest import broker_at, run_worker_until_idle
from .redis_server import RedisServer, redis_server_binary

SWEEPS = (sweep_due_messages_task, sweep_notifications_task, sweep_certificates_task, sweep_letters_task)


@pytest.fixture
def own_redis(transactional_db):
    binary = redis_server_binary()
    if binary is None:
        pytest.skip("redis-server is not installed (CI has it).")
    server = RedisServer(binary)
    server.start()
    yield server
    server.kill()


def _pdf_is_whole(field, sha256: str) -> int:
    with field.open("rb") as f:
        data = f.read()
    assert hashlib.sha256(data).hexdigest() == sha256
    return len(PdfReader(io.BytesIO(data)).pages)


def _work_while_the_broker_is_down(client, program, coordinator, expert, presenter) -> dict:
    """A coordinator's morning: cancel a session, finalize a case, issue certificates;
    a member logs in. Returns each response's status."""
    upcoming = SessionFactory(program=program, starts_at=timezone.now() + timedelta(days=2))
    past = PastSessionFactory(program=program, title="Past session")
    earners = [
        EnrollmentFactory(program=program, user=UserFactory(full_name=f"Earner {n}")).user for n in range(2)
    ]
    for user in earners:
        AttendanceFactory(session=past, user=user, minutes=120)
        EvaluationFactory(session=past, user=user)
    case = CaseSlotFactory(
        session=past, case__program=program, case__presenter=presenter, case__status=Case.Status.PRESENTED
    ).case
    RecommendationFactory(case=case, author=expert)
    EmailAddress.objects.create(user=presenter, email=presenter.email, verified=True, primary=True)

    client.force_login(coordinator)
    statuses = {
        "cancel": client.post(
            reverse("sessions:manage_session_cancel", args=[program.slug, upcoming.pk]), {"reason": "Flood"}
        ).status_code,
        # The coordinator sends the letter as reviewed: its merged text, confirmed.
        "finalize": client.post(
            reverse("cases:finalize", args=[case.pk]),
            {**merged_texts(case), "confirm": "on", "action": "send"},
        ).status_code,
        "issue": client.post(
            reverse("cpd:bulk_issue", args=[program.slug]), {"session": past.pk}
        ).status_code,
        "dashboard": client.get(reverse("home")).status_code,
        "certificates": client.get(reverse("cpd:manage_certificates", args=[program.slug])).status_code,
    }
    client.logout()
    login = client.post(
        reverse("account_login"), {"login": presenter.email, "password": "correct-horse-battery"}
    )
    statuses["login"] = (login.status_code, login.get("Location"))
    statuses["my cases"] = client.get(reverse("cases:mine")).status_code
    return statuses


def _age_everything() -> None:
    """The sweeps leave fresh rows to the tasks already queued; these are minutes old."""
    long_ago = timezone.now() - timedelta(minutes=10)
    Notification.objects.update(updated_at=long_ago)
    Certificate.objects.update(issued_at=long_ago)
    RecommendationLetter.objects.update(finalized_at=long_ago)
    SessionChange.objects.update(created_at=long_ago)


def test_work_done_while_redis_is_down_is_delivered_once_when_it_is_back(
    own_redis, tasks, media_root, client, program, coordinator, expert, presenter, participant
):
    own_redis.kill()
    with broker_at(own_redis.url):
        statuses = _work_while_the_broker_is_down(client, program, coordinator, expert, presenter)
    left_behind = {
        "notifications": sorted(set(Notification.objects.values_list("status", "attempts"))),
        "certificates": sorted(Certificate.objects.values_list("render_status", flat=True)),
        "letters": list(RecommendationLetter.objects.values_list("status", flat=True)),
        "session changes": list(SessionChange.objects.values_list("kind", "notified_at")),
    }

    # A session tomorrow: the due-messages sweep owes its members the day-before reminder.
    SessionFactory(program=program, title="Session 8", starts_at=timezone.now() + timedelta(hours=23))
    own_redis.start()
    _age_everything()
    with broker_at(own_redis.url):
        # Two beats fire before the worker catches up: every render and send is queued twice.
        for _ in range(2):
            for sweep in SWEEPS:
                sweep.delay()
        run_worker_until_idle(tasks, seconds=120)

    assert statuses == {
        "cancel": 302,
        "finalize": 302,
        "issue": 302,
        "dashboard": 200,
        "certificates": 200,
        "login": (302, reverse("home")),
        "my cases": 200,
    }
    # The cancellation's messages are written by a task after the request: it waits, saved.
    assert left_behind == {
        "notifications": [],
        "certificates": ["pending", "pending"],
        "letters": ["rendering"],
        "session changes": [("session_cancelled", None)],
    }
    assert tasks.published["cpd.render_certificate"] == 4
    assert tasks.published["cases.render_letter"] == 2

    certificates = list(Certificate.objects.all())
    letter = RecommendationLetter.objects.get()
    assert {c.render_status for c in certificates} == {"ready"}
    assert [_pdf_is_whole(c.file, c.sha256) for c in certificates] == [1, 1]
    assert letter.status == "ready" and _pdf_is_whole(letter.file, letter.sha256) >= 1
    # One file per document: a second render would have stored a second file.
    stored = sorted(p.name for p in media_root.rglob("*.pdf"))
    assert stored == sorted(Path(d.file.name).name for d in [*certificates, letter])

    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(sent) == len(set(sent)), sent
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}
    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    # The 6 members (coordinator, expert, presenter, participant, 2 earners) hear of the
    # cancellation and of tomorrow's session; the earners get their certificate, the presenter
    # the letter.
    assert kinds == sorted(
        ["session_cancelled"] * 6
        + ["session_reminder_24h"] * 6
        + ["certificate_ready"] * 2
        + ["letter_ready"]
    )
    assert len(sent) == len(kinds)
