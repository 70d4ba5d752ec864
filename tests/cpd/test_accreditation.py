"""Credit types per profession, the certified maximum, accreditation details and what the
certificate prints for a nurse practitioner and a family physician."""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from cpd import services
from cpd.models import Certificate, CreditType
from echo_hub.accounts.models import Profession
from echo_hub.audit.models import AuditEvent
from tests.factories import (
    LOGO_PNG,
    AttendanceFactory,
    CreditTypeFactory,
    EnrollmentFactory,
    EvaluationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ATTENDANCE_STATEMENT = "Other health professionals may claim 1 hour of group learning per hour attended."


def _member(program, **fields):
    return EnrollmentFactory(program=program, user=UserFactory(**fields)).user


def _earned(session, user, minutes=120):
    AttendanceFactory(session=session, user=user, minutes=minutes)
    EvaluationFactory(session=session, user=user)


def _pdf_text(certificate: Certificate) -> str:
    certificate.refresh_from_db()
    with certificate.file.open("rb") as handle:
        pages = PdfReader(BytesIO(handle.read())).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.fixture
def accredited(program, coordinator):
    services.update_accreditation(
        program=program,
        by=coordinator,
        fields={
            "provider_name": "ECHO Ontario CPD Office",
            "hub_name": "ECHO Ontario",
            "signatory_name": "Dr. Helen Markham",
            "signatory_title": "Medical Director",
            "attendance_statement": ATTENDANCE_STATEMENT,
        },
        images={"logo": LOGO_PNG, "signature": LOGO_PNG},
    )
    return CreditTypeFactory(program=program, max_per_session=Decimal("2.00"))


# credit types: one per profession


def test_create_credit_type_refuses_a_profession_another_credit_type_has(program, coordinator):
    CreditTypeFactory(program=program)

    with pytest.raises(ValidationError) as raised:
        services.create_credit_type(
            program=program,
            by=coordinator,
            name="AMA PRA Category 1 Credit™",
            professions=[Profession.FAMILY_PHYSICIAN, Profession.SPECIALIST_PHYSICIAN],
            credits_per_hour=Decimal("1.00"),
            rounding_step=Decimal("0.25"),
            max_per_session=None,
            statement="",
        )

    assert raised.value.message_dict == {
        "professions": [
            "Each profession gets one credit type. Already taken: Family physician by “Mainpro+ Certified”."
        ]
    }
    assert CreditType.objects.count() == 1


def test_create_credit_type_is_audited_with_its_rule(program, coordinator):
    credit_type = services.create_credit_type(
        program=program,
        by=coordinator,
        name="Royal College MOC Section 1",
        professions=[Profession.SPECIALIST_PHYSICIAN],
        credits_per_hour=Decimal("1.00"),
        rounding_step=Decimal("0.25"),
        max_per_session=Decimal("1.50"),
        statement="",
    )

    event = AuditEvent.objects.get(action=AuditEvent.Action.CREDIT_RULE_CHANGED)
    assert (event.actor, event.program_id, event.object_id, event.object_label) == (
        coordinator,
        program.pk,
        credit_type.pk,
        f"Credit type #{credit_type.pk}",
    )
    assert event.extra == {
        "change": "created",
        "credit_type_id": credit_type.pk,
        "credits_per_hour": "1.00",
        "rounding_step": "0.25",
        "max_per_session": "1.50",
        "professions": 1,
    }


def test_issue_gives_each_profession_its_credit_type_or_hours_of_attendance(
    program, past_session, accredited
):
    physician = _member(program, profession=Profession.FAMILY_PHYSICIAN)
    nurse = _member(program, profession=Profession.NURSE_PRACTITIONER)
    for user in (physician, nurse):
        _earned(past_session, user, minutes=105)

    mainpro = services.issue_session_certificate(user=physician, session=past_session)
    hours = services.issue_session_certificate(user=nurse, session=past_session)

    assert (mainpro.credit_type, mainpro.credit_name, mainpro.credits, mainpro.statement) == (
        accredited,
        "Mainpro+ Certified",
        Decimal("1.75"),
        accredited.statement,
    )
    assert (hours.credit_type, hours.credit_name, hours.credits, hours.statement) == (
        None,
        "",
        Decimal("1.75"),
        ATTENDANCE_STATEMENT,
    )


def test_issue_never_gives_more_than_the_certified_maximum(program, past_session):
    CreditTypeFactory(program=program, credits_per_hour=Decimal("1.50"), max_per_session=Decimal("1.50"))
    physician = _member(program)
    _earned(past_session, physician, minutes=120)

    certificate = services.issue_session_certificate(user=physician, session=past_session)

    assert certificate.credits == Decimal("1.50")


def test_bulk_issue_gives_each_person_the_credit_type_of_their_profession(program, past_session, accredited):
    physician = _member(program, profession=Profession.FAMILY_PHYSICIAN)
    nurse = _member(program, profession=Profession.REGISTERED_NURSE)
    for user in (physician, nurse):
        _earned(past_session, user)

    services.bulk_issue_for_session(session=past_session)

    assert set(Certificate.objects.values_list("user", "credit_name", "credits", "statement")) == {
        (physician.pk, "Mainpro+ Certified", Decimal("2.00"), accredited.statement),
        (nurse.pk, "", Decimal("2.00"), ATTENDANCE_STATEMENT),
    }


def test_renaming_a_credit_type_leaves_issued_certificates_as_printed(
    program, past_session, coordinator, accredited
):
    physician = _member(program)
    _earned(past_session, physician)
    certificate = services.issue_session_certificate(user=physician, session=past_session)

    services.update_credit_type(
        credit_type=accredited,
        by=coordinator,
        name="Mainpro+ Certified Group Learning",
        professions=accredited.professions,
        credits_per_hour=accredited.credits_per_hour,
        rounding_step=accredited.rounding_step,
        max_per_session=accredited.max_per_session,
        statement="A new statement.",
    )

    certificate.refresh_from_db()
    assert (certificate.credit_name, certificate.statement) == ("Mainpro+ Certified", accredited.statement)


def test_delete_credit_type_with_certificates_is_refused(program, past_session, coordinator, accredited):
    physician = _member(program)
    _earned(past_session, physician)
    services.issue_session_certificate(user=physician, session=past_session)

    with pytest.raises(ValidationError) as raised:
        services.delete_credit_type(credit_type=accredited, by=coordinator)

    assert raised.value.messages == [
        "Certificates were issued in “Mainpro+ Certified”, so it stays on record. To stop using it, "
        "give its professions to another credit type instead."
    ]
    assert CreditType.objects.filter(pk=accredited.pk).exists()


# accreditation images


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a" + b"\x00" * 20, "The logo must be a PNG or JPEG image."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "The logo must be a PNG or JPEG image."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 1_000_000, "The logo must be at most 1000 kB."),
    ],
)
def test_check_image_refuses_what_is_not_a_small_png_or_jpeg(data, message):
    with pytest.raises(ValidationError) as raised:
        services.check_image(SimpleUploadedFile("logo.png", data), what="logo")

    assert raised.value.messages == [message]


