"""Shared machinery of the benchmarks: every bench records its figures into `bench_results`,
and `make bench` ends with one table of them (benchmark, figure, target, met)."""

import os
import platform
import sys
from dataclasses import dataclass

import pytest

from echo_hub.celery import app as celery_app

_RESULTS_KEY = pytest.StashKey[list]()
# Benchmarks that failed, named in the table's footer (one pytest run per process).
_failed_nodes: list[str] = []


def pytest_collection_modifyitems(config, items):
    # Benchmarks run with `make bench`; `make test` deselects them (-m "not bench").
    for item in items:
        if "tests/bench/" in str(item.fspath):
            item.add_marker(pytest.mark.bench)


@dataclass(frozen=True)
class BenchResult:
    name: str
    figure: str
    target: str
    met: bool | None  # None: a figure reported for context, with no target of its own
    note: str = ""

    @property
    def verdict(self) -> str:
        return {True: "yes", False: "NO", None: "-"}[self.met]


class BenchResults:
    """What one benchmark measured. Record before asserting, so a miss still shows its figure."""

    def __init__(self, results: list[BenchResult]) -> None:
        self._results = results

    def record(
        self, name: str, figure: str, target: str = "", met: bool | None = None, note: str = ""
    ) -> None:
        self._results.append(BenchResult(name, figure, target, met, note))

    def under(
        self, name: str, value: float, limit: float, unit: str, note: str = "", fmt: str = ".1f"
    ) -> bool:
        """Record a figure whose target is "below `limit`"; returns whether it is met."""
        met = value < limit
        self.record(name, f"{value:{fmt}} {unit}", f"< {limit:g} {unit}", met, note)
        return met


@pytest.fixture
def bench_results(request) -> BenchResults:
    return BenchResults(request.config.stash.setdefault(_RESULTS_KEY, []))


def pytest_runtest_logreport(report):
    if report.failed and "tests/bench/" in report.nodeid.replace("\\", "/"):
        _failed_nodes.append(report.nodeid)


def _column_widths(rows: list[tuple[str, ...]]) -> list[int]:
    return [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    results: list[BenchResult] = config.stash.get(_RESULTS_KEY, [])
    if not results and not _failed_nodes:
        return
    if not results:
        results = [BenchResult("(no figures recorded)", "-", "-", None)]
    header = ("benchmark", "figure", "target", "met", "note")
    rows = [header] + [(r.name, r.figure, r.target or "-", r.verdict, r.note) for r in results]
    widths = _column_widths(rows)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    # Which build of Python served the pages: one without profile-guided and link-time
    # optimization (pyenv's default) drew them 15-25 % slower than one with (Debian's; the
    # official Docker image's, which production runs, is built with both).
    python = f"Python {platform.python_version()} at {os.path.realpath(sys.executable)}"
    terminalreporter.section(f"benchmarks (load average {load}; {os.cpu_count()} CPUs; {python})")
    for n, row in enumerate(rows):
        terminalreporter.write_line(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        )
        if n == 0:
            terminalreporter.write_line("  ".join("-" * w for w in widths))
    missed = [r.name for r in results if r.met is False]
    terminalreporter.write_line(
        f"\n{sum(r.met is True for r in results)} targets met, {len(missed)} missed"
        + (f" ({', '.join(missed)})" if missed else "")
    )
    for nodeid in _failed_nodes:
        terminalreporter.write_line(f"failed: {nodeid} (see its output above)")


@pytest.fixture
def real_broker():
    """Tasks go to Redis, as in production (the test settings run them eagerly)."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield
    celery_app.control.purge()
    celery_app.conf.task_always_eager = eager
