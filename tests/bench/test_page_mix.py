"""What users do, at the size of a large hub: 5,000 participants, 400 sessions, 220 distinct
signed-in users in a hub's proportions (participants, hub experts, coordinators), each walking
their usual path with no think time, CLIENTS at once, against gunicorn (2 workers) with the
production settings on PostgreSQL. Per page: the server's render time (p50/p95) read from the
app's own request log (duration_ms); for the mix: requests per second beside a bare one-query
view served by the same gunicorn in the same run, in interleaved rounds (the machine is shared
and noisy: that ratio is the figure to compare). Then the program report alone: rendered with
its data unchanged (numbers from the cache) and right after a change of its data."""

import json
import os
import random
import statistics
import threading
import time
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sessions.models import Attendance
from tests.bench import load, stack
from tests.bench.seed_mix import Hub, seed_hub

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "24"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
ROUNDS = 3  # the mix and the bare view alternate, SECONDS / ROUNDS of the mix each time
BARE_SHARE = 0.25  # of each round's time, for the bare view
P95_MS = 60.0
FAST_P95_MS = 25.0
FAST_PAGES = ("dashboard", "session", "case")
MIN_RATIO = 0.10
REPORT_CHANGED_MS, REPORT_UNCHANGED_MS = 150.0, 20.0
# Each report figure is a p95, which ten requests cannot give: theirs lies between the slowest
# two (one pause of the shared machine decided it), thirty's between the 28th and the 29th.
REPORT_RUNS = 30


