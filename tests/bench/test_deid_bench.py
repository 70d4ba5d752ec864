import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cases.deid import find_identifiers
from tests.cases.deid_corpus import CLEAN, LONG_CLEAN_CASE, flagged_clean_sentences, missed_identifiers
from tests.cases.deid_corpus_fr import LONG_CLEAN_CASE_FR

# A plain test rather than `pytest.mark.bench`: the project runs pytest with
# --strict-markers and this module may not register markers in pyproject.toml.
# It stays cheap (about a second) so `make test` could run it too.

RUNS = 200
TARGET_MS = 5.0
IMPORT_TARGET_MS = 300.0

BENCH_CASE = LONG_CLEAN_CASE.replace(
    "58-year-old woman, a retired",
    "58-year-old woman (Mrs. Tremblay, DOB 14/03/1962, OHIP 1234 567 890), a retired",
).replace("her husband knows", "her husband Paul (705-555-0123) knows")
BENCH_CASE_FR = LONG_CLEAN_CASE_FR.replace(
    "femme de 61 ans, ancienne",
    "Mme Gagnon (née le 14 mars 1962, carte santé 1234 567 890), ancienne",
).replace("son conjoint sait", "son conjoint Réjean (705-555-0123) sait")
CASES = {
    "en": (BENCH_CASE, ["name", "date", "health_card", "name", "phone"]),
    "fr": (BENCH_CASE_FR, ["name", "date", "health_card", "name", "phone"]),
}
# Importing the guard, then the first check, which reads the word lists, in a fresh interpreter;
# the echo_hub package (Celery's app) is imported first so that only the guard is timed.
IMPORT_SCRIPT = """
import time
import echo_hub
started, wall_started = time.process_time(), time.perf_counter()
import echo_hub.deid
imported = time.process_time()
echo_hub.deid.find_identifiers("Mrs. Tremblay lives in Kapuskasing.")
print((imported - started) * 1000, (time.process_time() - imported) * 1000, (time.perf_counter() - wall_started) * 1000)
"""


@pytest.mark.parametrize("language", ["en", "fr"])
def test_find_identifiers_3000_chars_under_target(language, bench_results):
    text, kinds = CASES[language]
    assert [finding.kind for finding in find_identifiers(text)] == kinds
    for _ in range(5):
        find_identifiers(text)
    cpu, wall = [], []
    for _ in range(RUNS):
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        find_identifiers(text)
        cpu.append(time.process_time() - cpu_started)
        wall.append(time.perf_counter() - wall_started)

    # The target is on the guard's own work: on a shared machine (benches, CI and other jobs on
    # two cores) wall time also counts the time spent waiting for a core; it is shown beside.
    cpu_ms, wall_ms = statistics.median(cpu) * 1000, statistics.median(wall) * 1000
    print(
        f"\ndeid_3000_chars_{language}  cpu_ms={cpu_ms:.2f}  wall_ms={wall_ms:.2f}  target=<{TARGET_MS:g} ms"
    )
    met = bench_results.under(
        f"identifier guard, 3,000 chars, {language} (median CPU of {RUNS})",
        cpu_ms,
        TARGET_MS,
        "ms",
        note=f"wall {wall_ms:.2f} ms",
        fmt=".2f",
    )
    assert met


def test_find_identifiers_recall_and_false_alarms(bench_results):
    total, missed = missed_identifiers(find_identifiers)
    flagged = flagged_clean_sentences(find_identifiers)

    recall = (total - len(missed)) / total
    false_alarms = len(flagged) / len(CLEAN)
    print(
        f"\ndeid_recall={recall:.3f} ({total} identifiers)  deid_false_alarms={false_alarms:.3f} ({len(CLEAN)} clean)"
    )
    bench_results.record(
        "identifier guard recall (labelled corpus, en + fr)",
        f"{recall:.3f} of {total}",
        ">= 0.97",
        recall >= 0.97,
    )
    bench_results.record(
        "identifier guard clean sentences flagged",
        f"{false_alarms:.1%} of {len(CLEAN)}",
        "<= 3%",
        false_alarms <= 0.03,
    )
    assert recall >= 0.97 and false_alarms <= 0.03, "\n".join(missed + flagged)


def test_find_identifiers_import_and_word_lists_load_quickly(bench_results):
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    import_ms, load_ms, wall_ms = (float(value) for value in result.stdout.split())

    print(
        f"\ndeid_import_cpu_ms={import_ms:.0f}  deid_first_check_cpu_ms={load_ms:.0f}  wall_ms={wall_ms:.0f}"
    )
    met = bench_results.under(
        "identifier guard import + word lists (CPU)",
        import_ms + load_ms,
        IMPORT_TARGET_MS,
        "ms",
        note=f"import {import_ms:.0f} ms, word lists {load_ms:.0f} ms, wall {wall_ms:.0f} ms",
        fmt=".0f",
    )
    assert met
