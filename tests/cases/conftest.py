from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case
from cases.services import MedicationRow
from cases.services.letters import LETTER_TEMPLATE, letter_document, merged_texts
from tests.factories import CaseFactory, CaseSlotFactory


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    """Each test files its letters and attachments in a folder of its own: on SQLite a rolled-back
    case's id comes back in the next test, and a letter of the same name left by it would make
    the storage rename the new one."""
    settings.MEDIA_ROOT = tmp_path / "media"


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


# A hepatitis C program's form and a case written on it (tests of forms set per program).
HEP_C_CORE = {
    "title": "Genotype 3 with compensated cirrhosis",
    "age_band": "50-59",
    "sex_gender": "man",
    "main_concern": "Wants treatment; on methadone; worried about interactions.",
    "consent": "yes",
    "question_1": "Which regimen, and how do we monitor on methadone?",
    "attested_deidentified": "on",
    "medications-TOTAL_FORMS": "0",
    "medications-INITIAL_FORMS": "0",
}
HEP_C_ANSWERS = {
    "genotype": "3",
    "viral_load": "1250000",
    "coinfection": ["hiv"],
    "apri": "1.8",
    "cirrhosis": "compensated",
    "prior_treatment": "naive",
    "interactions": "Methadone and a proton pump inhibitor.",
    "oat": "yes",
    "barriers": "Phone access is unreliable; transport is by band bus twice a week.",
}


@pytest.fixture
def hep_c(program, coordinator):
    return services.start_from_template(program=program, template="hepatitis_c", by=coordinator)


@pytest.fixture
def hep_c_case(program, presenter, hep_c, session):
    case = services.save_case_draft(
        presenter=presenter,
        program=program,
        fields={
            k: v
            for k, v in HEP_C_CORE.items()
            if "_" not in k or k.startswith(("age", "sex", "main", "question"))
        }
        | {"attested_deidentified": True},
        answers={"genotype": "3", "viral_load": 1250000, "cirrhosis": "compensated", "oat": True},
        medications=[],
    )
    services.submit_case(case=case, by=presenter)
    CaseSlotFactory(session=session, case=case)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.SCHEDULED)
    case.refresh_from_db()
    return case


def post_case_form(client, program, data):
    return client.post(reverse("cases:create", kwargs={"slug": program.slug}), data)


def letter_html(case) -> str:
    """The letter of `case` as it would be printed now, as HTML."""
    document = letter_document(
        case=case, session=None, issued_at=timezone.now(), texts=merged_texts(case), experts=[]
    )
    return render_to_string(LETTER_TEMPLATE, document)
