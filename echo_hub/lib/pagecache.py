"""Whole-page cache for the busiest signed-in pages, keyed on everything their HTML depends on.

Usage: `@cached_page` under `@login_required` on a GET view whose output depends only on the
database, the signed-in user, the URL and the clock; `serve(request, render, on_hit=...)` when
something must happen on every request, also when the page is served from the cache (the case
page records each view in the audit trail).

A page is stored under a hash of:
- the content version: one number in the database (a sequence on PostgreSQL, a one-row table
  elsewhere; migration echo_lib 0002) that goes up after every committed write. Writes are seen at the database cursor (an execute wrapper installed on
  every connection), so save(), update(), bulk_create(), delete(), raw SQL, the admin, Celery
  workers and management commands all count, in every process. A write inside a transaction
  bumps the version when the transaction commits; a rolled-back one never does.
- the user, language, time zone, scheme, host and full path (with the query string);
- the current minute. Pages change with the clock (the Join button opens 15 minutes before a
  session, evaluations close): a page is served only within the minute it was rendered in,
  which also bounds anything missed (a write made outside Django) to a minute.
- a fingerprint of the code, templates and static files, so a deploy never serves old HTML.
- in the test runner only: the writes made inside a test's transaction, which never commits.

Writes that no cached page shows do not bump the version (WATCH_EXCLUDED_MODELS and
WATCH_EXCLUDED_COLUMNS below): sign-ins, session activity, the audit trail and the database
cache would otherwise invalidate every page many times a second.

What differs per request stays out of the stored HTML: the CSRF token is rendered as a
placeholder and put back, per request, on the way out. Pages with a flash message pending or
added while rendering are neither served from nor stored in the cache, and only plain 200
responses that set no cookie are stored.
"""

import functools
import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

from .cache import DATABASE_CACHE_TABLE

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
# A page is served only in the minute it was rendered in: longer would only keep dead entries.
TIMEOUT_SECONDS = 120
VERSION_SEQUENCE = "echo_content_version_seq"  # PostgreSQL
VERSION_TABLE = "echo_content_version"  # other databases
# Writes to these never change a cached page. Each entry says why.
WATCH_EXCLUDED_MODELS = (
    "sessions.Session",  # sign-in state: read by middleware before any cached page is served
    "accounts.UserSession",  # activity of a signed-in browser: shown on the Security page only
    "audit.AuditEvent",  # the audit trail: shown on the audit pages only, never cached
)
WATCH_EXCLUDED_TABLE_NAMES = (VERSION_TABLE, DATABASE_CACHE_TABLE)
# Single-column updates made on every sign-in; no cached page shows these columns.
WATCH_EXCLUDED_COLUMNS = (
    ("accounts.User", "last_login"),
    ("mfa.Authenticator", "last_used_at"),
)
# Statements that change no row. Schema changes are `migrate`'s, which bumps once at its end.
_NOT_WRITES = (
    *("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET ", "SHOW", "EXPLAIN"),
    *("PRAGMA", "CREATE", "ALTER", "DROP", "COMMENT", "ANALYZE", "VACUUM"),
)
_TARGET = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?(?:\s+SET\s+"?(\w+)"?\s*=\s*%s\s+WHERE\b)?',
    re.IGNORECASE,
)
_CSP_ATTRIBUTES = ("_csp_update", "_csp_replace", "_csp_exempt", "_csp_config")


class _State:
    """Per process. `watching` is off while `migrate` runs (the version table may not exist
    yet); `test_writes` counts writes inside a test case's never-committed transaction;
    `settings_epoch` moves when a test overrides a setting."""

    watching = True
    test_writes = 0
    settings_epoch = 0


state = _State()


# --- noticing writes -------------------------------------------------------------------


