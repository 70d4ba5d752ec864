"""The hub's contact for the letterhead of recommendation letters, kept with the accreditation
settings beside the hub's name and logo."""

import pytest
from django.urls import reverse

from cpd import services
from echo_hub.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_accreditation_page_saves_the_letterhead_contact(client, program, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("cpd:accreditation", args=[program.slug]),
        {
            "hub_name": "ECHO Ontario",
            "contact_address": " 200 Elizabeth St, Toronto ON ",
            "contact_phone": "416-555-0199",
            "contact_email": "echo@example.org",
            "website": "echo.example.org",
        },
    )

    assert response.status_code == 302
    saved = services.accreditation_of(program)
    assert (saved.contact_address, saved.contact_phone, saved.contact_email, saved.website) == (
        "200 Elizabeth St, Toronto ON",
        "416-555-0199",
        "echo@example.org",
        "https://echo.example.org",
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREDIT_RULE_CHANGED)
    assert event.extra["fields"] == "hub_name,contact_address,contact_phone,contact_email,website"


def test_accreditation_page_refuses_a_bad_contact_email_and_keeps_the_input(client, program, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("cpd:accreditation", args=[program.slug]),
        {"hub_name": "ECHO Ontario", "contact_email": "echo at example", "contact_phone": "416-555-0199"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in body
    assert 'value="416-555-0199"' in body
    assert services.accreditation_of(program).contact_phone == ""
