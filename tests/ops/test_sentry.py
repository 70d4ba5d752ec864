import io
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
import sentry_sdk
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from cases.models import Case
from echo_hub.lib.observability import init_sentry, scrub_event
from tests.factories import CaseFactory, UserFactory

CONCERN = "Zyxquorrel-7 flare after the Tuesday taper, pain 9/10"


@csrf_exempt
def crash(request, pk):
    case = Case.objects.get(pk=pk)
    concern = case.main_concern
    posted = request.POST["main_concern"]
    if concern == posted:
        raise RuntimeError("Rendering the recommendation letter failed.")
    return HttpResponse("unreachable")


urlpatterns = [path("cases/<int:pk>/crash/", crash)]


class CapturingTransport(Transport):
    """Keeps every envelope in memory: no network."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)


@pytest.fixture
def sentry_transport():
    transport = CapturingTransport()
    init_sentry(dsn="https://public@errors.example.invalid/1", environment="test", transport=transport)
    yield transport
    sentry_sdk.init(dsn=None)


def _post_through_wsgi(path: str, data: dict, **headers: str) -> str:
    """The request as gunicorn hands it over: through Django's WSGI handler, which Sentry wraps."""
    body = urlencode(data).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "token=query-secret-5521",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_HOST": "testserver",
        **headers,
    }
    setup_testing_defaults(environ)
    statuses = []
    result = get_wsgi_application()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(result)
    result.close()
    return statuses[0]


# transaction=True: the WSGI handler closes the database connection around each request.
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls(__name__)
def test_error_report_carries_no_case_text(client, sentry_transport):
    case = CaseFactory(main_concern=CONCERN)
    user = UserFactory(email="reporting.clinician@example.org")
    client.force_login(user)
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value

    status = _post_through_wsgi(
        f"/cases/{case.pk}/crash/",
        {"main_concern": CONCERN},
        HTTP_X_REQUEST_ID="crash-1",
        HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session_id}; extra=cookie-secret-9930",
    )

    [envelope] = sentry_transport.envelopes
    event = envelope.get_event()
    sent = envelope.serialize().decode()
    assert status == "500 Internal Server Error"
    assert "Zyxquorrel" not in sent
    assert "reporting.clinician" not in sent
    assert "query-secret-5521" not in sent
    assert "cookie-secret-9930" not in sent
    assert session_id not in sent
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == "crash-1"
    assert event["request"]["url"] == f"http://testserver/cases/{case.pk}/crash/"
    assert "user" not in event


def test_scrub_event_removes_what_a_misconfigured_client_would_send():
    event = {
        "request": {
            "url": "https://echo.example.org/calendar/abc123secret.ics?x=1",
            "data": {"main_concern": CONCERN},
            "cookies": {"sessionid": "s3ss10n"},
            "query_string": "x=1",
            "headers": {"Cookie": "sessionid=s3ss10n", "Authorization": "Bearer t0k3n", "User-Agent": "ua"},
        },
        "user": {"id": "7", "email": "someone@example.org", "ip_address": "10.0.0.1"},
        "exception": {"values": [{"stacktrace": {"frames": [{"function": "f", "vars": {"c": CONCERN}}]}}]},
        "breadcrumbs": {"values": [{"message": "Not Found: /verify/c0de/"}]},
    }

    scrubbed = scrub_event(event)

    assert scrubbed["request"] == {
        "url": "https://echo.example.org/calendar/….ics",
        "headers": {"User-Agent": "ua"},
    }
    assert scrubbed["user"] == {"id": "7"}
    assert scrubbed["exception"]["values"][0]["stacktrace"]["frames"] == [{"function": "f"}]
    assert scrubbed["breadcrumbs"]["values"] == [{"message": "Not Found: /verify/…/"}]
