"""1,000 certificates issued in bulk for one session (the coordinator's "issue certificates"
path) and rendered by two real Celery worker processes through Redis, on PostgreSQL: every row
ready and every PDF on disk within 60 s."""

import tempfile
import time
from pathlib import Path

import pytest
from django.db.models import Count

from cpd.models import Certificate, Evaluation
from cpd.services import bulk_issue_for_session
from echo_hub.accounts.models import User
from sessions.models import Attendance, Enrollment
from tests.bench import stack
from tests.factories import PastSessionFactory, ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)

CERTIFICATES = 1_000
WORKERS = 2
TARGET_SECONDS = 60.0
GIVE_UP_SECONDS = 180.0


def _session_with_earned_credits(count: int):
    program = ProgramFactory(name="Chronic Pain & Opioid Stewardship", slug="chronic-pain")
    session = PastSessionFactory(program=program, title="Session 12", didactic_topic="Opioid tapering")
    users = User.objects.bulk_create(
        User(email=f"learner{n:04}@clinic.example", full_name=f"Dr. Learner {n}", password="!")
        for n in range(count)
    )
    Enrollment.objects.bulk_create(
        Enrollment(user=u, program=program, status=Enrollment.Status.APPROVED) for u in users
    )
    Attendance.objects.bulk_create(
        Attendance(session=session, user=u, minutes=session.duration_minutes, source="report", verified=True)
        for u in users
    )
    Evaluation.objects.bulk_create(
        Evaluation(session=session, user=u, relevance=5, quality=5, objectives_met="yes") for u in users
    )
    return session


def _wait_for_renders(started: float) -> float:
    while True:
        done = Certificate.objects.exclude(render_status=Certificate.RenderStatus.PENDING).count()
        if done >= CERTIFICATES or time.perf_counter() - started > GIVE_UP_SECONDS:
            return time.perf_counter() - started
        time.sleep(0.2)


def test_1000_certificates_through_two_workers_under_target(real_broker, bench_results):
    redis_url = stack.require_real_stack()
    session = _session_with_earned_credits(CERTIFICATES)
    media = Path(tempfile.mkdtemp(prefix="echo-bench-media-"))
    env = stack.stack_env(REDIS_URL=redis_url, MEDIA_ROOT=str(media))

    with stack.celery_workers(env, WORKERS):
        stack.wait_for_workers(WORKERS)
        started = time.perf_counter()
        result = bulk_issue_for_session(session=session)
        issue_seconds = time.perf_counter() - started
        seconds = _wait_for_renders(started)

    statuses = dict(Certificate.objects.values_list("render_status").annotate(n=Count("pk")))
    files = list((media / "certificates").glob("*.pdf"))
    ready = statuses.get(Certificate.RenderStatus.READY, 0)
    met = bench_results.under(
        f"certificates: {CERTIFICATES:,} via {WORKERS} Celery workers",
        seconds,
        TARGET_SECONDS,
        "s",
        note=f"issuing {issue_seconds:.1f} s, then rendering; {CERTIFICATES / seconds:.0f} certificates/s",
    )
    bench_results.record(
        "certificates: rows ready / files",
        f"{ready:,} / {len(files):,}",
        f"{CERTIFICATES:,} / {CERTIFICATES:,}",
        ready == CERTIFICATES == len(files) == Certificate.objects.count(),
        note=f"statuses {statuses}",
    )
    assert result == {"issued": CERTIFICATES, "existing": 0}
    assert Certificate.objects.count() == CERTIFICATES
    assert statuses == {Certificate.RenderStatus.READY: CERTIFICATES}
    assert len(files) == CERTIFICATES
    assert met
