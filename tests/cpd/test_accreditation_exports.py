"""The ACCME PARS learner data and the Mainpro+ participant list."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cpd.exports import pars_rows, split_name
from echo_hub.accounts.models import Profession
from sessions.models import Session
from tests.factories import (
    AttendanceFactory,
    CreditTypeFactory,
    EnrollmentFactory,
    EvaluationFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(program):
    mainpro = CreditTypeFactory(program=program, max_per_session=Decimal("1.50"))
    ama = CreditTypeFactory(
        program=program, name="AMA PRA Category 1 Credit™", professions=[Profession.SPECIALIST_PHYSICIAN]
    )
    session = SessionFactory(
        program=program, starts_at=datetime(2025, 9, 10, 16, tzinfo=UTC), accreditation_id="240117001"
    )
    people = {
        "ben": {
            "email": "ben@example.org",
            "full_name": "Dr. Ben Okafor",
            "cfpc_number": "123456",
            "licensing_body": "CPSO",
        },
        "sam": {
            "email": "sam@example.org",
            "full_name": "Samira de la Cruz",
            "profession": Profession.SPECIALIST_PHYSICIAN,
            "npi": "1234567893",
            "birth_month": 3,
            "birth_day": 14,
            "licensing_body": "Texas Medical Board",
            "licence_number": "Q1234",
        },
        "ana": {
            "email": "ana@example.org",
            "full_name": "Ana Lopez",
            "profession": Profession.NURSE_PRACTITIONER,
        },
        "low": {"email": "low@example.org", "full_name": "Lee Low"},
    }
    users = {}
    for key, fields in people.items():
        users[key] = EnrollmentFactory(program=program, user=UserFactory(**fields)).user
        AttendanceFactory(session=session, user=users[key], minutes=30 if key == "low" else 120)
        EvaluationFactory(session=session, user=users[key])
    return {"mainpro": mainpro, "ama": ama, "session": session}


def _get(client, program, kind, **params):
    return client.get(reverse("cpd:export_credits", args=[program.slug, kind]), params)


def test_split_name_takes_the_last_word_as_the_last_name_and_drops_honorifics():
    assert split_name("Dr. Ben Okafor") == ("Ben", "Okafor")
    assert split_name("Cher") == ("", "Cher")


def test_pars_rows_list_only_learners_who_earned_that_credit_type(program, held):
    rows = list(pars_rows(program, sessions=Session.objects.filter(program=program), credit_type=held["ama"]))

    assert rows == [
        [
            "240117001",
            "2025-09-10",
            "Samira de la",
            "Cruz",
            3,
            14,
            "1234567893",
            "Texas Medical Board",
            "Q1234",
            "2",
            "AMA PRA Category 1 Credit™",
            "sam@example.org",
        ]
    ]


def test_pars_download_is_tab_delimited_text(client, program, coordinator, held):
    client.force_login(coordinator)

    response = _get(client, program, "pars", credit_type=held["ama"].pk)

    text = response.content.decode("utf-8").removeprefix("\ufeff")
    assert response["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="chronic-pain-pars.txt"'
    assert text.splitlines()[0] == (
        "activity_id\tcompletion_date\tfirst_name\tlast_name\tdob_month\tdob_day\tnpi\tlicensing_body\t"
        "licence_number\tcredits\tcredit_type\temail"
    )
    assert len(text.splitlines()) == 2


def test_mainpro_list_has_cfpc_number_session_id_and_capped_credits(client, program, coordinator, held):
    client.force_login(coordinator)

    response = _get(client, program, "mainpro", credit_type=held["mainpro"].pk)

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix("\ufeff"))))
    assert rows == [
        ["cfpc_number", "full_name", "email", "session_id", "session_date", "credits", "credit_type"],
        [
            "123456",
            "Dr. Ben Okafor",
            "ben@example.org",
            "240117001",
            "2025-09-10",
            "1.5",
            "Mainpro+ Certified",
        ],
    ]


def test_export_page_without_a_credit_type_offers_to_add_one(client, other_program, other_coordinator):
    client.force_login(other_coordinator)

    response = _get(client, other_program, "mainpro")

    assert response.status_code == 200
    assert "Only credits of a credit type go to a certifying body." in response.content.decode()


def test_unknown_export_is_404(client, program, coordinator):
    client.force_login(coordinator)

    assert _get(client, program, "cme-list").status_code == 404
