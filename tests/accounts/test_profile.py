import pytest
from django.urls import reverse
from django.utils.html import escape

from echo_hub.accounts.models import Profession

pytestmark = pytest.mark.django_db

BIDI_NAME = "Nadia \u202eretneserP"
REFUSED = (
    "This text holds an invisible formatting character (U+202E RIGHT-TO-LEFT OVERRIDE), which can "
    "reverse or hide letters where it is shown or printed. Retype it without it."
)


def _profile(**overrides) -> dict:
    return {
        "full_name": "Nadia Presenter",
        "profession": Profession.NURSE_PRACTITIONER,
        "credentials": "NP",
        "organization": "Sioux Lookout Clinic",
        "community_type": "remote",
        "time_zone": "America/Winnipeg",
        "language": "en-ca",
    } | overrides


def test_profile_with_a_bidi_override_in_the_name_is_refused_and_keeps_the_input(client, presenter):
    client.force_login(presenter)

    response = client.post(reverse("accounts:profile"), _profile(full_name=BIDI_NAME))

    presenter.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {"full_name": [REFUSED]}
    assert f'value="{escape(BIDI_NAME)}"' in response.content.decode()
    assert presenter.full_name == "Nadia Presenter"


def test_profile_with_a_zero_width_space_in_the_credentials_is_refused(client, presenter):
    client.force_login(presenter)

    response = client.post(reverse("accounts:profile"), _profile(credentials="MD,\u200bCCFP"))

    assert response.context["form"].errors == {
        "credentials": [
            "This text holds an invisible formatting character (U+200B ZERO WIDTH SPACE), which can "
            "reverse or hide letters where it is shown or printed. Retype it without it."
        ]
    }


def test_profile_stores_the_name_composed(client, presenter):
    client.force_login(presenter)

    response = client.post(
        reverse("accounts:profile"), _profile(full_name="He\u0301le\u0300ne  Co\u0302te\u0301")
    )

    presenter.refresh_from_db()
    assert (response.status_code, response.url) == (302, reverse("accounts:profile"))
    assert presenter.full_name == "Hélène Côté"
