import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from echo_hub.accounts.models import User, validate_time_zone
from tests.factories import UserFactory


@pytest.mark.django_db
def test_create_user_lowercases_the_email():
    user = User.objects.create_user(email="Dr.Lee@Clinic.EXAMPLE", password="a-long-pass-phrase-42")

    user.refresh_from_db()
    assert user.email == "dr.lee@clinic.example"
    assert user.check_password("a-long-pass-phrase-42") is True


@pytest.mark.django_db
def test_create_user_without_email_is_refused():
    with pytest.raises(ValueError) as caught:
        User.objects.create_user(email="")

    assert str(caught.value) == "An email address is required."


@pytest.mark.django_db
def test_user_email_is_unique_ignoring_case():
    User.objects.create(email="a@x.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="A@x.org")

    assert list(User.objects.values_list("email", flat=True)) == ["a@x.org"]


@pytest.mark.django_db
def test_user_name_with_credentials_appends_credentials():
    user = UserFactory(full_name="Dr. Marie Tremblay", credentials="MD, CCFP")

    assert user.name_with_credentials == "Dr. Marie Tremblay, MD, CCFP"


@pytest.mark.django_db
def test_user_name_with_credentials_without_credentials_is_the_name():
    user = UserFactory(full_name="Jordan Kakegamic", credentials="")

    assert user.name_with_credentials == "Jordan Kakegamic"


@pytest.mark.django_db
def test_user_name_with_credentials_falls_back_to_the_email():
    user = UserFactory(email="np@fht.example", full_name="", credentials="NP-PHC")

    assert user.name_with_credentials == "np@fht.example, NP-PHC"


def test_validate_time_zone_rejects_an_unknown_zone():
    with pytest.raises(ValidationError) as caught:
        validate_time_zone("Mars/Base")

    assert caught.value.messages == ["“Mars/Base” is not a known time zone."]


def test_validate_time_zone_accepts_an_iana_zone():
    assert validate_time_zone("America/St_Johns") is None
