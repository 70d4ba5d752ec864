"""Every page the project serves, as every role sees it, carries the security headers:
a strict Content Security Policy, nosniff, a referrer policy, no framing, COOP, a permissions
policy turning off every powerful feature, HSTS over https, and, signed in, no caching. The
pages come from the permission matrix, so a new view is covered too."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from echo_hub.lib.csp import allow_form_redirects, url_origin
from echo_hub.lib.middleware import PrivateCacheMiddleware
from tests.factories import CaseFactory, SessionFactory
from tests.sessions.test_permissions import (
    CASE_METHODS,
    CASE_STATES,
    MATRIX,
    MEMBERS,
    ROLES,
    World,
    _url,
    build_world,
)

VIDEO_ORIGIN = "https://video.example.org"
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
HSTS = "max-age=31536000; includeSubDomains; preload"
# Nothing in the app films, listens, locates, pays, or talks to devices: every powerful feature
# is off, for the page and anything it could frame.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), clipboard-read=(), "
    "compute-pressure=(), display-capture=(), encrypted-media=(), fullscreen=(), gamepad=(), "
    "geolocation=(), gyroscope=(), hid=(), identity-credentials-get=(), idle-detection=(), "
    "local-fonts=(), magnetometer=(), microphone=(), midi=(), otp-credentials=(), payment=(), "
    "picture-in-picture=(), publickey-credentials-create=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), serial=(), speaker-selection=(), storage-access=(), usb=(), "
    "window-management=(), xr-spatial-tracking=()"
)
PRIVATE = "private, no-store"
# Pages outside the matrix: allauth's, the admin's, and the 404 page.
EXTRA_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/admin/login/",
    "/admin/",
    "/no/such/page/",
]


@pytest.fixture
def world(db) -> World:
    return build_world()


def parse_policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        assert name not in directives, f"{name} appears twice"
        directives[name] = values
    return directives


def _get_pages(w) -> list[str]:
    pages = [_url(name, w) for name, (methods, *_) in MATRIX.items() if "GET" in methods]
    pages += [
        reverse(name, kwargs={"pk": w.cases[state].pk})
        for name, methods in CASE_METHODS.items()
        if "GET" in methods
        for state in CASE_STATES
    ]
    return pages + EXTRA_PAGES


def _expected_policy(url: str, role: str) -> dict[str, list[str]]:
    # The dashboard of a member shows the live session's Join button, which redirects there.
    if url == reverse("home") and role in MEMBERS:
        return POLICY | {"form-action": ["'self'", VIDEO_ORIGIN]}
    return POLICY


def assert_security_headers(response, *, secure: bool) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    if secure:
        assert response["Strict-Transport-Security"] == HSTS
    else:
        assert "Strict-Transport-Security" not in response


@pytest.mark.parametrize("role", ROLES)
def test_every_page_carries_the_security_headers_for_every_role(client, world, role):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    checked = 0

    for url in _get_pages(world):
        response = client.get(url, secure=True)

        assert response.status_code < 500, url
        assert_security_headers(response, secure=True)
        assert parse_policy(response["Content-Security-Policy"]) == _expected_policy(url, role), url
        if user is not None:
            # readyz is never_cache: its longer header says no-store too.
            assert {"private", "no-store"} <= set(response["Cache-Control"].split(", ")), url
        if response.has_header("Content-Disposition"):
            # Any file the page sends is private: tests/test_private_files.py lists them.
            assert response["Cache-Control"] == "private, no-store", url
            # The calendar feed is read by calendar apps, which want it inline.
            assert response["Content-Disposition"].startswith("attachment;") or url.startswith("/calendar/")
        checked += 1

    assert checked > 90


def test_policy_has_no_unsafe_source_anywhere(client, db):
    policy = client.get(reverse("home"))["Content-Security-Policy"]

    assert "unsafe" not in policy
    assert "*" not in policy
    assert "http:" not in policy and "https:" not in policy


def test_plain_http_response_has_no_hsts_but_every_other_header(client, db):
    response = client.get(reverse("home"))

    assert_security_headers(response, secure=False)
    assert parse_policy(response["Content-Security-Policy"]) == POLICY


def test_session_page_allows_only_its_own_join_origin_while_join_is_open(client, program, participant):
    live = SessionFactory(
        program=program,
        starts_at=timezone.now() + timedelta(minutes=5),
        join_url="https://zoom.example.com:8443/j/123?pwd=secret",
    )
    later = SessionFactory(program=program, join_url="https://zoom.example.com/j/456")
    client.force_login(participant)

    live_policy = parse_policy(client.get(live.get_absolute_url())["Content-Security-Policy"])
    later_policy = parse_policy(client.get(later.get_absolute_url())["Content-Security-Policy"])

    assert live_policy["form-action"] == ["'self'", "https://zoom.example.com:8443"]
    assert later_policy == POLICY


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://zoom.us/j/1?pwd=x", "https://zoom.us"),
        ("http://video.example.org:8080/a", "http://video.example.org:8080"),
        ("https://user:pass@meet.example.org/x", "https://meet.example.org"),
        ("javascript:alert(1)", None),
        ("data:text/html,hi", None),
        ("", None),
        ("/relative/path", None),
    ],
)
def test_url_origin_keeps_scheme_host_and_port_of_web_urls_only(url, origin):
    assert url_origin(url) == origin


def test_allow_form_redirects_with_no_web_url_leaves_the_policy_alone():
    from django.http import HttpResponse

    response = allow_form_redirects(HttpResponse(), ["", "javascript:alert(1)"])

    assert not hasattr(response, "_csp_update")


@pytest.mark.django_db
def test_base_layout_turns_off_htmx_inline_indicator_style(client):
    html = client.get(reverse("account_login")).content.decode()
    css = (settings.BASE_DIR / "static" / "css" / "echo.css").read_text()

    assert (
        """<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}'>""" in html
    )
    assert ".htmx-indicator { opacity: 0; visibility: hidden; }" in css


