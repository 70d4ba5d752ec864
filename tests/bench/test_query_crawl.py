"""Query counts do not grow with the data: crawl every page each demo role reaches from the
navigation (GET only), on the small demo and on `seed_demo --participants 5000 --sessions 400`,
and compare each page's query count at both sizes."""

import logging
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from cases.models import Case
from echo_hub.accounts.models import User
from sessions.models import Enrollment, Session

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "coordinator", "expert", "spoke", "participant"]
LARGE = {"participants": 5000, "sessions": 400}
MAX_PAGES = 150
MAX_INSTANCES = 3
SKIP_NAMESPACES = {"admin"}
SKIP_PREFIXES = ("/accounts/", "/admin/", "/static/", "/media/")
DOWNLOAD_SUFFIXES = (".ics", ".pdf", ".csv")
# Query-string values that are ids or page numbers collapse to one variant; the rest
# (?when=past, ?status=submitted) are variants of their own. `next` is noise.
DROP_PARAMS = {"next"}
# String kwargs whose value picks a different page, not a different row.
SHAPE_KWARGS = {"phase", "table"}
HREF = re.compile(r'href="([^"]*)"')


@dataclass
class Page:
    url: str
    status: int
    queries: int
    sql: list[str] = field(repr=False)
    ms: float = 0.0
    slowest_sql: tuple[float, str] = (0.0, "")


def _normalize_sql(sql: str) -> str:
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    return re.sub(r"\(\s*\?(\s*,\s*\?)*\s*\)", "(…)", sql)