@functools.cache
def _excluded() -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    tables = {apps.get_model(label)._meta.db_table for label in WATCH_EXCLUDED_MODELS}
    tables.update(WATCH_EXCLUDED_TABLE_NAMES)
    columns = set()
    for label, field_name in WATCH_EXCLUDED_COLUMNS:
        model = apps.get_model(label)
        columns.add((model._meta.db_table, model._meta.get_field(field_name).column))
    return frozenset(tables), frozenset(columns)


def is_content_write(sql) -> bool:
    """Whether a statement may change what a cached page shows. Anything unfamiliar counts
    (TRUNCATE, a statement Django does not write): a needless bump only costs renders."""
    if not isinstance(sql, str):
        return True
    if sql.startswith("SELECT"):  # nearly every statement, and Django writes them unindented
        return False
    head = sql.lstrip()[:10].upper()
    if head.startswith(_NOT_WRITES):
        return False
    match = _TARGET.match(sql)
    if match is None:
        return True
    table, column = match.groups()
    tables, columns = _excluded()
    return table not in tables and (column is None or (table, column) not in columns)


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper on every connection (installed by echo_hub.lib.apps)."""
    result = execute(sql, params, many, context)
    connection = context["connection"]
    if state.watching and is_content_write(sql) and connection.alias in settings.DATABASES:
        _written(connection)
    return result


def _written(connection) -> None:
    if not connection.in_atomic_block:
        bump_version(connection)  # autocommit: the write is already committed
    elif connection.atomic_blocks[0]._from_testcase:
        state.test_writes += 1  # a test's transaction is rolled back, never committed
    else:
        bump = _bump_on_commit(connection)
        if not any(func is bump for _, func, _ in connection.run_on_commit):
            connection.on_commit(bump, robust=True)


def _bump_on_commit(connection) -> Callable[[], None]:
    """One callable per connection, so a transaction registers it once."""
    if not hasattr(connection, "_page_cache_bump"):
        connection._page_cache_bump = functools.partial(bump_version, connection)
    return connection._page_cache_bump


def _version_sql(connection) -> tuple[str, str]:
    """(read, bump) statements of the content version on this connection's database."""
    if connection.vendor == "postgresql":
        return (f'SELECT "last_value" FROM "{VERSION_SEQUENCE}"', f"SELECT nextval('\"{VERSION_SEQUENCE}\"')")
    return (
        f'SELECT "value" FROM "{VERSION_TABLE}" WHERE "id" = 1',
        f'UPDATE "{VERSION_TABLE}" SET "value" = "value" + 1 WHERE "id" = 1',
    )


def bump_version(connection=None) -> None:
    """Move the content version on. Never fails the caller, whose write is committed: a bump
    that fails leaves pages at most a minute old (the minute is part of every key)."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute(_version_sql(connection)[1])
    except DatabaseError:
        logger.exception("page cache: could not move the content version on")


def install(connection, **kwargs) -> None:
    """connection_created receiver: watch the new connection's writes (once per wrapper)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def pause_watching(**kwargs) -> None:
    """pre_migrate receiver."""
    state.watching = False