def _cookie(user) -> str:
    """A signed-in session. Production settings send hub staff without an authenticator app to
    set one up (MFA): like real experts and coordinators, each has one."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _walks(hub: Hub) -> tuple[list[tuple[str, list[tuple[str, str]]]], dict[str, str]]:
    """Each user's cookie and path as (page, url) steps; and every url's page name."""
    slug, held, cases = hub.program.slug, hub.held, hub.cases
    walks = []
    for i in range(len(hub.participants)):
        session = held[-1 - i % 12]  # the recent sessions, which people look back at
        case = session.case_slots_taken.first().case
        walks.append(
            [
                ("dashboard", reverse("home")),
                ("session", reverse("sessions:session_detail", args=[slug, session.pk])),
                ("case", reverse("cases:detail", args=[case.pk])),
                ("transcript", reverse("cpd:transcript")),
            ]
        )
    for i, _ in enumerate(hub.experts):
        case = cases[-1 - i % 20]
        walks.append(
            [
                ("dashboard", reverse("home")),
                ("cases to review", reverse("cases:review")),
                ("case", reverse("cases:detail", args=[case.pk])),
                ("session", reverse("sessions:session_detail", args=[slug, case.slot.session_id])),
            ]
        )
    for i, _ in enumerate(hub.coordinators):
        walks.append(
            [
                ("schedule", reverse("sessions:manage_schedule", args=[slug])),
                ("attendance", reverse("sessions:manage_attendance", args=[slug, held[-1 - i % 4].pk])),
                ("case queue", reverse("cases:queue", args=[slug])),
                ("report", reverse("reports:program", args=[slug])),
            ]
        )
    users = [*hub.participants, *hub.experts, *hub.coordinators]
    cookies = [_cookie(user) for user in users]
    pages = {url: page for walk in walks for page, url in walk}
    # Roles take turns in their proportions, so a short run has them all.
    mixed = list(zip(cookies, walks, strict=True))
    random.Random(17).shuffle(mixed)
    return mixed, pages


def _mix(port: int, walks, seconds: float) -> tuple[int, float, list[str]]:
    """CLIENTS clients; each takes the next user and walks their path, then the next user."""
    lock, stop_at = threading.Lock(), time.monotonic() + seconds
    state = {"next": 0, "done": 0, "errors": []}

    def client() -> None:
        while time.monotonic() < stop_at:
            with lock:
                cookie, walk = walks[state["next"] % len(walks)]
                state["next"] += 1
            for page, url in walk:
                status, _ = load.fetch(port, load.Target(page, url, (cookie,)))
                with lock:
                    state["done"] += 1
                    if status != 200:
                        state["errors"].append(f"{page} {url}: HTTP {status}")

    started = time.monotonic()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return state["done"], time.monotonic() - started, state["errors"]


def _durations(log: Path, offset: int, pages: dict[str, str]) -> dict[str, list[float]]:
    """duration_ms of each request line the app logged after `offset`, by page."""
    found: dict[str, list[float]] = {}
    with log.open("rb") as handle:
        handle.seek(offset)
        for line in handle:
            if b'"echo_hub.request"' not in line:
                continue
            entry = json.loads(line)
            page = pages.get(entry["path"])
            if page is not None and entry["status"] == 200:
                found.setdefault(page, []).append(entry["duration_ms"])
    return found


def _pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def _report_ms(port: int, log: Path, coordinator: str, url: str, change) -> list[float]:
    durations = []
    for _ in range(REPORT_RUNS):
        change()
        offset = log.stat().st_size
        status, _ = load.fetch(port, load.Target("report", url, (coordinator,)))
        assert status == 200
        time.sleep(0.2)  # the log line is written as the response goes out
        durations += _durations(log, offset, {url: "report"}).get("report", [])
    return durations


def test_page_mix_of_a_large_hub(bench_results):
    redis_url = stack.require_real_stack()
    started = time.perf_counter()
    hub = seed_hub()
    walks, pages = _walks(hub)
    seeded = time.perf_counter() - started
    print(f"\nhub seeded in {seeded:.0f} s: {len(walks)} signed-in users")
    bare_url = reverse("bench_baseline", urlconf="tests.bench.urls_bench")
    pages[bare_url] = "bare view"
    env = stack.stack_env(REDIS_URL=redis_url, LOG_LEVEL="INFO", WEB_CONCURRENCY="2")
    stack.collectstatic(env)

    logs: list[Path] = []
    with stack.gunicorn(env, logs) as port:
        log = logs[0]
        for cookie, walk in walks[:: max(1, len(walks) // 40)]:  # warm both workers' caches
            for page, url in walk * 2:
                status, body = load.fetch(port, load.Target(page, url, (cookie,)))
                assert status == 200, f"{page} {url}: HTTP {status} {body[:300]!r}"
        bare = load.Target("bare view", bare_url, tuple(c for c, _ in walks))
        offset = log.stat().st_size
        mix_requests, mix_seconds, errors, bare_total, ratios = 0, 0.0, [], load.Sample(0.0), []
        for _ in range(ROUNDS):
            done, seconds, failed = _mix(port, walks, SECONDS / ROUNDS)
            sample = load.run(port, bare, clients=CLIENTS, seconds=SECONDS / ROUNDS * BARE_SHARE)
            mix_requests, mix_seconds, errors = mix_requests + done, mix_seconds + seconds, errors + failed
            bare_total = bare_total.add(sample)
            ratios.append((done / seconds) / sample.rps if sample.rps else 0.0)
        time.sleep(0.5)
        rendered = _durations(log, offset, pages)
        coordinator = next(cookie for cookie, walk in walks if walk[0][0] == "schedule")
        report_url = reverse("reports:program", args=[hub.program.slug])
        attendance = Attendance.objects.filter(session__program=hub.program).order_by("pk").first()
        unchanged = _report_ms(port, log, coordinator, report_url, lambda: None)

        def change() -> None:
            attendance.minutes = attendance.minutes - 1 if attendance.minutes > 60 else 119
            attendance.save(update_fields=["minutes", "updated_at"])

        changed = _report_ms(port, log, coordinator, report_url, change)

    mix_rps, ratio = mix_requests / mix_seconds, statistics.median(ratios)
    print(f"\n{'page':<18}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}  target")
    met = True
    for page in sorted(rendered, key=lambda p: -_pct(rendered[p], 95)):
        values = rendered[page]
        p50, p95 = _pct(values, 50), _pct(values, 95)
        limit = FAST_P95_MS if page in FAST_PAGES else P95_MS
        is_page = page != "bare view"
        print(f"{page:<18}{len(values):>9}{p50:>9.1f}{p95:>9.1f}  {f'< {limit:g}' if is_page else '-'}")
        if is_page:
            met &= bench_results.under(f"page mix p95: {page}", p95, limit, "ms", note=f"p50 {p50:.1f} ms")
    print(
        f"mix {mix_rps:.1f} req/s, bare view {bare_total.rps:.1f} req/s: ratio {ratio:.3f} (target >= {MIN_RATIO})"
        f"\nreport unchanged p50 {_pct(unchanged, 50):.1f} p95 {_pct(unchanged, 95):.1f} ms;"
        f" changed p50 {_pct(changed, 50):.1f} p95 {_pct(changed, 95):.1f} ms"
    )
    ratio_met = ratio >= MIN_RATIO
    bench_results.record(
        "page mix: req/s vs bare view",
        f"{ratio:.3f}",
        f">= {MIN_RATIO}",
        ratio_met,
        f"mix {mix_rps:.1f} req/s, bare {bare_total.rps:.1f} req/s, {CLIENTS} clients, {len(walks)} users",
    )
    met &= ratio_met
    met &= bench_results.under("report p95, data unchanged", _pct(unchanged, 95), REPORT_UNCHANGED_MS, "ms")
    met &= bench_results.under("report p95, data changed", _pct(changed, 95), REPORT_CHANGED_MS, "ms")
    bench_results.record("page mix: errors", str(len(errors)), "0", not errors, errors[0] if errors else "")
    assert not errors, errors[:5]
    assert met
