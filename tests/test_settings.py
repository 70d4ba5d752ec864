import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.settings_env import settings_from

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(**values: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    return env | {"DJANGO_SETTINGS_MODULE": "echo_hub.settings"} | values


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    )


def _refusal(env: dict[str, str]) -> str:
    with pytest.raises(ImproperlyConfigured) as refused:
        settings_from(env)
    return str(refused.value)


def test_settings_without_secret_key_in_production_refuse_to_load():
    refusal = _refusal(_env(DEBUG="false"))

    assert refusal == "SECRET_KEY must be set when DEBUG is off."


def test_settings_with_a_bad_debug_value_refuse_to_load():
    refusal = _refusal(_env(DEBUG="maybe", SECRET_KEY="x" * 60))

    assert refusal == "DEBUG must be true or false, not 'maybe'."


def test_settings_pass_the_deploy_check_in_production():
    secret_key = "".join(secrets.choice(string.ascii_letters + string.digits + "!@#%^*-_") for _ in range(60))
    env = _env(
        DEBUG="false",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="echo.example.org",
        REDIS_URL="redis://redis:6379/0",
    )

    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def _cookies(s) -> list:
    return [
        s.SESSION_COOKIE_NAME,
        s.CSRF_COOKIE_NAME,
        s.SESSION_COOKIE_SECURE,
        s.CSRF_COOKIE_SECURE,
        s.SECURE_HSTS_SECONDS,
        "csp.middleware.CSPMiddleware" in s.MIDDLEWARE,
    ]


def test_production_cookies_are_host_prefixed_and_secure_with_hsts():
    env = _env(DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="echo.example.org")

    production = settings_from(env)

    assert _cookies(production) == ["__Host-sessionid", "__Host-csrftoken", True, True, 31536000, True]


def test_debug_keeps_plain_cookie_names_that_a_http_dev_server_can_set():
    debug = settings_from(_env(DEBUG="true"))

    assert _cookies(debug) == ["sessionid", "csrftoken", False, False, 0, True]


def test_a_malformed_rate_limit_refuses_to_load():
    refusal = _refusal(_env(DEBUG="true", RATE_LIMIT_JOIN="twenty per minute"))

    assert refusal == "RATE_LIMIT_JOIN must look like 30/5m, not 'twenty per minute'."


def test_production_mail_never_waits_on_the_server_for_more_than_ten_seconds_a_step():
    env = _env(DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="echo.example.org")
    env.pop("EMAIL_TIMEOUT", None)

    default = settings_from(env)
    chosen = settings_from(env | {"EMAIL_TIMEOUT": "4"})

    assert (default.EMAIL_TIMEOUT, default.ACCOUNT_ADAPTER) == (
        10,
        "echo_hub.accounts.adapter.HubAccountAdapter",
    )
    assert chosen.EMAIL_TIMEOUT == 4


def test_an_email_timeout_under_one_second_refuses_to_load():
    refusal = _refusal(_env(DEBUG="true", EMAIL_TIMEOUT="0"))

    assert refusal == "EMAIL_TIMEOUT must be at least 1 second."


def test_invitation_expiry_days_come_from_the_environment():
    default = settings_from(_env(DEBUG="true"))
    week = settings_from(_env(DEBUG="true", INVITATION_EXPIRY_DAYS="7"))

    assert (default.INVITATION_EXPIRY_DAYS, week.INVITATION_EXPIRY_DAYS) == (14, 7)


def test_invitation_expiry_days_below_one_refuse_to_load():
    refusal = _refusal(_env(DEBUG="true", INVITATION_EXPIRY_DAYS="0"))

    assert refusal == "INVITATION_EXPIRY_DAYS must be at least 1."


def _upload_limits(s) -> list:
    return [s.FILE_UPLOAD_MAX_BYTES, s.FILE_UPLOAD_MAX_MEMORY_SIZE, s.FILE_UPLOAD_HANDLERS[0]]


def test_upload_limits_come_from_the_environment():
    default = settings_from(_env(DEBUG="true"))
    chosen = settings_from(
        _env(DEBUG="true", FILE_UPLOAD_MAX_BYTES="31457280", FILE_UPLOAD_MAX_MEMORY_SIZE="65536")
    )

    assert _upload_limits(default) == [26_214_400, 1_048_576, "echo_hub.lib.uploads.UploadLimitHandler"]
    assert _upload_limits(chosen) == [31_457_280, 65_536, "echo_hub.lib.uploads.UploadLimitHandler"]


def test_an_upload_limit_below_the_slides_limit_refuses_to_load():
    refusal = _refusal(_env(DEBUG="true", FILE_UPLOAD_MAX_BYTES="1048576"))

    assert refusal == "FILE_UPLOAD_MAX_BYTES must be at least SLIDES_MAX_BYTES."


def test_ci_runs_the_deploy_check_with_production_settings():
    script = (BASE_DIR / ".ci" / "run").read_text()

    assert "DEBUG=false ALLOWED_HOSTS=echo.example.org \\\n" in script
    assert "manage.py check --deploy --fail-level WARNING\n" in script


def test_postgresql_statements_run_again_are_prepared_unless_turned_off():
    env = _env(DEBUG="true", DATABASE_URL="postgres://echo@db.example.org:5432/echo")
    env.pop("DB_PREPARE_THRESHOLD", None)

    default = settings_from(env).DATABASES["default"]["OPTIONS"]
    off = settings_from(env | {"DB_PREPARE_THRESHOLD": "0"}).DATABASES["default"]["OPTIONS"]
    sqlite = settings_from(_env(DEBUG="true", DATABASE_URL="sqlite:////tmp/echo.sqlite3")).DATABASES[
        "default"
    ]

    assert (default["server_side_binding"], default["prepare_threshold"], default["connect_timeout"]) == (
        True,
        5,
        3,
    )
    assert off["prepare_threshold"] is None
    assert "server_side_binding" not in sqlite.get("OPTIONS", {})


def test_a_negative_prepare_threshold_refuses_to_load():
    refusal = _refusal(
        _env(DEBUG="true", DATABASE_URL="postgres://echo@db.example.org:5432/echo", DB_PREPARE_THRESHOLD="-1")
    )

    assert refusal == "DB_PREPARE_THRESHOLD must be 0 (never prepare) or more."
