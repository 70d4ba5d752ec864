from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session as DjangoSession
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from echo_hub.accounts import services
from echo_hub.lib.client import describe_user_agent
from tests.settings_env import settings_from
from tests.test_settings import _env

PASSWORD = "correct-horse-battery"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


class Clock:
    """Moves the real clock (Django's, the database session's, allauth's) forward without
    sleeping."""

    def __init__(self, time_machine):
        self.moment = timezone.now().replace(microsecond=0)
        self._traveller = time_machine
        self._traveller.move_to(self.moment, tick=False)

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)
        self._traveller.move_to(self.moment, tick=False)


@pytest.fixture
def clock(time_machine):
    return Clock(time_machine)


def device(user, user_agent: str, ip: str) -> Client:
    """A browser that signs in through the login form."""
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    browser = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    response = browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert browser.get(response["Location"]).status_code == 200
    return browser


def signed_in(browser: Client) -> bool:
    return browser.get(reverse("home")).wsgi_request.user.is_authenticated


def test_sign_in_records_the_device_ip_and_time(participant, clock):
    device(participant, FIREFOX, "203.0.113.7")

    row = UserSession.objects.get(user=participant)
    assert (describe_user_agent(row.user_agent), row.ip, row.created_at) == (
        "Firefox on Windows",
        "203.0.113.7",
        clock.moment,
    )
    assert DjangoSession.objects.filter(session_key=row.session_key).exists()


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (FIREFOX, "Firefox on Windows"),
        (IPHONE, "Safari on iPhone"),
        ("", "Unknown device"),
        ("curl/8", "Unknown device"),
    ],
)
def test_device_names_read_from_user_agent(agent, expected):
    assert describe_user_agent(agent) == expected


def test_session_ends_after_30_idle_minutes(participant, clock):
    browser = device(participant, FIREFOX, "203.0.113.7")
    key = UserSession.objects.get(user=participant).session_key
    clock.advance(minutes=30)
    assert signed_in(browser) is True

    clock.advance(minutes=30, seconds=1)
    response = browser.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert DjangoSession.objects.filter(session_key=key).exists() is False
    login_page = browser.get(response["Location"])
    assert "signed out after 30 minutes without activity" in login_page.content.decode()


def test_activity_keeps_the_session_alive_and_moves_its_expiry(participant, clock):
    browser = device(participant, FIREFOX, "203.0.113.7")
    for _ in range(4):
        clock.advance(minutes=25)
        assert signed_in(browser) is True

    stored = DjangoSession.objects.get(session_key=browser.session.session_key)
    assert stored.expire_date == clock.moment + timedelta(minutes=31)


def test_a_browser_that_never_comes_back_drops_off_the_device_list(participant, clock):
    laptop = device(participant, FIREFOX, "203.0.113.7")
    device(participant, IPHONE, "198.51.100.9")
    clock.advance(minutes=20)
    assert signed_in(laptop) is True

    clock.advance(minutes=20)
    body = laptop.get(reverse("accounts:security")).content.decode()

    assert "Safari on iPhone" not in body
    assert list(UserSession.objects.filter(user=participant).values_list("ip", flat=True)) == ["203.0.113.7"]


def test_session_ends_at_the_absolute_limit_even_when_active(participant, clock, settings):
    settings.SESSION_MAX_AGE_HOURS = 1
    browser = device(participant, FIREFOX, "203.0.113.7")
    key = browser.session.session_key
    clock.advance(minutes=25)
    assert signed_in(browser) is True
    clock.advance(minutes=25)
    assert signed_in(browser) is True

    clock.advance(minutes=11)

    assert signed_in(browser) is False
    assert DjangoSession.objects.filter(session_key=key).exists() is False