# the certificate a college reads


def test_certificates_of_a_nurse_practitioner_and_a_family_physician_print_their_own_credits(
    program, past_session, accredited, django_capture_on_commit_callbacks
):
    past_session.accreditation_id = "240117001"
    past_session.save()
    physician = _member(program, full_name="Marie Tremblay", credentials="MD, CCFP")
    nurse = _member(
        program, full_name="Jordan Kakegamic", credentials="NP-PHC", profession=Profession.NURSE_PRACTITIONER
    )
    for user in (physician, nurse):
        _earned(past_session, user, minutes=105)

    with django_capture_on_commit_callbacks(execute=True):
        mainpro = services.issue_session_certificate(user=physician, session=past_session)
        hours = services.issue_session_certificate(user=nurse, session=past_session)

    physician_text, nurse_text = _pdf_text(mainpro), _pdf_text(hours)
    assert re.search(r"\b1\.75 ?Mainpro\+ Certified credits", physician_text)
    assert accredited.statement in physician_text
    assert ATTENDANCE_STATEMENT not in physician_text
    assert re.search(r"\b1\.75 ?hours of attendance", nurse_text)
    assert ATTENDANCE_STATEMENT in nurse_text
    assert "Mainpro+" not in nurse_text
    for certificate, text in ((mainpro, physician_text), (hours, nurse_text)):
        assert "ECHO ONTARIO" in text
        assert "Session ID 240117001 · Issued" in text
        assert "Accredited provider: ECHO Ontario CPD Office" in text
        assert "Dr. Helen Markham, Medical Director" in text
        assert "—" not in text
        assert "· ·" not in text
        assert "DUPLICATE" not in text
        assert _stray_separators(certificate) == []


def _stray_separators(certificate: Certificate) -> list[str]:
    """Lines of the PDF that start or end with a separator, or hold two in a row."""
    with certificate.file.open("rb") as handle:
        lines = [
            line.strip()
            for page in PdfReader(BytesIO(handle.read())).pages
            for line in page.extract_text().splitlines()
        ]
    return [line for line in lines if line.startswith("·") or line.endswith("·") or re.search(r"·\s*·", line)]


