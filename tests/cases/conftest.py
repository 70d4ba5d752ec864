from decimal import Decimal

import pytest

from cases.models import Case
from cases.services import MedicationRow
from tests.factories import CaseFactory, CaseSlotFactory

CASE_FIELDS = {
    "title": "Tapering high-dose oxycodone after a work injury",
    "age_band": "50-59",
    "sex_gender": "man",
    "main_concern": "On oxycodone CR 60 mg twice daily for years; function is poor and he asks about tapering.",
    "pain_onset": "Lifting injury at work",
    "pain_duration": "About 6 years",
    "pain_location": "Low back, radiating to the left leg",
    "pain_character": "Aching, with shooting pain down the leg",
    "pain_intensity": 7,
    "function_goals": "Wants to walk to the end of the road and back, and sleep through the night.",
    "treatments_tried": "Physiotherapy (some benefit), naproxen (stomach upset).",
    "investigations": "MRI of the lumbar spine: L4-L5 disc bulge, no nerve root compression.",
    "mental_health": "Low mood since losing his job; no suicidal ideation.",
    "substance_use": "Drinks 2–3 beers on weekends. No other substances.",
    "social_context": "Lives with his partner; two hours' drive to the nearest pain clinic.",
    "consent": "yes",
    "question_1": "How fast can we taper, and what do we do if withdrawal is hard?",
    "question_2": "Is buprenorphine a reasonable switch here?",
    "attested_deidentified": True,
}

OXYCODONE = MedicationRow(drug="oxycodone", daily_dose=Decimal("120"), schedule="60 mg CR q12h")
PREGABALIN = MedicationRow(
    drug="other", daily_dose=Decimal("300"), drug_other="Pregabalin", schedule="150 mg BID"
)


@pytest.fixture
def draft_case(program, presenter):
    return CaseFactory(program=program, presenter=presenter, title="Neuropathic foot pain in diabetes")


@pytest.fixture
def submitted_case(program, presenter):
    return CaseFactory(
        program=program,
        presenter=presenter,
        status=Case.Status.SUBMITTED,
        title="Fibromyalgia and poor sleep",
    )


@pytest.fixture
def scheduled_case(program, presenter, session):
    return CaseSlotFactory(
        session=session,
        case=CaseFactory(
            program=program,
            presenter=presenter,
            status=Case.Status.SCHEDULED,
            title="Chronic neck pain with a benzodiazepine",
        ),
    ).case
