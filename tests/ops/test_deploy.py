import gc
import gzip
import http.client
import json
import os
import re
import runpy
import secrets
import string
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.faults.server import free_port
from tests.settings_env import settings_from

BASE_DIR = Path(__file__).resolve().parents[2]
BOOTSTRAP = "vendor/bootstrap-5.3.9/bootstrap.min.css"


def _production_env(**values: str) -> dict[str, str]:
    secret_key = "".join(secrets.choice(string.ascii_letters + string.digits + "!@#%^*-_") for _ in range(60))
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("S3_", "SENTRY_", "DJANGO_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"))
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "echo_hub.settings",
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "echo.example.org",
        **values,
    }


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_collectstatic_in_production_writes_hashed_compressed_files(tmp_path):
    result = _manage("collectstatic", "--noinput", env=_production_env(STATIC_ROOT=str(tmp_path)))

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed = manifest["paths"][BOOTSTRAP]
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"vendor/bootstrap-5\.3\.9/bootstrap\.min\.[0-9a-f]{12}\.css", hashed)
    assert (tmp_path / hashed).read_bytes() == (BASE_DIR / "static" / BOOTSTRAP).read_bytes()
    assert gzip.decompress((tmp_path / f"{hashed}.gz").read_bytes()) == (tmp_path / hashed).read_bytes()


def test_deploy_check_stays_clean_with_a_bucket_sentry_and_redis_configured():
    env = _production_env(
        S3_BUCKET="echo-hub-files",
        S3_ENDPOINT_URL="http://minio:9000",
        S3_ACCESS_KEY="echo",
        S3_SECRET_KEY="not-a-real-secret",
        SENTRY_DSN="https://public@errors.example.invalid/1",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_production_settings_put_files_sessions_and_cache_where_every_process_sees_them():
    env = _production_env(S3_BUCKET="echo-hub-files", REDIS_URL="redis://127.0.0.1:6379/15")

    s = settings_from(env)

    files = s.STORAGES["default"]
    assert [
        files["BACKEND"],
        files["OPTIONS"]["bucket_name"],
        files["OPTIONS"]["default_acl"],
        files["OPTIONS"]["querystring_auth"],
        s.SESSION_ENGINE,
        s.CACHES["default"]["BACKEND"],
    ] == [
        "storages.backends.s3.S3Storage",
        "echo-hub-files",
        None,
        True,
        "django.contrib.sessions.backends.db",
        "django.core.cache.backends.db.DatabaseCache",
    ]


def test_gunicorn_config_reads_timeouts_from_the_environment_and_leaves_access_lines_to_the_app(
    monkeypatch,
):
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    monkeypatch.setenv("GUNICORN_GRACEFUL_TIMEOUT", "20")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")

    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))

    assert (config["workers"], config["timeout"], config["graceful_timeout"]) == (3, 45, 20)
    assert config["worker_tmp_dir"] == "/dev/shm"
    assert config["accesslog"] is None
    assert config["logconfig_dict"]["loggers"]["gunicorn.error"]["handlers"] == ["console"]


def test_gunicorn_trusts_forwarded_headers_only_from_this_machine_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)

    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))

    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"


def _hsts_behind(forwarded_allow_ips: str | None) -> str | None:
    """Start gunicorn as deployed and ask /healthz from 127.0.0.1 claiming https: the
    Strict-Transport-Security header comes back only when the app believed the claim."""
    port = free_port()
    env = _production_env(PORT=str(port), WEB_CONCURRENCY="1", LOG_LEVEL="WARNING")
    env.pop("FORWARDED_ALLOW_IPS", None)
    if forwarded_allow_ips is not None:
        env["FORWARDED_ALLOW_IPS"] = forwarded_allow_ips
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "echo_hub.wsgi"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, "gunicorn exited"
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request(
                    "GET", "/healthz", headers={"Host": "echo.example.org", "X-Forwarded-Proto": "https"}
                )
                response = conn.getresponse()
                response.read()
                assert response.status == 200
                return response.getheader("Strict-Transport-Security")
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "gunicorn did not answer in 30 s"
                time.sleep(0.2)
            finally:
                conn.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_client_reaching_gunicorn_directly_cannot_claim_https():
    assert _hsts_behind("192.0.2.10") is None
    assert _hsts_behind(None) == "max-age=31536000; includeSubDomains; preload"


def _production_database_settings(**values: str) -> list:
    env = _production_env(DATABASE_URL="postgres://echo@db.example.invalid:5432/echo", **values)
    if "CONN_MAX_AGE" not in values:
        env.pop("CONN_MAX_AGE", None)  # the default, whatever the shell running the tests says
    db = settings_from(env).DATABASES["default"]
    return [db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]]


def test_production_keeps_database_connections_ten_minutes_and_checks_them_before_reuse():
    assert _production_database_settings() == [600, True]
    assert _production_database_settings(CONN_MAX_AGE="0") == [0, True]


def test_production_counts_rate_limits_in_redis_and_lets_requests_on_while_it_is_down():
    env = _production_env(REDIS_URL="redis://127.0.0.1:6379/15")

    s = settings_from(env)

    cache = s.CACHES["ratelimit"]
    assert [
        s.RATELIMIT_USE_CACHE,
        cache["BACKEND"],
        cache["LOCATION"],
        cache["OPTIONS"]["IGNORE_EXCEPTIONS"],
        s.RATELIMIT_FAIL_OPEN,
    ] == [
        "ratelimit",
        "django_redis.cache.RedisCache",
        "redis://127.0.0.1:6379/15",
        True,
        True,
    ]


def test_compose_trusts_forwarded_headers_only_from_its_network_gateway():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())

    (network,) = compose["networks"]["default"]["ipam"]["config"]
    assert network == {"subnet": "172.30.255.0/24", "gateway": "172.30.255.1"}
    assert compose["x-app"]["environment"]["FORWARDED_ALLOW_IPS"] == "${FORWARDED_ALLOW_IPS:-172.30.255.1}"
    assert "FORWARDED_ALLOW_IPS=*" not in (BASE_DIR / ".env.example").read_text()


def test_a_gunicorn_worker_hides_what_it_loaded_at_start_from_the_garbage_collector():
    """A full collection walks every tracked object: in a worker, some 155,000 that live as
    long as it does (Django, the models, the views), ~80 ms on one request each time."""
    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
