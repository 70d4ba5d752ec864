"""A gunicorn server on the test database with production settings (DEBUG off, manifest
static files, persistent database connections), and a small HTTP client for it."""

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database pytest-django made, as a URL another process can open."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="echo_hub.settings",
        DEBUG="false",
        SECRET_KEY=settings.SECRET_KEY,  # the session cookies the test makes must verify
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CONN_MAX_AGE="60",
    )
    env.update(overrides)
    return env


def collect_static(static_root: str) -> None:
    """The hashed manifest production serves from; pages fail without it."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=production_env(STATIC_ROOT=static_root),
        check=True,
        timeout=120,
    )


@dataclass
class Response:
    status: int
    body: bytes
    location: str


class Gunicorn:
    """gunicorn.conf.py as deployed, on a free port; stderr goes to a file read on failure."""

    def __init__(
        self, *, static_root: str, workers: int | None = None, threads: int | None = None, **env: str
    ) -> None:
        """workers and threads default to gunicorn.conf.py's (WEB_CONCURRENCY, GUNICORN_THREADS)."""
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        if threads:
            env["GUNICORN_THREADS"] = str(threads)
        self.port = free_port()
        # Closed in stop(): it outlives this method, as gunicorn writes to it.
        self.log = tempfile.NamedTemporaryFile(prefix="faults-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "echo_hub.wsgi"],
            cwd=BASE_DIR,
            env=production_env(
                STATIC_ROOT=static_root,
                PORT=str(self.port),
                **env,
            ),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_up()

    def _wait_until_up(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.output()}"
            try:
                if self.get("/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer /healthz in {seconds} s:\n{self.output()}")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-5000:]

    def get(self, path: str, *, cookie: str = "", timeout: float = 30) -> Response:
        # Behind the TLS proxy: the app sees https and does not redirect.
        headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
        if cookie:
            headers["Cookie"] = cookie
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            return Response(response.status, response.read(), response.getheader("Location") or "")
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        os.unlink(self.log.name)