def test_session_idle_limit_follows_the_setting(participant, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    browser = device(participant, FIREFOX, "203.0.113.7")

    clock.advance(minutes=5, seconds=1)

    assert signed_in(browser) is False


def _statements(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def test_activity_is_written_at_most_once_a_minute(client, participant, clock):
    client.force_login(participant)
    client.get(reverse("accounts:profile"))
    with CaptureQueriesContext(connection) as quiet:
        client.get(reverse("accounts:profile"))
    clock.advance(minutes=2)

    with CaptureQueriesContext(connection) as touched:
        client.get(reverse("accounts:profile"))

    writes = [q for q in _statements(touched) if q.startswith("UPDATE")]
    assert len(writes) == 1 and "django_session" in writes[0]
    assert not [q for q in _statements(quiet) if q.startswith(("UPDATE", "INSERT"))]
    # One more statement: saving the session with its new activity time and expiry.
    assert len(_statements(touched)) == len(_statements(quiet)) + 1


def test_security_page_lists_other_sessions(participant, clock):
    laptop = device(participant, FIREFOX, "203.0.113.7")
    device(participant, IPHONE, "198.51.100.9")

    body = laptop.get(reverse("accounts:security")).content.decode()

    assert 'Firefox on Windows <span class="badge text-bg-light">This device</span>' in body
    assert '<td data-label="Device">Safari on iPhone</td>' in body
    assert '<td data-label="IP address">198.51.100.9</td>' in body
    assert "Sign out this device" in body


def test_ending_one_session_signs_that_device_out(participant, clock):
    laptop = device(participant, FIREFOX, "203.0.113.7")
    phone = device(participant, IPHONE, "198.51.100.9")
    tablet = device(participant, IPHONE.replace("iPhone;", "iPad;"), "198.51.100.10")
    phone_row = UserSession.objects.get(ip="198.51.100.9")

    response = laptop.post(reverse("accounts:session_end"), {"session": phone_row.pk})

    assert response["Location"] == reverse("accounts:security")
    assert (signed_in(laptop), signed_in(phone), signed_in(tablet)) == (True, False, True)
    assert DjangoSession.objects.filter(session_key=phone_row.session_key).exists() is False


def test_ending_all_other_sessions_keeps_this_one(participant, clock):
    laptop = device(participant, FIREFOX, "203.0.113.7")
    others = [device(participant, IPHONE, f"198.51.100.{n}") for n in range(3)]

    laptop.post(reverse("accounts:sessions_end_others"))

    assert signed_in(laptop) is True
    assert [signed_in(b) for b in others] == [False, False, False]
    assert UserSession.objects.filter(user=participant).count() == 1
    assert DjangoSession.objects.count() == 1


def test_another_users_session_cannot_be_ended(participant, outsider, clock):
    mine = device(participant, FIREFOX, "203.0.113.7")
    theirs = device(outsider, IPHONE, "198.51.100.9")
    their_row = UserSession.objects.get(user=outsider)

    mine.post(reverse("accounts:session_end"), {"session": their_row.pk})
    mine.post(reverse("accounts:sessions_end_others"))

    assert signed_in(theirs) is True
    assert UserSession.objects.filter(pk=their_row.pk).exists()
    assert their_row.ip not in mine.get(reverse("accounts:security")).content.decode()


def test_bad_session_id_changes_nothing(participant, clock):
    laptop = device(participant, FIREFOX, "203.0.113.7")
    phone = device(participant, IPHONE, "198.51.100.9")

    for value in ["", "abc", "999999", "1.5"]:
        assert laptop.post(reverse("accounts:session_end"), {"session": value}).status_code == 302

    assert (signed_in(laptop), signed_in(phone)) == (True, True)


def test_password_change_ends_the_other_sessions_but_not_this_one(participant, clock):
    laptop = device(participant, FIREFOX, "203.0.113.7")
    phone = device(participant, IPHONE, "198.51.100.9")
    new = "a-brand-new-pass-phrase-77"

    response = laptop.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )

    assert response.status_code == 302
    assert (signed_in(laptop), signed_in(phone)) == (True, False)
    listed = services.signed_in_sessions(user=participant)
    assert [row.ip for row in listed] == ["203.0.113.7"]
    # The change rotates this browser's session key: its row follows it.
    assert DjangoSession.objects.filter(session_key=listed[0].session_key).exists()


def test_a_password_reset_signs_every_browser_out(participant, clock):
    laptop = device(participant, FIREFOX, "203.0.113.7")
    participant.set_password("reset-by-email-link-2026")
    participant.save()

    assert signed_in(laptop) is False
    assert services.signed_in_sessions(user=participant) == []


def test_logout_drops_the_browser_from_the_list(participant, clock):
    laptop = device(participant, FIREFOX, "203.0.113.7")
    phone = device(participant, IPHONE, "198.51.100.9")

    laptop.post(reverse("account_logout"))

    assert [row.ip for row in services.signed_in_sessions(user=participant)] == ["198.51.100.9"]
    assert signed_in(phone) is True


def test_session_limits_come_from_the_environment():
    env = _env(DEBUG="true", SESSION_IDLE_TIMEOUT_MINUTES="15", SESSION_MAX_AGE_HOURS="8")

    s = settings_from(env)

    assert (s.SESSION_IDLE_TIMEOUT_MINUTES, s.SESSION_MAX_AGE_HOURS, s.SESSION_COOKIE_AGE) == (15, 8, 28800)


def test_session_limits_below_one_refuse_to_load():
    env = _env(DEBUG="true", SESSION_IDLE_TIMEOUT_MINUTES="0")

    with pytest.raises(ImproperlyConfigured) as refused:
        settings_from(env)

    assert str(refused.value) == "SESSION_IDLE_TIMEOUT_MINUTES and SESSION_MAX_AGE_HOURS must be at least 1."
