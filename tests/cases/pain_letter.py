"""A chronic-pain case written the way cases were before programs chose their case forms, and
its letter rendered to HTML: the migration onto the pain template must not change a byte of it.
`pain_letter_before.html` was rendered by the code before case forms existed."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

GOLDEN = Path(__file__).parent / "data" / "pain_letter_before.html"
CASE_PK = 4242
ISSUED_AT = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
PAIN_COLUMNS = {
    "title": "Tapering high-dose oxycodone after a work injury",
    "status": "presented",
    "age_band": "50-59",
    "sex_gender": "man",
    "main_concern": "On oxycodone CR 60 mg twice daily for years;\nfunction is poor & he asks about tapering.",
    "pain_onset": "Lifting injury at work",
    "pain_duration": "About 6 years",
    "pain_location": "Low back, radiating to the left leg",
    "pain_character": "Aching, with shooting pain down the leg",
    "pain_intensity": 7,
    "function_goals": "Walk to the end of the road and back.",
    "treatments_tried": "Physiotherapy (some benefit), naproxen (stomach upset).",
    "benzodiazepine_coprescribed": True,
    "investigations": "MRI: L4-L5 disc bulge.",
    "peg_score": Decimal("6.3"),
    "phq9_score": 14,
    "gad7_score": 9,
    "ort_score": 5,
    "uds_recency": "3m",
    "uds_result": "expected",
    "monitoring_checked": True,
    "treatment_agreement": True,
    "mental_health": "Low mood since losing his job.",
    "substance_use": "Drinks 2–3 beers on weekends.",
    "social_context": "Two hours' drive to the nearest pain clinic.",
    "consent": "yes",
    "question_1": "How fast can we taper?",
    "question_2": "Is buprenorphine a reasonable switch <here>?",
    "attested_deidentified": True,
}
MEDICATIONS = [
    {"drug": "oxycodone", "daily_dose": Decimal("120"), "schedule": "60 mg CR q12h", "mme": Decimal("180")},
    {
        "drug": "fentanyl_transdermal",
        "daily_dose": Decimal("25"),
        "schedule": "patch q72h",
        "mme": Decimal("60"),
    },
    {"drug": "other", "drug_other": "Pregabalin", "daily_dose": Decimal("300"), "schedule": "", "mme": None},
]
RECOMMENDATIONS = {
    "opioid": "Taper oxycodone by 10% of the total daily dose every 2–4 weeks.",
    "referrals": "Refer to the regional chronic pain program.",
    "other": "If the taper stalls, a rotation to buprenorphine is reasonable.",
    "differential": "Consider central sensitisation.",
}


def create_pain_case(apps):
    """The case, its medications and recommendations, through `apps` (the models of a
    migration state, or today's)."""
    User = apps.get_model("accounts", "User")
    Program = apps.get_model("echo_sessions", "Program")
    Case = apps.get_model("cases", "Case")
    Medication = apps.get_model("cases", "Medication")
    Recommendation = apps.get_model("cases", "Recommendation")
    program = Program.objects.create(name="Chronic Pain & Opioid Stewardship", slug="pain-letter")
    presenter = User.objects.create(
        email="presenter@example.org", full_name="Anna Presenter", credentials="MD CCFP"
    )
    expert = User.objects.create(email="expert@example.org", full_name="Eli Expert", credentials="MD FRCPC")
    case = Case.objects.create(pk=CASE_PK, program=program, presenter=presenter, **PAIN_COLUMNS)
    for row in MEDICATIONS:
        Medication.objects.create(case=case, **row)
    for heading, text in RECOMMENDATIONS.items():
        Recommendation.objects.create(case=case, author=expert, heading=heading, text=text)
    return case


def render_pain_letter() -> str:
    """The letter of the case created above, as today's code renders it."""
    from cases.models import Case
    from cases.services.letters import LETTER_TEMPLATE, expert_names, letter_document, merged_texts

    case = Case.objects.select_related("program", "presenter").get(pk=CASE_PK)
    with translation.override("en"), timezone.override(case.program.zone):
        document = letter_document(
            case=case, session=None, issued_at=ISSUED_AT, texts=merged_texts(case), experts=expert_names(case)
        )
        return render_to_string(LETTER_TEMPLATE, document)
