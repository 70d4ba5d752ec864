import re

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from echo_hub.celery import app as echo_app
from echo_hub.lib.observability import request_id
from sessions.models import Enrollment
from tests.factories import CertificateFactory, EnrollmentFactory, UserFactory

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.django_db
def test_request_line_has_exact_fields_and_no_query_string(client, participant, log_lines):
    client.force_login(participant)

    response = client.get("/?utm_source=newsletter-7731", HTTP_X_REQUEST_ID="lb-4f2a9c")

    [line] = log_lines.of("echo_hub.request")
    duration = line.pop("duration_ms")
    line.pop("time")
    assert response["X-Request-ID"] == "lb-4f2a9c"
    assert line == {
        "level": "INFO",
        "logger": "echo_hub.request",
        "message": "request",
        "method": "GET",
        "path": "/",
        "status": 200,
        "user_id": participant.pk,
        "request_id": "lb-4f2a9c",
    }
    assert isinstance(duration, float) and duration >= 0
    assert "newsletter-7731" not in log_lines.text


@pytest.mark.django_db
def test_request_id_header_that_is_not_a_plain_token_is_replaced(client, log_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID='abc"}\n{"level": "forged')

    [line] = log_lines.of("echo_hub.request")
    assert HEX_ID.fullmatch(response["X-Request-ID"])
    assert (line["request_id"], line["user_id"], line["status"]) == (response["X-Request-ID"], None, 200)
    assert "forged" not in log_lines.text


@pytest.mark.django_db
def test_calendar_feed_token_never_reaches_the_log(client, participant, log_lines):
    token = participant.calendar_token

    response = client.get(f"/calendar/{token}.ics?download=1")

    [line] = log_lines.of("echo_hub.request")
    assert response.status_code == 200
    assert (line["path"], line["status"]) == ("/calendar/….ics", 200)
    assert token not in log_lines.text


@pytest.mark.django_db
def test_secret_links_that_fail_are_redacted_in_django_warnings_too(client, log_lines):
    certificate = CertificateFactory()

    client.get(f"/calendar/{'t' * 40}-not-a-user.ics")
    client.get(reverse("cpd:verify", args=[certificate.code]))
    client.get("/notifications/unsubscribe/forged-token-8841/")

    paths = [(line["path"], line["status"]) for line in log_lines.of("echo_hub.request")]
    warnings = [line["message"] for line in log_lines.of("django.request")]
    assert paths == [("/calendar/….ics", 404), ("/verify/…/", 200), ("/notifications/unsubscribe/…/", 404)]
    assert warnings == ["Not Found: /calendar/….ics", "Not Found: /notifications/unsubscribe/…/"]
    assert certificate.code not in log_lines.text
    assert "not-a-user" not in log_lines.text
    assert "forged-token-8841" not in log_lines.text


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_during_a_request_logs_the_same_request_id(client, program, coordinator, log_lines):
    enrollment = EnrollmentFactory(
        program=program, user=UserFactory(email="dr.lee@example.org"), status=Enrollment.Status.PENDING
    )
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_enrollment_approve", args=[program.slug, enrollment.pk]),
        HTTP_X_REQUEST_ID="approve-1",
    )

    [task] = log_lines.of("echo_hub.task")
    [request] = log_lines.of("echo_hub.request")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["dr.lee@example.org"]]
    assert (task["task"], task["outcome"], task["request_id"]) == (
        "notifications.send",
        "success",
        "approve-1",
    )
    assert HEX_ID.fullmatch(task["task_id"].replace("-", ""))
    assert isinstance(task["duration_ms"], float)
    assert request["request_id"] == "approve-1"
    assert mail.outbox[0].body not in log_lines.text


def test_task_through_a_real_broker_carries_the_request_id_to_the_worker(log_lines):
    """Not eager: the id travels in the message header to a worker thread, whose context
    starts empty."""
    # No Django fixup: the worker thread must not set Django (and its logging) up again.
    broker_app = Celery("ops-request-id", broker="memory://", backend="cache+memory://", fixups=[])
    broker_app.conf.update(
        task_default_queue="ops-request-id",
        task_always_eager=False,
        broker_transport_options={"polling_interval": 0.05},
    )

    @broker_app.task(name="ops.current_request_id")
    def current_request_id() -> str | None:
        return request_id.get()

    token = request_id.set("publish-77")
    try:
        with start_worker(broker_app, perform_ping_check=False, loglevel="WARNING"):
            result = current_request_id.delay()
            seen = result.get(timeout=10)
    finally:
        request_id.reset(token)
        echo_app.set_current()
        echo_app.set_default()

    [task] = log_lines.of("echo_hub.task")
    assert seen == "publish-77"
    assert (task["task"], task["outcome"], task["request_id"]) == (
        "ops.current_request_id",
        "success",
        "publish-77",
    )


@pytest.mark.django_db
def test_task_outside_a_request_gets_its_own_request_id(log_lines):
    from echo_hub.site.tasks import sweep_due_messages_task

    sweep_due_messages_task.delay()

    [task] = log_lines.of("echo_hub.task")
    assert task["task"] == "echo_hub.sweep_due_messages"
    assert HEX_ID.fullmatch(task["request_id"])
    assert request_id.get() is None
