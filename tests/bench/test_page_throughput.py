"""Page throughput and latency under load: gunicorn with the production settings on PostgreSQL
and Redis, 32 clients for 30 s on each page of the large demo, each client signed in as its
own user (participants for their pages, the program's coordinators for theirs), against a
one-query baseline page served by the same gunicorn in the same run (the machine is shared
and noisy: the targets are ratios to it, measured in interleaved rounds).

Pages come from the page cache (echo_hub/lib/pagecache.py) after each user's first request of
the minute, as in production. The note of each page also gives its render time: one client,
the page cache emptied before every request."""

import logging
import os
import statistics
import time

import pytest
import redis
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from cases.models import Case
from echo_hub.accounts.models import User
from sessions.models import Enrollment, Program, Role, Session
from tests.bench import load, stack

pytestmark = pytest.mark.django_db(transaction=True)

LARGE = {"participants": 5000, "sessions": 400}
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
ROUNDS = 3  # each target gets SECONDS in ROUNDS slices, interleaved with the baseline's
MIN_RATIO = 0.5
P95_MS = 150.0
UNLOADED_RUNS = 15


def _cookie(user) -> str:
    """A signed-in session for `user`. Production settings send hub staff without an
    authenticator app to set one up (MFA): like real coordinators, each user here has one."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _users(program, role: str) -> tuple[str, ...]:
    """Cookies of CLIENTS users with `role` in `program`, the demo's own user first. A hub
    has a handful of coordinators: the others are made coordinators here, with an authenticator."""
    demo = User.objects.get(
        email=f"{'coordinator' if role == Role.COORDINATOR else 'participant'}@example.org"
    )
    participants = User.objects.filter(
        enrollments__program=program,
        enrollments__status=Enrollment.Status.APPROVED,
        enrollments__role=Role.PARTICIPANT,
    ).exclude(pk=demo.pk)
    # Coordinators are made of the last participants, the participants are the first ones.
    members = list(participants.order_by("-pk" if role == Role.COORDINATOR else "pk")[: CLIENTS - 1])
    if role == Role.COORDINATOR:
        Enrollment.objects.filter(program=program, user__in=members).update(role=Role.COORDINATOR)
    return tuple(_cookie(user) for user in [demo, *members])


def _targets() -> list[load.Target]:
    program = Program.objects.get(slug="chronic-pain-opioid-stewardship")
    coordinator = _users(program, Role.COORDINATOR)
    participant = _users(program, Role.PARTICIPANT)
    held = Session.objects.filter(program=program, attendances__isnull=False).order_by("-starts_at").first()
    case = Case.objects.filter(program=program).order_by("pk").first()
    return [
        load.Target(
            "baseline (one query)", reverse("bench_baseline", urlconf="tests.bench.urls_bench"), participant
        ),
        load.Target("participant dashboard", reverse("home"), participant),
        load.Target(
            "session page", reverse("sessions:session_detail", args=[program.slug, held.pk]), participant
        ),
        load.Target(
            "coordinator program page", reverse("sessions:manage_schedule", args=[program.slug]), coordinator
        ),
        load.Target("case page", reverse("cases:detail", args=[case.pk]), coordinator),
        load.Target("CPD transcript", reverse("cpd:transcript"), participant),
        load.Target("program report", reverse("reports:program", args=[program.slug]), coordinator),
        # Not in the list: the page that rendered all 5,000 members before it was paged.
        load.Target(
            "attendance roster (5,000 members)",
            reverse("sessions:manage_attendance", args=[program.slug, held.pk]),
            coordinator,
        ),
    ]


def _unloaded_median_ms(port: int, target: load.Target, *, empty: redis.Redis | None = None) -> float:
    """One client's median time; with `empty`, the page cache is emptied before each request."""
    timings = []
    for _ in range(UNLOADED_RUNS):
        if empty is not None:
            for key in empty.scan_iter(f"{settings.CACHES['pages']['KEY_PREFIX']}:*"):
                empty.delete(key)
        started = time.perf_counter()
        load.fetch(port, target)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def test_pages_under_load_against_the_baseline(bench_results):
    redis_url = stack.require_real_stack()
    started = time.perf_counter()
    root = logging.getLogger()
    level, root.level = root.level, logging.WARNING  # the seed's eager tasks log a line each
    try:
        with override_settings(DEBUG=True):  # seed_demo refuses to run in production
            call_command("seed_demo", stdout=open(os.devnull, "w"), **LARGE)  # noqa: SIM115
    finally:
        root.level = level
    print(f"\nlarge demo seeded in {time.perf_counter() - started:.0f} s")
    targets = _targets()
    env = stack.stack_env(REDIS_URL=redis_url)
    stack.collectstatic(env)

    with stack.gunicorn(env) as port:
        for target in targets:  # warm every worker's caches and check each page answers
            for _ in range(6):
                status, body = load.fetch(port, target)
                assert status == 200, f"{target.name} {target.path}: HTTP {status} {body[:300]!r}"
        unloaded = {t.name: _unloaded_median_ms(port, t) for t in targets}
        rendered = {
            t.name: _unloaded_median_ms(port, t, empty=redis.Redis.from_url(redis_url)) for t in targets
        }
        totals = {t.name: load.Sample(0.0) for t in targets}
        ratios: dict[str, list[float]] = {t.name: [] for t in targets[1:]}
        for _ in range(ROUNDS):
            rounds = {t.name: load.run(port, t, clients=CLIENTS, seconds=SECONDS / ROUNDS) for t in targets}
            base = rounds[targets[0].name].rps
            for name, sample in rounds.items():
                totals[name] = totals[name].add(sample)
                if name in ratios:
                    ratios[name].append(sample.rps / base if base else 0.0)

    base_total = totals[targets[0].name]
    all_met = True
    for target in targets:
        sample = totals[target.name]
        p95 = sample.percentile(95)
        note = (
            f"{sample.rps:.0f} req/s, p50 {sample.percentile(50):.0f} ms, p95 {p95:.0f} ms, "
            f"{len(sample.errors)} errors, 1 client {unloaded[target.name]:.0f} ms"
            f" ({rendered[target.name]:.0f} ms rendered)"
        )
        if target.name in ratios:
            ratio = statistics.median(ratios[target.name])
            met = ratio >= MIN_RATIO
            bench_results.record(
                f"throughput: {target.name}", f"{ratio:.0%} of baseline", f">= {MIN_RATIO:.0%}", met, note
            )
            all_met &= met
        else:
            bench_results.record(f"throughput: {target.name}", f"{base_total.rps:.0f} req/s", note=note)
        is_page = target is not targets[0]
        p95_met = p95 < P95_MS
        bench_results.record(
            f"p95 latency: {target.name}",
            f"{p95:.0f} ms",
            f"< {P95_MS:g} ms" if is_page else "",
            p95_met if is_page else None,
        )
        errors_met = not sample.errors
        if not errors_met:
            bench_results.record(
                f"errors: {target.name}", str(len(sample.errors)), "0", False, sample.errors[0]
            )
        all_met &= (p95_met or not is_page) and errors_met
    bench_results.record(
        "throughput: load",
        f"{CLIENTS} clients x {SECONDS:g} s",
        note=f"{os.cpu_count()} CPUs shared by gunicorn, PostgreSQL, Redis and the load generator",
    )
    assert all_met
