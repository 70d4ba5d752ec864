import pytest
from django.test import RequestFactory
from django.urls import reverse

from echo_hub.audit.models import AuditEvent
from echo_hub.audit.services import Action, object_label, record
from echo_hub.lib.observability import request_id
from tests.factories import CaseFactory, CertificateFactory, UserFactory

from .conftest import AGENT, IP

pytestmark = pytest.mark.django_db

MARKER = "Zebra-quartz marker phrase"


def test_record_takes_address_agent_path_and_request_id_from_the_request(program):
    user = UserFactory(email="who@example.org")
    request = RequestFactory().get(
        "/calendar/secret-token-123.ics?x=1", REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT + "x" * 300
    )
    token = request_id.set("req-abc")
    try:
        event = record(Action.CASE_VIEWED, actor=user, program=program, request=request)
    finally:
        request_id.reset(token)

    event.refresh_from_db()
    assert (event.actor, event.actor_email, event.program, event.ip) == (user, "who@example.org", program, IP)
    assert event.user_agent == (AGENT + "x" * 300)[:200]
    assert event.path == "/calendar/….ics"
    assert event.request_id == "req-abc"


def test_record_outside_a_request_leaves_the_request_facts_empty():
    event = record(Action.CERTIFICATE_ISSUED)

    event.refresh_from_db()
    assert (event.actor, event.ip, event.user_agent, event.path, event.request_id) == (None, None, "", "", "")


def test_object_label_is_the_type_and_number_never_the_title():
    case = CaseFactory(title=MARKER, main_concern=MARKER)

    event = record(Action.CASE_EDITED, actor=case.presenter, obj=case)

    assert (event.object_type, event.object_id, event.object_label) == (
        "cases.case",
        case.pk,
        f"Case #{case.pk}",
    )
    assert event.program_id == case.program_id
    assert MARKER not in str(AuditEvent.objects.values().get())


def test_certificate_label_shows_only_the_start_of_its_code():
    certificate = CertificateFactory()

    event = record(Action.CERTIFICATE_REVOKED, obj=certificate, program=certificate.session.program_id)

    assert event.object_label == f"Certificate {certificate.code[:8]}…"
    assert certificate.code not in event.object_label


def test_object_label_without_an_object_uses_type_and_id():
    assert object_label("echo_sessions.session", 12) == "Session #12"
    assert object_label("cpd.survey", None) == "Survey"


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"comment": "x" * 61}, ValueError),
        ({"case": {"title": "nested"}}, TypeError),
        ({"texts": ["a", "b"]}, TypeError),
    ],
)
def test_extra_refuses_free_text_and_nested_data(extra, error):
    with pytest.raises(error):
        record(Action.CASE_EDITED, extra=extra)

    assert AuditEvent.objects.count() == 0


def test_events_cannot_be_changed_or_deleted_one_by_one():
    event = record(Action.LOGIN_FAILED, actor_email="someone@example.org")
    event.actor_email = "edited@example.org"

    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()

    assert AuditEvent.objects.get().actor_email == "someone@example.org"


def test_admin_lists_events_but_cannot_add_change_or_delete(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    event = record(Action.LOGIN_FAILED, actor_email="someone@example.org")
    client.force_login(admin)

    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    change = client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"actor_email": "x@y.z"})
    add = client.get(reverse("admin:audit_auditevent_add"))
    delete = client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})

    assert listing.status_code == 200
    assert "someone@example.org" in listing.content.decode()
    assert (change.status_code, add.status_code, delete.status_code) == (403, 403, 403)
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).get().actor_email == "someone@example.org"