def test_reissued_certificates_of_a_nurse_practitioner_and_a_family_physician_print_the_new_facts(
    program, past_session, accredited, coordinator, django_capture_on_commit_callbacks
):
    from sessions.attendance import adjust_attendance

    past_session.accreditation_id = "240117001"
    past_session.save()
    physician = _member(program, full_name="Marie Tremblay", credentials="MD, CCFP")
    nurse = _member(
        program, full_name="Jordan Kakegamic", credentials="NP-PHC", profession=Profession.NURSE_PRACTITIONER
    )
    with django_capture_on_commit_callbacks(execute=True):
        for user in (physician, nurse):
            _earned(past_session, user, minutes=120)
            services.issue_session_certificate(user=user, session=past_session)

    with django_capture_on_commit_callbacks(execute=True):
        for user in (physician, nurse):
            adjust_attendance(
                session=past_session, user=user, minutes=105, reason="Zoom report", by=coordinator
            )

    mainpro = Certificate.objects.get(user=physician, superseded_at=None)
    hours = Certificate.objects.get(user=nurse, superseded_at=None)
    physician_text, nurse_text = _pdf_text(mainpro), _pdf_text(hours)
    assert re.search(r"\b1\.75 ?Mainpro\+ Certified credits", physician_text)
    assert accredited.statement in physician_text
    assert re.search(r"\b1\.75 ?hours of attendance", nurse_text)
    assert ATTENDANCE_STATEMENT in nurse_text
    assert "Mainpro+" not in nurse_text
    for certificate, text in ((mainpro, physician_text), (hours, nurse_text)):
        assert f"Verification code {certificate.code}" in text
        assert "Session ID 240117001 · Issued" in text
        assert "DUPLICATE" not in text
        assert "—" not in text
        assert _stray_separators(certificate) == []


def test_certificate_without_a_session_id_has_no_stray_separator(
    program, past_session, django_capture_on_commit_callbacks
):
    nurse = _member(program, profession=Profession.NURSE_PRACTITIONER)
    _earned(past_session, nurse)

    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue_session_certificate(user=nurse, session=past_session)

    text = _pdf_text(certificate)
    assert re.search(r"hours of attendance Issued \d+ \w+ \d{4}", text)
    assert "—" not in text
    assert "· Issued" not in text
    assert _stray_separators(certificate) == []


# pages


def test_accreditation_page_saves_details_and_logo(client, program, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("cpd:accreditation", args=[program.slug]),
        {
            "provider_name": "ECHO Ontario CPD Office",
            "hub_name": "ECHO Ontario",
            "signatory_name": "Dr. Helen Markham",
            "signatory_title": "Medical Director",
            "attendance_statement": ATTENDANCE_STATEMENT,
            "logo": SimpleUploadedFile("logo.png", LOGO_PNG, content_type="image/png"),
        },
    )

    accreditation = services.accreditation_of(program)
    assert response.status_code == 302
    assert (accreditation.hub_name, accreditation.signatory_name, accreditation.attendance_statement) == (
        "ECHO Ontario",
        "Dr. Helen Markham",
        ATTENDANCE_STATEMENT,
    )
    with accreditation.logo.open("rb") as handle:
        assert handle.read() == LOGO_PNG
    logo = client.get(reverse("cpd:accreditation_image", args=[program.slug, "logo"]))
    assert (logo["Content-Type"], logo["Cache-Control"]) == ("image/png", "private, no-store")


def test_accreditation_page_refuses_a_gif_and_keeps_what_was_typed(client, program, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("cpd:accreditation", args=[program.slug]),
        {"hub_name": "ECHO Ontario", "logo": SimpleUploadedFile("logo.gif", b"GIF89a" + b"\x00" * 20)},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "The logo must be a PNG or JPEG image." in body
    assert 'value="ECHO Ontario"' in body
    assert services.accreditation_of(program).pk is None


def test_credit_type_page_says_which_profession_is_taken(client, program, coordinator):
    CreditTypeFactory(program=program)
    client.force_login(coordinator)

    response = client.post(
        reverse("cpd:credit_type_create", args=[program.slug]),
        {
            "name": "AMA PRA Category 1 Credit™",
            "professions": [Profession.FAMILY_PHYSICIAN],
            "credits_per_hour": "1.00",
            "rounding_step": "0.25",
            "max_per_session": "",
            "statement": "",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Already taken: Family physician by “Mainpro+ Certified”." in body
    assert 'value="AMA PRA Category 1 Credit™"' in body
    assert CreditType.objects.count() == 1


def test_credit_type_page_adds_a_credit_type_with_a_maximum(client, program, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("cpd:credit_type_create", args=[program.slug]),
        {
            "name": "Royal College MOC Section 1",
            "professions": [Profession.SPECIALIST_PHYSICIAN],
            "credits_per_hour": "1.00",
            "rounding_step": "0.25",
            "max_per_session": "1.5",
            "statement": "An Accredited Group Learning Activity (Section 1).",
        },
    )

    assert response["Location"] == reverse("cpd:accreditation", args=[program.slug])
    credit_type = CreditType.objects.get()
    assert (credit_type.name, credit_type.professions, credit_type.max_per_session) == (
        "Royal College MOC Section 1",
        [Profession.SPECIALIST_PHYSICIAN],
        Decimal("1.50"),
    )


def test_session_edit_sets_the_certifying_bodys_session_id(client, program, coordinator, session):
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_session_edit", args=[program.slug, session.pk]),
        {
            "title": session.title,
            "didactic_topic": session.didactic_topic,
            "presenter": "",
            "learning_objectives": "",
            "join_url": session.join_url,
            "case_slots": "3",
            "accreditation_id": " 240117001 ",
        },
    )

    session.refresh_from_db()
    assert response.status_code == 302
    assert session.accreditation_id == "240117001"