def after_migrate(using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate receiver, after `migrate` and after `flush`: watch writes again, put back
    the one-row table's row that `flush` deleted, and move the version on, so no page cached
    before a deploy is served after it. Does nothing where the migration is not applied."""
    state.watching = True
    connection = connections[using]
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.execute(
                    f'INSERT INTO "{VERSION_TABLE}" ("id", "value") SELECT 1, %s '
                    f'WHERE NOT EXISTS (SELECT 1 FROM "{VERSION_TABLE}")',
                    [secrets.randbits(62)],
                )
            cursor.execute(_version_sql(connection)[1])
    except DatabaseError:  # migrated back past echo_lib 0002, or not that far yet
        return


def settings_changed(**kwargs) -> None:
    """setting_changed receiver: tests override settings that change what pages show."""
    state.settings_epoch += 1


def current_version(alias: str = DEFAULT_DB_ALIAS) -> int | None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(connection)[0])
        row = cursor.fetchone()
    return row[0] if row else None


# --- serving pages ---------------------------------------------------------------------


@functools.cache
def code_fingerprint() -> str:
    """A hash of every file of the project's apps, templates and static files, read once per
    process: HTML rendered by other code is never served."""
    roots = [Path(__file__).resolve().parents[1]]  # the echo_hub package: views, URLs, tags
    roots += [Path(c.path) for c in apps.get_app_configs() if Path(c.path).is_relative_to(settings.BASE_DIR)]
    roots += [Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
    roots += [Path(d) for d in settings.STATICFILES_DIRS]
    roots = {
        root for root in roots if not any(root != other and root.is_relative_to(other) for other in roots)
    }
    digest = hashlib.sha256()
    for root in sorted(roots):
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def csrf_placeholder() -> str:
    """What cached HTML holds where the CSRF token goes: the same in every process of a
    deploy (they share the cache), not guessable from outside."""
    return salted_hmac("echo_hub.lib.pagecache", "csrf-placeholder", algorithm="sha256").hexdigest()


def csrf_context(request) -> dict:
    """Context processor, after Django's own csrf one: while a page is rendered for the cache,
    `{% csrf_token %}` writes the placeholder."""
    if getattr(request, "_rendering_for_page_cache", False):
        return {"csrf_token": csrf_placeholder()}
    return {}


def page_key(request: HttpRequest) -> str | None:
    """The cache key of this request's page, or None when it must not be cached."""
    if not settings.PAGE_CACHE_ENABLED or request.method != "GET":
        return None
    if not request.user.is_authenticated or len(messages.get_messages(request)):
        return None
    version = current_version()
    if version is None:  # the one-row table's row is gone (a flush): render, store nothing
        return None
    parts = (
        code_fingerprint(),
        version,
        state.test_writes,
        state.settings_epoch,
        request.user.pk,
        get_language(),
        timezone.get_current_timezone_name(),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        int(timezone.now().timestamp()) // 60,
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def serve(
    request: HttpRequest,
    render: Callable[[], HttpResponse],
    *,
    on_hit: Callable[[dict], None] | None = None,
) -> HttpResponse:
    """The page from the cache, or `render()`'s, stored when it can be.

    What must happen on every request, not only when the page is rendered (the audit trail's
    "case viewed"), goes in `on_hit`: `render` sets `response.page_cache_facts`, a dict of
    plain values stored with the page, and a request served from the cache calls
    `on_hit(facts)`. The facts are those of a render for the same user, URL, data and minute,
    so they are what rendering now would give."""
    key = page_key(request)
    if key is None:
        return render()
    cache = caches[CACHE_ALIAS]
    stored = cache.get(key)
    if stored is not None:
        if on_hit is not None:
            on_hit(stored["facts"])
        return _with_token(request, _thaw(stored))
    request._rendering_for_page_cache = True
    try:
        response = render()
    finally:
        request._rendering_for_page_cache = False
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.render()
    if _storable(request, response):
        cache.set(key, _freeze(response), TIMEOUT_SECONDS)
    return _with_token(request, response)


def cached_page(view):
    """View decorator: serve(request, the view)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return serve(request, lambda: view(request, *args, **kwargs))

    return wrapper


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not len(messages.get_messages(request))
    )


def _freeze(response: HttpResponse) -> dict:
    return {
        "content": response.content,
        "headers": dict(response.headers),
        "attributes": {name: getattr(response, name) for name in _CSP_ATTRIBUTES if hasattr(response, name)},
        "facts": getattr(response, "page_cache_facts", {}),
    }


def _thaw(stored: dict) -> HttpResponse:
    response = HttpResponse(stored["content"], headers=stored["headers"])
    for name, value in stored["attributes"].items():
        setattr(response, name, value)
    return response


def _with_token(request, response: HttpResponse) -> HttpResponse:
    if not response.streaming:
        placeholder = csrf_placeholder().encode()
        if placeholder in response.content:
            response.content = response.content.replace(placeholder, get_token(request).encode())
    return response
