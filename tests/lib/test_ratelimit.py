"""The verification page, Join and the evaluation endpoints are rate-limited per client IP
and per signed-in user: request N+1 within the window gets a clear 429 with Retry-After,
while other addresses and users carry on."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from sessions.models import SessionJoin
from tests.factories import CertificateFactory, SessionFactory
from tests.snapshot import changes_since, snapshot

LIMITS = {"verify": "3/5m", "join": "2/1m", "evaluate": "2/1h"}
ALICE, BOB = "198.51.100.7", "203.0.113.9"

pytestmark = pytest.mark.usefixtures("_small_limits")


@pytest.fixture
def _small_limits(settings):
    settings.RATE_LIMITS = LIMITS


@pytest.fixture(autouse=True)
def _still_clock(time_machine):
    """The clock stands still in every test here: django-ratelimit counts in windows of fixed
    length that start on the clock, and a test whose requests straddled a window's end saw its
    count start again (a join test, with its one-minute window, failed so once in CI)."""
    time_machine.move_to(timezone.now(), tick=False)


@pytest.fixture
def frozen_clock(time_machine):
    """The still clock at a fixed moment, for the tests that move it on (django-ratelimit's
    windows follow time.time())."""
    time_machine.move_to(datetime(2026, 3, 2, 17, 0, 5, tzinfo=UTC), tick=False)
    return time_machine


def _assert_limited(response, retry_after: int | None = None) -> None:
    assert response.status_code == 429
    assert '<h1 class="h3">Too many requests</h1>' in response.content.decode()
    assert "Please wait" in response.content.decode()
    if retry_after is not None:
        assert response["Retry-After"] == str(retry_after)
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_verify_the_fourth_lookup_from_one_address_is_refused_and_others_are_not(client, frozen_clock):
    code = CertificateFactory().code
    url = reverse("cpd:verify", args=[code])

    ok = [client.get(url, REMOTE_ADDR=ALICE).status_code for _ in range(3)]
    refused = client.get(url, REMOTE_ADDR=ALICE)
    other = client.get(url, REMOTE_ADDR=BOB)

    assert ok == [200, 200, 200]
    _assert_limited(refused)
    assert 0 < int(refused["Retry-After"]) <= 300
    assert other.status_code == 200


@pytest.mark.django_db
def test_verify_unknown_codes_count_too_so_codes_cannot_be_guessed(client):
    urls = [reverse("cpd:verify", args=[f"guess-{n}"]) for n in range(4)]

    statuses = [client.get(url, REMOTE_ADDR=ALICE).status_code for url in urls]
    # The lookup form only redirects to the verification page, which counts the attempt.
    lookup = client.get(reverse("cpd:verify_lookup"), {"code": "guess-5"}, REMOTE_ADDR=ALICE, follow=True)

    assert statuses == [404, 404, 404, 429]
    _assert_limited(lookup)


@pytest.mark.django_db
def test_verify_counts_again_when_the_window_has_passed(client, frozen_clock):
    url = reverse("cpd:verify", args=["guess"])
    for _ in range(3):
        client.get(url, REMOTE_ADDR=ALICE)

    limited = client.get(url, REMOTE_ADDR=ALICE)
    frozen_clock.shift(int(limited["Retry-After"]))
    after = client.get(url, REMOTE_ADDR=ALICE).status_code

    assert (limited.status_code, after) == (429, 404)


def _join(client, session, ip):
    return client.post(reverse("sessions:join", args=[session.program.slug, session.pk]), REMOTE_ADDR=ip)


@pytest.fixture
def live_session(program):
    return SessionFactory(program=program, starts_at=timezone.now() + timedelta(minutes=5))


def test_join_third_post_by_one_user_is_refused_from_any_address(client, participant, live_session):
    client.force_login(participant)

    first = _join(client, live_session, ALICE)
    second = _join(client, live_session, ALICE)
    third = _join(client, live_session, BOB)

    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == live_session.join_url
    _assert_limited(third)
    assert SessionJoin.objects.filter(user=participant).count() == 1


def test_join_limit_of_one_address_leaves_another_user_elsewhere_alone(
    client, participant, expert, live_session
):
    client.force_login(participant)
    [_join(client, live_session, ALICE) for _ in range(2)]
    refused = _join(client, live_session, ALICE)
    client.force_login(expert)

    same_ip = _join(client, live_session, ALICE)
    other_ip = _join(client, live_session, BOB)

    _assert_limited(refused)
    assert same_ip.status_code == 429  # the address is over its limit, whoever uses it
    assert other_ip.status_code == 302


def test_evaluate_posts_over_the_limit_are_refused_and_write_nothing(client, participant, past_session):
    client.force_login(participant)
    url = reverse("cpd:evaluate", args=[past_session.program.slug, past_session.pk])

    before = snapshot()

    first = client.get(url, REMOTE_ADDR=ALICE)
    second = client.post(url, {}, REMOTE_ADDR=ALICE)
    third = client.post(url, {}, REMOTE_ADDR=ALICE)

    assert (first.status_code, second.status_code) == (200, 200)
    _assert_limited(third)
    assert changes_since(before) == {}


def test_certificate_claim_shares_the_evaluation_limit(client, participant, past_session):
    client.force_login(participant)
    url = reverse("cpd:claim", args=[past_session.program.slug, past_session.pk])

    statuses = [client.post(url, REMOTE_ADDR=ALICE).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]


def test_wrong_method_is_refused_before_it_is_counted(client, participant, live_session):
    client.force_login(participant)
    url = reverse("sessions:join", args=[live_session.program.slug, live_session.pk])

    wrong = [client.get(url, REMOTE_ADDR=ALICE).status_code for _ in range(5)]
    right = _join(client, live_session, ALICE)

    assert wrong == [405] * 5
    assert right.status_code == 302


@pytest.mark.django_db
@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_client_address_is_counted(client):
    url = reverse("cpd:verify", args=["guess"])
    proxy = "10.0.0.2"

    alice = [client.get(url, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ALICE).status_code for _ in range(4)]
    bob = client.get(url, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=BOB).status_code

    assert alice == [404, 404, 404, 429]
    assert bob == 404


@pytest.mark.django_db
def test_ipv6_clients_are_counted_by_their_64_network(client):
    url = reverse("cpd:verify", args=["guess"])

    statuses = [client.get(url, REMOTE_ADDR=f"2001:db8:1:2::{n:x}").status_code for n in range(1, 5)]
    neighbour = client.get(url, REMOTE_ADDR="2001:db8:1:3::1").status_code

    assert statuses == [404, 404, 404, 429]
    assert neighbour == 404
