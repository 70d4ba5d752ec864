"""Demo cases in every state, made through the real services (so letters are real PDFs)."""

from decimal import Decimal

from django.utils import timezone

from cases import library as case_library
from cases import services as case_services
from cases.models import Case, RecommendationHeading
from sessions.models import Program, Session

BASE_CASE = {
    "age_band": "50-59",
    "sex_gender": "man",
    "pain_onset": "Lifting injury at work",
    "pain_duration": "About 6 years",
    "pain_location": "Low back, radiating to the left leg",
    "pain_character": "Aching, with shooting pain down the leg",
    "pain_intensity": 7,
    "function_goals": "Wants to walk to the end of the road and back, and sleep through the night.",
    "treatments_tried": "Physiotherapy (some benefit), naproxen (stomach upset), duloxetine 30 mg (stopped, nausea).",
    "investigations": "MRI in 2019: L4-L5 disc bulge, no nerve root compression.",
    "phq9_score": 14,
    "gad7_score": 9,
    "uds_recency": "3m",
    "uds_result": "expected",
    "monitoring_checked": True,
    "treatment_agreement": True,
    "mental_health": "Low mood since losing his job; no suicidal ideation.",
    "substance_use": "Drinks 2–3 beers on weekends. No other substances.",
    "social_context": "Lives with his partner; on disability benefits; two hours' drive to the nearest pain clinic.",
    "consent": "yes",
    "attested_deidentified": True,
}

CASES = [
    {
        "title": "Tapering high-dose oxycodone after a work injury",
        "main_concern": "On oxycodone CR 60 mg twice daily for years; function is poor and he asks about tapering.",
        "question_1": "How fast can we taper, and what do we do if withdrawal is hard?",
        "question_2": "Is buprenorphine a reasonable switch here?",
        "medications": [("oxycodone", "120", "60 mg CR q12h"), ("other", "900", "300 mg TID", "Gabapentin")],
        "library_shared": True,
        "state": "letter_sent",
    },
    {
        "title": "Fibromyalgia with poor sleep and rising tramadol use",
        "main_concern": "Widespread pain, unrefreshing sleep, taking more tramadol than prescribed.",
        "question_1": "What non-drug options help most in a rural practice without a pain program?",
        "medications": [("tramadol", "300", "50 mg 2 tabs TID")],
        "pain_onset": "Gradual, after a viral illness",
        "pain_duration": "About 4 years",
        "pain_location": "Widespread: neck, shoulders, back and hips",
        "pain_character": "Aching and stiffness, worse in the morning and with stress",
        "pain_intensity": 6,
        "function_goals": "Wants to get back to part-time work and to sleep more than four hours a night.",
        "treatments_tried": "Amitriptyline 10 mg (dry mouth), walking program (some benefit), tramadol (escalating use).",
        "investigations": "CBC, TSH, CK, ESR and CRP normal.",
        "mental_health": "Anxiety for many years; no suicidal ideation.",
        "substance_use": "No alcohol. Takes extra tramadol on bad days.",
        "social_context": "Single parent of two; works part-time in retail; no pain program within a day's drive.",
        "library_shared": True,
        "state": "scheduled",
        "sex_gender": "woman",
    },
    {
        "title": "Neuropathic foot pain in long-standing diabetes",
        "main_concern": "Burning feet at night despite pregabalin; HbA1c 8.1%.",
        "question_1": "What is the next step after pregabalin?",
        "medications": [("other", "300", "150 mg BID", "Pregabalin")],
        "pain_onset": "Gradual, over several years of type 2 diabetes",
        "pain_duration": "About 3 years",
        "pain_location": "Both feet, up to the ankles",
        "pain_character": "Burning and tingling, worse at night",
        "pain_intensity": 6,
        "function_goals": "Wants to sleep through the night and keep walking the dog.",
        "treatments_tried": "Pregabalin up to 150 mg BID (some benefit, dizziness), capsaicin cream (could not tolerate).",
        "investigations": "Monofilament test reduced in both feet; eGFR 58; B12 normal.",
        "mental_health": "Frustrated by poor sleep; PHQ-9 mild; no suicidal ideation.",
        "substance_use": "Occasional alcohol; no other substances.",
        "social_context": "Retired; lives with his wife; a foot-care nurse visits the community once a month.",
        "state": "submitted",
    },
    {
        "title": "Chronic neck pain and benzodiazepine co-prescription",
        "main_concern": "Hydromorphone plus lorazepam at night; family worried about sedation.",
        "question_1": "How should we sequence tapering the benzodiazepine and the opioid?",
        "medications": [("hydromorphone", "16", "4 mg q6h")],
        "benzodiazepine_coprescribed": True,
        "pain_onset": "Motor vehicle collision",
        "pain_duration": "About 8 years",
        "pain_location": "Neck and upper back, with headaches",
        "pain_character": "Constant ache with sharp pain on turning the head",
        "pain_intensity": 8,
        "function_goals": "Wants to drive again and to be less drowsy during the day.",
        "treatments_tried": "Physiotherapy and massage (short relief), cyclobenzaprine (drowsy), hydromorphone (partial relief).",
        "investigations": "Cervical spine X-ray: degenerative changes at C5-C6.",
        "mental_health": "Insomnia and panic attacks; lorazepam at night for years; no suicidal ideation.",
        "substance_use": "No alcohol since starting lorazepam; no other substances.",
        "social_context": "Lives with family, who are worried about sedation; on long-term disability.",
        "sex_gender": "woman",
        "state": "returned",
    },
    {
        "title": "Knee osteoarthritis awaiting surgery",
        "main_concern": "Severe knee pain, long wait for a replacement; asking about opioids.",
        "question_1": "Is a short opioid trial reasonable while waiting?",
        "medications": [],
        "age_band": "70-79",
        "pain_onset": "Gradual, worse over the last two years",
        "pain_duration": "About 10 years",
        "pain_location": "Right knee",
        "pain_character": "Aching, with sharp pain on stairs and after walking",
        "pain_intensity": 7,
        "function_goals": "Wants to manage the stairs at home and walk to the store until surgery.",
        "treatments_tried": "Acetaminophen (little benefit), topical diclofenac (some benefit), steroid injection (helped for six weeks).",
        "investigations": "Knee X-ray: severe medial joint-space narrowing.",
        "mental_health": "Good mood; worried about losing independence.",
        "substance_use": "No alcohol or other substances.",
        "social_context": "Lives alone; a daughter helps with shopping; the surgical centre is a flight away.",
        "state": "draft",
    },
]