@pytest.mark.django_db
def test_cookies_over_https_use_host_prefixed_secure_names(client, outsider):
    login_page = client.get(reverse("account_login"), secure=True)
    csrf = login_page.cookies["__Host-csrftoken"]
    response = client.post(
        reverse("account_login"),
        {"login": outsider.email, "password": "correct-horse-battery", "csrfmiddlewaretoken": csrf.value},
        secure=True,
    )

    session = response.cookies["__Host-sessionid"]
    assert (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME) == (
        "__Host-sessionid",
        "__Host-csrftoken",
    )
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert cookie["domain"] == ""
    assert session["httponly"] is True
    assert csrf["httponly"] is True


@override_settings(DEBUG=True)
def test_csp_is_sent_in_debug_too(client, db):
    assert parse_policy(client.get(reverse("home"))["Content-Security-Policy"]) == POLICY


def test_static_files_carry_the_permissions_policy_and_keep_their_caching(settings, db):
    settings.WHITENOISE_USE_FINDERS = True  # a new client builds the middleware with it
    client = Client()

    response = client.get("/static/css/echo.css")

    assert response.status_code == 200
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response["Cache-Control"] == "max-age=60, public"


def test_signed_in_case_page_is_never_cached(client, presenter):
    case = CaseFactory(presenter=presenter, program=presenter.enrollments.get().program)
    client.force_login(presenter)

    response = client.get(case.get_absolute_url())

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_signed_in_redirects_and_errors_are_never_cached(client, participant):
    client.force_login(participant)

    responses = [
        client.get(reverse("cases:detail", kwargs={"pk": 999_999})),
        client.post(reverse("accounts:calendar_regenerate")),
    ]

    assert [(r.status_code, r["Cache-Control"]) for r in responses] == [(404, PRIVATE), (302, PRIVATE)]


def test_anonymous_page_without_a_session_keeps_its_caching(db):
    response = Client().get(reverse("home"))

    assert response.status_code == 200
    assert response.cookies == {}
    assert "Cache-Control" not in response


def test_anonymous_response_that_sets_a_cookie_is_never_cached(rf):
    def page_that_sets_a_cookie(request):
        response = HttpResponse("hello")
        response["Cache-Control"] = "max-age=600"
        response.set_cookie("visitor", "a")
        return response

    request = rf.get("/")
    request.user = AnonymousUser()
    request.COOKIES = {}

    response = PrivateCacheMiddleware(page_that_sets_a_cookie)(request)

    assert response["Cache-Control"] == PRIVATE


def test_signing_out_is_never_cached_nor_the_page_after_it(client, participant):
    client.force_login(participant)

    signed_out = client.post(reverse("account_logout"))
    home = client.get(reverse("home"))

    assert signed_out["Cache-Control"] == PRIVATE
    assert "Vary" in home and "Cookie" in home["Vary"]
    assert home["Cache-Control"] == PRIVATE
