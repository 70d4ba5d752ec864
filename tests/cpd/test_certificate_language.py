"""A certificate is printed in its holder's language, whoever asks for it; a bilingual
program's shows English and French on one page."""

import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import translation
from pypdf import PdfReader

from cpd import services
from cpd.models import Certificate
from sessions.models import ProgramLanguage
from tests.factories import (
    AttendanceFactory,
    CreditTypeFactory,
    EnrollmentFactory,
    EvaluationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SCREENSHOTS = Path(__file__).resolve().parent.parent / "e2e" / "screenshots"


def _pdf(certificate: Certificate) -> bytes:
    services.render_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    with certificate.file.open("rb") as handle:
        return handle.read()


def _text(pdf: bytes) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    return " ".join(text.decode().split())


def _issue(program, past_session, *, language: str, coordinator_language: str = "en-ca") -> bytes:
    CreditTypeFactory(program=program)
    user = EnrollmentFactory(
        program=program, user=UserFactory(full_name="Marie Tremblay", language=language)
    ).user
    # 105 minutes at one credit an hour, in quarter steps: 1.75 credits.
    AttendanceFactory(session=past_session, user=user, minutes=105)
    EvaluationFactory(session=past_session, user=user)
    with translation.override(coordinator_language):
        certificate = services.issue_session_certificate(user=user, session=past_session)
        return _pdf(certificate)


def _look(pdf: bytes, name: str) -> None:
    """A PNG of the first page beside the browser tests' screenshots, to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-", str(SCREENSHOTS / name)],
        input=pdf,
        check=True,
    )


def test_a_french_holders_certificate_is_in_french_whoever_issued_it(program, past_session):
    pdf = _issue(program, past_session, language="fr-ca", coordinator_language="en-ca")

    text = _text(pdf)
    assert "Attestation de participation" in text
    assert "La présente atteste que Marie Tremblay" in text
    assert "a participé à la séance de télémentorat ECHO" in text
    assert "1,75 crédit Mainpro+ Certified" in text
    assert "Délivrée le " in text and "Code de vérification" in text
    assert "Certificate of Participation" not in text
    assert len(PdfReader(BytesIO(pdf)).pages) == 1
    _look(pdf, "certificate-fr")


def test_an_english_holders_certificate_is_in_english_whoever_issued_it(program, past_session):
    pdf = _issue(program, past_session, language="en-ca", coordinator_language="fr-ca")

    text = _text(pdf)
    assert "Certificate of Participation" in text
    assert "This certifies that Marie Tremblay" in text
    assert "1.75 Mainpro+ Certified credits" in text
    assert "Attestation" not in text
    _look(pdf, "certificate-en")


@pytest.mark.parametrize("language", ["en-ca", "fr-ca"])
def test_a_bilingual_programs_certificate_shows_both_languages_on_one_page(program, past_session, language):
    program.language = ProgramLanguage.BILINGUAL
    program.save()

    pdf = _issue(program, past_session, language=language)

    text = _text(pdf)
    for phrase in [
        "Certificate of Participation",
        "Attestation de participation",
        "This certifies that / La présente atteste que",
        "attended the ECHO telementoring session / a participé à la séance de télémentorat ECHO",
        "1.75 Mainpro+ Certified credits",
        "1,75 crédit Mainpro+ Certified",
    ]:
        assert phrase in text
    assert "Verification code / Code de vérification " in text
    assert len(PdfReader(BytesIO(pdf)).pages) == 1
    _look(pdf, f"certificate-bilingual-{language}")
