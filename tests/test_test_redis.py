"""Each xdist process of the suite has a Redis database of its own, and so do the processes it
starts; the tests that run Celery workers empty and fill only their process's."""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import broker_test_redis_url

BASE_DIR = Path(__file__).resolve().parent.parent
PRINT_REDIS = "import os, echo_hub.settings_test; print(os.environ['REDIS_URL'])"


def _redis_url_in_a_process(env: dict[str, str]) -> tuple[str, dict[str, str]]:
    child_env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "ECHO_TEST_OWN_REDIS"}}
    child_env |= env | {"PYTHONPATH": str(BASE_DIR)}
    script = f"{PRINT_REDIS}; print(os.environ.get('ECHO_TEST_OWN_REDIS', ''))"
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=child_env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    url, marker = out.stdout.split()
    return url, {"ECHO_TEST_OWN_REDIS": marker} if marker else {}


def test_each_xdist_process_counts_down_from_the_configured_database_once():
    gw0, _ = _redis_url_in_a_process({"REDIS_URL": "redis://127.0.0.1:6379/15", "PYTEST_XDIST_WORKER": "gw0"})
    gw1, marker = _redis_url_in_a_process(
        {"REDIS_URL": "redis://127.0.0.1:6379/15", "PYTEST_XDIST_WORKER": "gw1"}
    )
    # A Celery worker gw1 starts inherits its environment: it stays on gw1's database.
    started, _ = _redis_url_in_a_process({"REDIS_URL": gw1, "PYTEST_XDIST_WORKER": "gw1", **marker})

    assert (gw0, gw1, started) == (
        "redis://127.0.0.1:6379/14",
        "redis://127.0.0.1:6379/13",
        "redis://127.0.0.1:6379/13",
    )


def test_a_broker_test_uses_its_process_s_own_database_in_a_parallel_run(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert broker_test_redis_url("redis://127.0.0.1:6379/13", 14) == "redis://127.0.0.1:6379/13"


def test_a_broker_test_run_alone_uses_its_own_database_away_from_the_configured_one(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert broker_test_redis_url("redis://127.0.0.1:6379/0", 14) == "redis://127.0.0.1:6379/14"
