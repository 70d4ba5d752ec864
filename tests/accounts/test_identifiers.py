"""Learner identifiers on the profile: optional, explained, checked."""

import pytest
from django.urls import reverse

from echo_hub.accounts.forms import ProfileForm
from echo_hub.accounts.models import npi_check_digit_ok

pytestmark = pytest.mark.django_db

PROFILE = {
    "full_name": "Marie Tremblay",
    "profession": "family_physician",
    "credentials": "MD, CCFP",
    "organization": "Manitoulin FHT",
    "community_type": "rural",
    "time_zone": "America/Toronto",
    "language": "en-ca",
}


@pytest.mark.parametrize(
    ("npi", "valid"), [("1234567893", True), ("1234567890", False), ("1245319599", True)]
)
def test_npi_check_digit_follows_the_luhn_rule_over_80840(npi, valid):
    assert npi_check_digit_ok(npi) is valid


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"npi": "1234567890"},
            {
                "npi": [
                    "This is not a valid NPI: its last digit does not match. Check it on your NPPES record."
                ]
            },
        ),
        ({"npi": "12345"}, {"npi": ["An NPI has exactly 10 digits."]}),
        ({"cfpc_number": "12-34"}, {"cfpc_number": ["Use digits only, without spaces or dashes."]}),
        ({"birth_month": "2", "birth_day": "30"}, {"birth_day": ["That month has 29 days."]}),
        ({"birth_month": "4"}, {"birth_day": ["Give both the month and the day of your birth, or neither."]}),
    ],
)
def test_profile_form_explains_a_wrong_identifier(participant, fields, errors):
    form = ProfileForm({**PROFILE, **fields}, instance=participant)

    assert form.errors == errors


def test_profile_saves_identifiers_without_spaces(client, participant):
    client.force_login(participant)

    response = client.post(
        reverse("accounts:profile"),
        {
            **PROFILE,
            "licensing_body": "CPSO",
            "licence_number": "11 22 33",
            "cfpc_number": "123 4567",
            "npi": "1234567893",
            "birth_month": "2",
            "birth_day": "29",
            "nabp_eprofile_id": "",
        },
    )

    participant.refresh_from_db()
    assert response.status_code == 302
    assert (
        participant.licensing_body,
        participant.licence_number,
        participant.cfpc_number,
        participant.npi,
        participant.birth_month,
        participant.birth_day,
    ) == ("CPSO", "112233", "1234567", "1234567893", 2, 29)


def test_profile_page_explains_the_identifiers_are_optional(client, participant):
    client.force_login(participant)

    body = client.get(reverse("accounts:profile")).content.decode()

    assert "Identifiers for accreditation bodies" in body
    assert "your College of Family Physicians of Canada ID, for Mainpro+ credits." in body
    assert "never shows them on certificates" in body
