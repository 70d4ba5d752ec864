import statistics
import time

import pytest

from cases.deid import find_identifiers
from tests.cases.deid_corpus import LONG_CLEAN_CASE

# A plain test rather than `pytest.mark.bench`: the project runs pytest with
# --strict-markers and this module may not register markers in pyproject.toml.
# It stays cheap (about 200 ms) so `make test` can keep running it.

RUNS = 200
TARGET_MS = 5.0

BENCH_CASE = LONG_CLEAN_CASE.replace(
    "58-year-old woman, a retired",
    "58-year-old woman (Mrs. Tremblay, DOB 14/03/1962, OHIP 1234 567 890), a retired",
).replace("her husband knows", "her husband Paul (705-555-0123) knows")


@pytest.fixture(scope="module")
def bench_case() -> str:
    findings = find_identifiers(BENCH_CASE)
    assert [finding.kind for finding in findings] == ["name", "date", "health_card", "name", "phone"]
    return BENCH_CASE


def test_find_identifiers_3000_chars_under_target(bench_case, bench_results):
    for _ in range(5):
        find_identifiers(bench_case)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        find_identifiers(bench_case)
        timings.append(time.perf_counter() - started)

    median_ms = statistics.median(timings) * 1000
    met = "yes" if median_ms < TARGET_MS else "no"
    print(
        f"\ndeid_3000_chars  median_ms={median_ms:.2f}  target=<{TARGET_MS:g} ms  met={met}  chars={len(bench_case)}"
    )
    met = bench_results.under(
        "identifier guard, 3,000 chars (median of 200)", median_ms, TARGET_MS, "ms", fmt=".2f"
    )
    assert met
