"""Learning objectives where participants and certifying bodies read them: the evaluation page,
and certificates whose credit type asks for them."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cpd import services
from cpd.models import Certificate, CreditType
from echo_hub.accounts.models import Profession
from sessions.models import GuestPresenter
from tests.factories import (
    AttendanceFactory,
    CreditTypeFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    PastSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OBJECTIVES = "Plan an opioid taper with the patient\nRecognise and manage withdrawal"


def _pdf_text(certificate: Certificate) -> str:
    certificate.refresh_from_db()
    with certificate.file.open("rb") as handle:
        pages = PdfReader(BytesIO(handle.read())).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _physician_certificate(program, session, capture) -> Certificate:
    physician = EnrollmentFactory(
        program=program, user=UserFactory(full_name="Marie Tremblay", profession=Profession.FAMILY_PHYSICIAN)
    ).user
    AttendanceFactory(session=session, user=physician, minutes=120)
    EvaluationFactory(session=session, user=physician)
    with capture(execute=True):
        return services.issue_session_certificate(user=physician, session=session)


@pytest.mark.parametrize("asked", [True, False])
def test_session_certificate_prints_objectives_only_where_the_credit_type_asks(
    program, past_session, django_capture_on_commit_callbacks, asked
):
    CreditTypeFactory(program=program, print_objectives=asked)
    past_session.learning_objectives = OBJECTIVES
    past_session.save()

    text = _pdf_text(_physician_certificate(program, past_session, django_capture_on_commit_callbacks))

    assert re.search(r"\b2 ?Mainpro\+ Certified credits", text)
    printed = "Learning objectives Plan an opioid taper with the patient Recognise and manage withdrawal"
    assert (printed in text) is asked


def test_credit_type_page_saves_the_print_objectives_choice(client, program, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("cpd:credit_type_create", args=[program.slug]),
        {
            "name": "Mainpro+ Certified",
            "professions": [Profession.FAMILY_PHYSICIAN],
            "credits_per_hour": "1.00",
            "rounding_step": "0.25",
            "max_per_session": "",
            "statement": "",
            "print_objectives": "on",
        },
    )

    assert response.status_code == 302
    assert CreditType.objects.get(program=program).print_objectives is True


def test_evaluate_page_shows_the_objectives_and_the_guest_presenter(
    client, program, past_session, participant
):
    past_session.learning_objectives = OBJECTIVES
    past_session.guest_presenter = GuestPresenter.objects.create(
        program=program, name="Dr. Ana Guest", profession="Pharmacist"
    )
    past_session.save()
    client.force_login(participant)

    body = client.get(reverse("cpd:evaluate", args=[program.slug, past_session.pk])).content.decode()

    assert "The session's learning objectives" in body
    assert "<li>Plan an opioid taper with the patient</li><li>Recognise and manage withdrawal</li>" in body
    assert "Presented by Dr. Ana Guest, Pharmacist" in body


def test_cycle_certificate_lists_each_sessions_objectives_where_asked(
    program, participant, django_capture_on_commit_callbacks
):
    CreditTypeFactory(program=program, print_objectives=True)
    cycle = CycleFactory(program=program)
    for days, objectives in ((21, "Plan a taper"), (14, "Offer naloxone to every patient above 50 MME")):
        session = PastSessionFactory(
            program=program,
            cycle=cycle,
            starts_at=timezone.now() - timedelta(days=days),
            learning_objectives=objectives,
        )
        AttendanceFactory(session=session, user=participant, minutes=120)
        EvaluationFactory(session=session, user=participant)

    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue_cycle_certificate(user=participant, cycle=cycle)

    text = _pdf_text(certificate)
    assert "Sessions attended" in text
    assert "Plan a taper" in text
    assert "Offer naloxone to every patient above 50 MME" in text
