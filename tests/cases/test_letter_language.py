"""The recommendation letter is printed in its recipient's (the presenter's) language, whoever
makes it: an English coordinator's preview and the letter sent read in French for a French
presenter, their prescribing flags, drug names and headings too, with no English phrase of the
catalogue left in the PDF's text."""

import subprocess
from decimal import Decimal

import pytest
from django.utils import translation

from cases import services
from cases.models import Case, RecommendationLetter
from tests.factories import MedicationFactory, RecommendationFactory
from tests.i18n import english_left

pytestmark = pytest.mark.django_db

OPIOID = "Taper oxycodone by 10% of the total daily dose every 2–4 weeks."
REFERRALS = "Refer to the regional chronic pain program."


def _text(pdf: bytes) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    return " ".join(text.decode().split())


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def recommended(session_held, scheduled_case, expert):
    Case.objects.filter(pk=scheduled_case.pk).update(benzodiazepine_coprescribed=True)
    scheduled_case.refresh_from_db()
    MedicationFactory(case=scheduled_case, drug="oxycodone", daily_dose=Decimal("120"))
    MedicationFactory(case=scheduled_case, drug="codeine", daily_dose=Decimal("240"), schedule="60 mg QID")
    RecommendationFactory(case=scheduled_case, author=expert, heading="opioid", text=OPIOID)
    RecommendationFactory(case=scheduled_case, author=expert, heading="referrals", text=REFERRALS)
    return scheduled_case


def _with_language(case, language):
    case.presenter.language = language
    case.presenter.save(update_fields=["language"])
    return case


def _assert_french(text: str) -> None:
    for french in (
        "Recommandations du carrefour",
        "Résumé du cas",
        "Questions posées",
        "Prise en charge des opioïdes",
        "Orientations",
        "Codéine",
        "EMM/jour ou plus",
        "Une benzodiazépine ou un autre sédatif est prescrit en même temps.",
    ):
        assert french in text
    # What the hub wrote stays as written (the recommendations quote "the total daily dose").
    assert english_left(text.replace(OPIOID, " ")) == []


def test_an_english_coordinators_preview_of_a_french_presenters_letter_is_french(recommended):
    case = _with_language(recommended, "fr-ca")
    with translation.override("en-ca"):
        pdf = services.render_letter_preview(case=case, texts=services.merged_texts(case))
    text = _text(pdf)
    _assert_french(text)
    assert f"Référence du cas no {case.pk}" in text
    # What the hub wrote stays as written.
    assert OPIOID in text
    assert REFERRALS in text


def test_the_letter_sent_to_a_french_presenter_is_french(
    recommended, coordinator, django_capture_on_commit_callbacks
):
    case = _with_language(recommended, "fr-ca")
    with translation.override("en-ca"), django_capture_on_commit_callbacks(execute=True):
        services.finalize_recommendations(case=case, by=coordinator, texts=services.merged_texts(case))
    letter = RecommendationLetter.objects.get(case=case)
    assert letter.status == RecommendationLetter.Status.READY
    with letter.file.open("rb") as handle:
        _assert_french(_text(handle.read()))


def test_an_english_presenters_letter_stays_english_for_a_french_coordinator(recommended):
    case = _with_language(recommended, "en-ca")
    with translation.override("fr-ca"):
        text = _text(services.render_letter_preview(case=case, texts=services.merged_texts(case)))
    assert "Hub recommendations" in text
    assert "Codeine" in text
    assert "At or above 90 MME/day." in text
    assert "Recommandations du carrefour" not in text
