"""The dashboard's next sessions name the didactic's presenter, a member or a guest."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import GuestPresenter
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_names_a_guest_presenter(client, program, participant):
    guest = GuestPresenter.objects.create(
        program=program,
        name="Dr. Ana Guest",
        profession="Pharmacist",
        affiliation="Sudbury Outpatient Clinic",
    )
    SessionFactory(
        program=program,
        didactic_topic="Deprescribing benzodiazepines",
        guest_presenter=guest,
        starts_at=timezone.now() + timedelta(days=2),
    )
    client.force_login(participant)

    body = client.get(reverse("home")).content.decode()

    assert (
        "Didactic: Deprescribing benzodiazepines, with Dr. Ana Guest, Pharmacist, Sudbury Outpatient Clinic"
        in body
    )
