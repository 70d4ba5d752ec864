from collections.abc import Iterator
from contextlib import contextmanager

import icalendar
import kombu.pools
import pytest
from celery.app import autoretry
from django.core.mail import EmailMessage
from django.test import override_settings

from echo_hub.celery import app as celery_app
from tests.factories import EnrollmentFactory, UserFactory


def ics_event(message: EmailMessage) -> icalendar.Event:
    """The one VEVENT of the message's .ics attachment."""
    (attachment,) = [a for a in message.attachments if a[2] == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(attachment[1])
    (event,) = calendar.walk("VEVENT")
    return event


def by_recipient(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    found = {message.to[0]: message for message in messages}
    assert len(found) == len(messages), [m.to for m in messages]
    return found


@contextmanager
def celery_configured(**conf) -> Iterator[None]:
    """Point the Celery app at another broker or out of eager mode, and back afterwards.

    The app's own changes outrank Django's settings, and its connection and producer pools
    keep the broker they first met, so both are set here and dropped on the way out."""
    changes = celery_app.conf.changes
    saved = {key: changes[key] for key in conf if key in changes}

    def _drop_pools() -> None:
        # A force-closed kombu pool stays registered and refuses later use: clear the registry.
        kombu.pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    _drop_pools()
    celery_app.conf.update(conf)
    try:
        yield
    finally:
        _drop_pools()
        for key in conf:
            changes.pop(key, None)
        changes.update(saved)


# Nothing listens on port 1: the connection is refused at once, as when Redis is down.
DEAD_BROKER = "redis://127.0.0.1:1/0"


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Out of eager mode: tasks are published to the broker at `url`."""
    with (
        override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=url),
        celery_configured(task_always_eager=False, broker_url=url),
    ):
        yield


@pytest.fixture
def vancouver_member(program):
    user = UserFactory(email="np.west@example.org", full_name="Nadia West", time_zone="America/Vancouver")
    return EnrollmentFactory(program=program, user=user).user


@pytest.fixture
def backoffs(monkeypatch) -> list[float]:
    """The countdowns the task's backoff asks for (30 s, 60 s, …), recorded while each retry
    runs after 1 s so that the test does not sit out minutes."""
    asked = []
    exponential = autoretry.get_exponential_backoff_interval

    def recorded(factor, retries, maximum, full_jitter=False):
        asked.append(exponential(factor, retries, maximum, full_jitter=False))
        return 1

    monkeypatch.setattr(autoretry, "get_exponential_backoff_interval", recorded)
    return asked
