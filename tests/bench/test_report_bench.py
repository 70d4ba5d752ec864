"""The program report over ten years of a busy ECHO (ECHO Ontario Pain's order of size:
20 cycles, 500 sessions, 1,000 participants, ~15 attendees a session)."""

import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseSlot, FollowUp, Medication, RecommendationLetter
from cpd.models import Certificate, Evaluation
from echo_hub.accounts.models import CommunityType, Profession, User
from echo_hub.site.reports.display import SESSIONS_ON_PAGE
from echo_hub.site.reports.exports import report_pdf
from echo_hub.site.reports.selectors import ReportScope
from sessions.models import Attendance, Cycle, Session
from tests.bench.seed_mix import analyze

pytestmark = pytest.mark.django_db

CYCLES = 20
SESSIONS = 500
PARTICIPANTS = 1000
ATTENDEES_PER_SESSION = 15
COHORT = 60
ORGANIZATIONS = 220
RUNS = 3
PAGE_QUERIES = 29  # drawn afresh: the fragment cache emptied before each run
TARGET_MS = 300.0


def _build(program) -> None:
    rng = random.Random(2014)
    password = make_password("bench-only-password")
    professions = [p for p, _ in Profession.choices]
    communities = [c for c, _ in CommunityType.choices]
    people = User.objects.bulk_create(
        User(
            email=f"bench{n}@example.org",
            full_name=f"Bench Participant {n}",
            password=password,
            profession=rng.choice(professions),
            community_type=rng.choice(communities),
            organization=f"Site {rng.randrange(ORGANIZATIONS)}",
            calendar_token=f"bench-token-{n}",
        )
        for n in range(PARTICIPANTS)
    )
    first = timezone.now() - timedelta(weeks=SESSIONS + 4)
    cycles = Cycle.objects.bulk_create(
        Cycle(program=program, name=f"Cycle {c + 1}", start_date=(first + timedelta(weeks=25 * c)).date())
        for c in range(CYCLES)
    )
    sessions = Session.objects.bulk_create(
        Session(
            program=program,
            cycle=cycles[n // (SESSIONS // CYCLES)],
            number=n % (SESSIONS // CYCLES) + 1,
            title=f"Session {n + 1}",
            didactic_topic=f"Topic {n % 40}",
            starts_at=first + timedelta(weeks=n),
            ends_at=first + timedelta(weeks=n, minutes=90),
            status=Session.Status.CANCELLED if n % 31 == 30 else Session.Status.SCHEDULED,
        )
        for n in range(SESSIONS)
    )
    attendance, evaluations, certificates = [], [], []
    for n, session in enumerate(sessions):
        if session.status == Session.Status.CANCELLED:
            continue
        cohort_start = (n // (SESSIONS // CYCLES)) * (PARTICIPANTS // CYCLES)
        cohort = [people[(cohort_start + k) % PARTICIPANTS] for k in range(COHORT)]
        for k, person in enumerate(rng.sample(cohort, ATTENDEES_PER_SESSION)):
            minutes = rng.choice((90, 90, 90, 80, 60, 45))
            attendance.append(
                Attendance(session=session, user=person, minutes=minutes, source="report", verified=True)
            )
            if k < 10:
                evaluations.append(
                    Evaluation(
                        session=session,
                        user=person,
                        relevance=rng.randint(3, 5),
                        quality=rng.randint(3, 5),
                        objectives_met="yes",
                    )
                )
                if minutes >= 68:
                    certificates.append(
                        Certificate(user=person, kind="session", session=session, credits=Decimal("1.50"))
                    )
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    Evaluation.objects.bulk_create(evaluations, batch_size=2000)
    Certificate.objects.bulk_create(certificates, batch_size=2000)

    held = [s for s in sessions if s.status == Session.Status.SCHEDULED]
    cases = Case.objects.bulk_create(
        Case(
            program=program,
            presenter=people[(n * 7) % PARTICIPANTS],
            status=Case.Status.LETTER_SENT,
            title=f"Bench case {n}",
            age_band="50-59",
            main_concern="Chronic low back pain on long-term opioids.",
        )
        for n in range(len(held) + len(held) // 3)
    )
    CaseSlot.objects.bulk_create(
        CaseSlot(session=held[n % len(held)], case=case, position=n // len(held) + 1)
        for n, case in enumerate(cases)
    )
    RecommendationLetter.objects.bulk_create(
        RecommendationLetter(
            case=case,
            status=RecommendationLetter.Status.READY,
            rendered_at=held[n % len(held)].starts_at + timedelta(days=rng.randint(2, 20)),
        )
        for n, case in enumerate(cases)
    )
    Medication.objects.bulk_create(
        Medication(case=case, drug="oxycodone", daily_dose=Decimal("60"), mme=Decimal("90")) for case in cases
    )
    followed = cases[::3]
    follow_ups = FollowUp.objects.bulk_create(
        FollowUp(case=case, author=case.presenter, what_changed="Tapered.") for case in followed
    )
    Medication.objects.bulk_create(
        Medication(case=f.case, follow_up=f, drug="oxycodone", daily_dose=Decimal("40"), mme=Decimal("60"))
        for f in follow_ups
    )


def test_report_page_for_500_sessions(client, coordinator, program, bench_results):
    _build(program)
    analyze()
    client.force_login(coordinator)
    url = reverse("reports:program", args=[program.slug])
    assert client.get(url).status_code == 200

    timings, queries = [], []
    for _ in range(RUNS):
        cache.clear()  # the page's fragment is kept while its data is unchanged: draw it each time
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        queries.append(len(ctx))  # now: the next request clears the connection's query log
    cycle = program.cycles.order_by("start_date").last()
    started = time.perf_counter()
    client.get(f"{url}?cycle={cycle.pk}")
    cycle_seconds = time.perf_counter() - started
    started = time.perf_counter()
    # The worker's job since the PDF left the request (echo_hub/site/reports/exports.py).
    pdf = report_pdf(ReportScope(program=program))
    pdf_seconds = time.perf_counter() - started

    html = response.content.decode()
    assert response.status_code == 200
    # The page lists the latest sessions (the CSV has them all), one in 31 of them cancelled.
    assert html.count('<td data-label="Status">') == SESSIONS_ON_PAGE
    assert html.count('<td data-label="Status">Held</td>') >= SESSIONS_ON_PAGE - SESSIONS_ON_PAGE // 31 - 1
    print(
        f"\nreport_500_sessions  seconds={statistics.median(timings):.3f}  queries={queries[-1]}"
        f"  vendor={connection.vendor}  attendances={Attendance.objects.count()}"
        f"\nreport_one_cycle_of_20  seconds={cycle_seconds:.3f}"
        f"\nreport_pdf_500_sessions  seconds={pdf_seconds:.3f}  bytes={len(pdf)}"
    )
    median_ms = statistics.median(timings) * 1000
    met = bench_results.under(
        "report page, 500 sessions (median of 3)",
        median_ms,
        TARGET_MS,
        "ms",
        note=f"{queries[-1]} queries, {connection.vendor}",
        fmt=".0f",
    )
    bench_results.record("report page, one cycle of 20", f"{cycle_seconds * 1000:.0f} ms")
    bench_results.record("report PDF, 500 sessions", f"{pdf_seconds * 1000:.0f} ms")
    assert queries == [PAGE_QUERIES] * RUNS
    assert met
    assert pdf.startswith(b"%PDF")
