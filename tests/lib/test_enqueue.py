import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction

from echo_hub.lib.enqueue import enqueue_each, enqueue_each_on_commit, enqueue_on_commit
from tests.factories import NotificationFactory
from tests.notifications.conftest import DEAD_BROKER, broker_at

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.django_db
def test_enqueue_on_commit_runs_the_task_once_the_transaction_commits(django_capture_on_commit_callbacks):
    notification = NotificationFactory(email="dr.lee@example.org")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit("notifications.send", notification_id=notification.pk)
        before_commit = list(mail.outbox)

    assert (before_commit, len(callbacks)) == ([], 1)
    assert [m.to for m in mail.outbox] == [["dr.lee@example.org"]]


@pytest.mark.django_db
def test_enqueue_on_commit_in_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    notification = NotificationFactory(email="dr.lee@example.org")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_each_on_commit("notifications.send", [{"notification_id": notification.pk}])
        raise RuntimeError("the save failed")

    assert (callbacks, mail.outbox) == ([], [])


def test_enqueue_of_an_unknown_task_name_raises_at_once():
    with pytest.raises(LookupError) as error:
        enqueue_on_commit("notifications.sned", notification_id=1)

    assert str(error.value) == "No Celery task is registered as 'notifications.sned'."


def test_enqueue_each_with_the_broker_down_stops_at_the_first_and_logs_it(caplog):
    with (
        broker_at(DEAD_BROKER),
        caplog.at_level(logging.WARNING, logger="echo_hub.lib.enqueue"),
    ):
        handed_over = enqueue_each("notifications.send", [{"notification_id": 7}, {"notification_id": 8}])

    assert handed_over == 0
    assert [r.getMessage() for r in caplog.records if r.name == "echo_hub.lib.enqueue"] == [
        "Could not enqueue notifications.send {'notification_id': 7} (OperationalError);"
        " the sweep will hand it over again."
    ]


def test_enqueue_in_a_process_that_never_imported_the_tasks_finds_them():
    # A web process imports no tasks module; the first enqueue must find the task all the same.
    script = (
        "import django; django.setup()\n"
        "from celery import current_app\n"
        "from echo_hub.lib.enqueue import _task\n"
        "print('cases.render_letter' in current_app.tasks, _task('cases.render_letter').name)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "echo_hub.settings_test"}

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.splitlines()[-1] == "False cases.render_letter"