def _key(path: str, query: str) -> tuple | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if set(match.namespaces) & SKIP_NAMESPACES:
        return None
    shape = tuple(sorted((k, v if k in SHAPE_KWARGS else "*") for k, v in match.kwargs.items()))
    params = sorted(
        (k, "N" if v.isdigit() else v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if k not in DROP_PARAMS
    )
    return match.view_name, shape, urlencode(params)


def _links(html: str) -> list[str]:
    found = []
    for raw in HREF.findall(html):
        href = unescape(raw).strip()
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue  # external, fragment-only or not a page
        found.append(href)
    return found


def _absolute(href: str, base_path: str) -> str:
    parts = urlsplit(href)
    path = parts.path or base_path
    if not path.startswith("/"):
        path = base_path.rsplit("/", 1)[0] + "/" + path
    return path + (f"?{parts.query}" if parts.query else "")


def _crawl(client) -> tuple[dict[tuple, Page], list[str]]:
    """Breadth-first from "/". The first URL of each pattern is measured; up to
    MAX_INSTANCES - 1 more of the same pattern (another case, another session) are only
    fetched to find links the first one lacks (a finalized case's letter, a session's survey)."""
    pages: dict[tuple, Page] = {}
    instances: Counter = Counter()
    errors: list[str] = []
    seen: set[str] = set()
    queue = deque(["/"])
    while queue and sum(instances.values()) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        if url in seen or parts.path.startswith(SKIP_PREFIXES) or "logout" in parts.path:
            continue
        seen.add(url)
        key = _key(parts.path, parts.query)
        if key is None or instances[key] >= MAX_INSTANCES:
            continue
        instances[key] += 1
        try:
            if key in pages:
                response = client.get(url)
            else:
                client.get(url)  # warm-up: per-process caches, session rows, lazy imports
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(url)
                elapsed = time.perf_counter() - started
                sql = [q["sql"] for q in ctx]
                slowest = max(((float(q["time"]) * 1000, q["sql"]) for q in ctx), default=(0.0, ""))
                pages[key] = Page(url, response.status_code, len(sql), sql, elapsed * 1000, slowest)
        except Exception as exc:  # the test client re-raises a view's error: record it as a 500
            pages.setdefault(key, Page(url, 500, 0, []))
            errors.append(f"{url} {type(exc).__name__}: {exc}")
            continue
        if response.status_code >= 500:
            errors.append(f"{url} {response.status_code}")
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(_absolute(response["Location"], parts.path))
            continue
        is_download = parts.path.endswith(DOWNLOAD_SUFFIXES)
        if is_download or response.streaming or "text/html" not in response.get("Content-Type", ""):
            continue
        queue.extend(_absolute(href, parts.path) for href in _links(response.content.decode()))
    return pages, errors


def _crawl_all(client, size: str) -> tuple[dict[tuple, Page], list[str]]:
    result, errors = {}, []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(User.objects.get(email=f"{role}@example.org"))
        started = time.perf_counter()
        pages, role_errors = _crawl(client)
        print(f"  {role}: {len(pages)} patterns in {time.perf_counter() - started:.1f}s")
        result.update({(role, *key): page for key, page in pages.items()})
        errors += [f"{size} {role} {e}" for e in role_errors]
    return result, errors


def _label(key: tuple) -> str:
    _role, view, shape, query = key
    extra = ",".join(f"{k}={v}" for k, v in shape if v != "*")
    return f"{view}{f'[{extra}]' if extra else ''}{f'?{query}' if query else ''}"


def _grown_sql(small: Page, large: Page) -> str:
    before, after = Counter(map(_normalize_sql, small.sql)), Counter(map(_normalize_sql, large.sql))
    grown = sorted(((after[s] - before[s], s) for s in after if after[s] > before[s]), reverse=True)
    if not grown:
        return "(no statement repeats more often; different statements)"
    n, sql = grown[0]
    return f"+{n}x ({before[sql]} -> {after[sql]}): {sql[:400]}"


def _view_names(patterns=None, prefix="") -> set[str]:
    names = set()
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if p.namespace not in SKIP_NAMESPACES:
                names |= _view_names(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            names.add(prefix + p.name)
    return names


def _sizes() -> str:
    return (
        f"{User.objects.count()} users, {Enrollment.objects.count()} enrollments, "
        f"{Session.objects.count()} sessions, {Case.objects.count()} cases"
    )


@pytest.fixture
def quiet_request_log():
    logger = logging.getLogger("echo_hub.request")
    logger.disabled = True
    yield
    logger.disabled = False


def test_query_counts_do_not_grow_with_data(client, quiet_request_log, bench_results):
    timings = {}
    started = time.perf_counter()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    timings["seed small"] = time.perf_counter() - started
    print(f"\nSmall demo seeded in {timings['seed small']:.1f}s ({_sizes()}); crawling")
    started = time.perf_counter()
    small, small_errors = _crawl_all(client, "small")
    timings["crawl small"] = time.perf_counter() - started

    started = time.perf_counter()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"), **LARGE)  # noqa: SIM115
    timings["seed large"] = time.perf_counter() - started
    print(f"Large demo ({LARGE}) seeded in {timings['seed large']:.1f}s ({_sizes()}); crawling")
    started = time.perf_counter()
    large, large_errors = _crawl_all(client, "large")
    timings["crawl large"] = time.perf_counter() - started

    both = sorted(small.keys() & large.keys(), key=lambda k: (-(large[k].queries - small[k].queries), k))
    print(
        f"\n{len(both)} pages at both sizes; timings: "
        + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
    )
    print(f"\n{'role':<12} {'page':<58} {'status':>6} {'small':>6} {'large':>6} {'diff':>5}")
    for key in both:
        s, lg = small[key], large[key]
        print(
            f"{key[0]:<12} {_label(key):<58} {lg.status:>6} {s.queries:>6} {lg.queries:>6} {lg.queries - s.queries:>+5}"
        )

    only_large = sorted(large.keys() - small.keys())
    only_small = sorted(small.keys() - large.keys())
    for title, keys, pages in (("large", only_large, large), ("small", only_small, small)):
        if keys:
            print(f"\nOnly in the {title} crawl:")
            for key in keys:
                print(
                    f"  {key[0]:<12} {_label(key):<58} {pages[key].status:>4} {pages[key].queries:>4}q  {pages[key].url}"
                )

    print("\nMost queries (large):")
    for key in sorted(large, key=lambda k: -large[k].queries)[:15]:
        print(f"  {key[0]:<12} {_label(key):<58} {large[key].queries:>4}  {large[key].url}")

    reached = {k[1] for k in small.keys() | large.keys()}
    never = sorted(
        n for n in _view_names() if n not in reached and not n.startswith(("account_", "socialaccount"))
    )
    print(f"\nNever reached by GET from the navigation ({len(never)}): {', '.join(never)}")

    growing = [k for k in both if large[k].queries != small[k].queries]
    if growing:
        print("\nGrowing pages, the statement that repeats more at the large size:")
        for key in growing:
            print(f"- {key[0]} {_label(key)} {large[key].url}\n    {_grown_sql(small[key], large[key])}")

    print("\nSlowest (large):")
    for key in sorted(large, key=lambda k: -large[k].ms)[:8]:
        print(
            f"  {key[0]:<12} {_label(key):<58} {large[key].ms:>7.1f} ms  (small {small.get(key, large[key]).ms:.1f} ms)"
        )
        ms, sql = large[key].slowest_sql
        print(f"      slowest query {ms:.1f} ms: {_normalize_sql(sql)[:300]}")

    errors = small_errors + large_errors
    bench_results.record(
        "query counts: pages that grow with data",
        f"{len(growing)} of {len(both)}",
        "0",
        not growing,
        note=f"demo vs {LARGE['participants']:,} participants, {LARGE['sessions']} sessions",
    )
    if large:
        worst = max(large, key=lambda k: large[k].queries)
        slowest = max(large, key=lambda k: large[k].ms)
        bench_results.record(
            "query counts: most queries (large)",
            str(large[worst].queries),
            note=f"{worst[0]} {_label(worst)}",
        )
        bench_results.record(
            "crawl: slowest page (large, test client)",
            f"{large[slowest].ms:.0f} ms",
            note=f"{slowest[0]} {_label(slowest)}",
        )
    bench_results.record("crawl: server errors", str(len(errors)), "0", not errors)
    assert not errors, f"pages returned 500: {errors}"
    assert not growing, "query counts grow with the data: " + ", ".join(
        f"{k[0]} {_label(k)}" for k in growing
    )
