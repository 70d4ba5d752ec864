"""The real stack for the benchmarks that need it: gunicorn and Celery workers in processes of
their own, on PostgreSQL and Redis, with `tests.bench.settings_bench` (production settings plus
a baseline URL). `make bench` points DATABASE_URL and REDIS_URL at them."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from echo_hub.celery import app as celery_app

BASE_DIR = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent


def require_real_stack() -> str:
    """The Redis URL; fails (never skips) without PostgreSQL and Redis: a skipped target would
    look met in the table."""
    redis_url = os.environ.get("REDIS_URL", "")
    assert connection.vendor == "postgresql", (
        "this benchmark runs on PostgreSQL: set DATABASE_URL (make bench does)"
    )
    assert redis_url, "this benchmark runs on Redis: set REDIS_URL (make bench does)"
    return redis_url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stack_env(**extra: str) -> dict[str, str]:
    """The environment of a production process on the test database pytest-django made."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings_bench",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        # The session cookies the bench makes are signed with the test process's key.
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        "PYTHONPATH": str(BASE_DIR),
    }
    env.pop("CI", None)
    env.update(extra)
    return env


@contextmanager
def _process(args: list[str], env: dict[str, str], log_name: str) -> Iterator[Path]:
    log = Path(tempfile.mkstemp(prefix=f"echo-bench-{log_name}-", suffix=".log")[1])
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, cwd=BASE_DIR, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield log
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def collectstatic(env: dict[str, str]) -> None:
    """The manifest static storage of production needs its manifest before any page renders."""
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=BASE_DIR,
        check=True,
    )


@contextmanager
def gunicorn(env: dict[str, str], logs: list[Path] | None = None) -> Iterator[int]:
    """gunicorn with the project's gunicorn.conf.py (workers 2 x cores + 1, sync; WEB_CONCURRENCY
    in `env` sets them) on a free port. Its output file is added to `logs`."""
    port = free_port()
    env = {**env, "PORT": str(port)}
    args = [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    with _process([*args, "echo_hub.wsgi:application"], env, "gunicorn") as log:
        if logs is not None:
            logs.append(log)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                if time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn did not start: {exc}\n{_tail(log)}") from exc
                time.sleep(0.3)
        yield port


@contextmanager
def celery_workers(env: dict[str, str], count: int) -> Iterator[list[Path]]:
    """`count` worker processes (one task at a time each), as `make worker` starts them."""
    logs = []
    with _process_group(env, count, logs):
        yield logs


@contextmanager
def _process_group(env: dict[str, str], count: int, logs: list[Path]) -> Iterator[None]:
    if count == 0:
        yield
        return
    args = [
        str(VENV_BIN / "celery"),
        "-A",
        "echo_hub",
        "worker",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "-l",
        "warning",
        "-n",
        f"bench{count}-{os.getpid()}@%h",
    ]
    with _process(args, env, f"worker{count}") as log:
        logs.append(log)
        with _process_group(env, count - 1, logs):
            yield


def wait_for_workers(count: int) -> None:
    deadline = time.monotonic() + 60
    while len(celery_app.control.ping(timeout=1.0) or []) < count:
        assert time.monotonic() < deadline, "the Celery workers did not start"
