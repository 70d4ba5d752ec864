import pytest
from django.test import Client

from echo_hub.audit.models import AuditEvent

IP = "203.0.113.9"
AGENT = "AuditTest/1.0 (X11; Linux)"


@pytest.fixture
def audited_client(db):
    """A browser at a known address; its logins are left out of the events tests look at."""
    return Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)


def events(action: str | None = None) -> list[AuditEvent]:
    queryset = AuditEvent.objects.order_by("pk")
    return list(queryset.filter(action=action) if action else queryset.exclude(action="logged_in"))


def facts(event: AuditEvent) -> tuple:
    return (event.action, event.actor_id, event.object_type, event.object_id, event.program_id, event.ip)