def seed_demo_cases(*, program: Program, users: dict) -> None:
    spoke, coordinator, expert = users["spoke"], users["coordinator"], users["expert"]
    now = timezone.now()
    past = Session.objects.filter(program=program, ends_at__lt=now).order_by("-starts_at").first()
    upcoming = Session.objects.filter(program=program, starts_at__gt=now).order_by("starts_at").first()
    for spec in CASES:
        spec = dict(spec)
        state = spec.pop("state")
        rows = [
            case_services.MedicationRow(
                drug=drug, daily_dose=Decimal(dose), schedule=schedule, drug_other=other[0] if other else ""
            )
            for drug, dose, schedule, *other in spec.pop("medications")
        ]
        case = case_services.save_case_draft(
            presenter=spoke, program=program, fields=BASE_CASE | spec, medications=rows
        )
        if state == "draft":
            continue
        case_services.submit_case(case=case, by=spoke)
        if state == "returned":
            case_services.return_case(
                case=case,
                by=coordinator,
                comment="Please add the current lorazepam dose and how long she has taken it.",
            )
        elif state == "scheduled" and upcoming:
            case_services.assign_case_to_session(case=case, session=upcoming, by=coordinator)
        elif state == "letter_sent" and past:
            _present_in_past_session(case, past, coordinator, expert)


def _present_in_past_session(case: Case, session: Session, coordinator, expert) -> None:
    # The demo back-fills history: slot it in a past session the way a coordinator did then.
    from cases.models import CaseEvent, CaseSlot

    CaseSlot.objects.create(session=session, case=case, position=1, assigned_by=coordinator)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.SCHEDULED)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.SCHEDULED, actor=coordinator, note=session.title)
    case.refresh_from_db()
    case_services.save_recommendations(
        case=case,
        author=expert,
        texts={
            RecommendationHeading.OPIOID: "Taper oxycodone by 10% of the total daily dose every 2–4 weeks, "
            "pausing when withdrawal or pain flares. Offer a naloxone kit now.",
            RecommendationHeading.PHARM_NON_OPIOID: "Retry duloxetine starting at 30 mg with food; "
            "increase to 60 mg after two weeks if tolerated.",
            RecommendationHeading.NON_PHARM: "Graded walking programme with a weekly goal; "
            "consider online CBT for chronic pain.",
            RecommendationHeading.OTHER: "If the taper stalls, a rotation to buprenorphine is reasonable "
            "and can be discussed again at a follow-up presentation.",
        },
    )
    case_services.finalize_recommendations(case=case, by=coordinator)
    case.refresh_from_db()
    # The presenter ticked "share in the library"; the coordinator screened and published it.
    case_library.screen_case_for_library(
        case=case, by=coordinator, publish=True, version=case_library.recommendations_version(case)
    )
