"""The built-in case forms a program starts from, one per specialty, after the case
presentation forms ECHO hubs use (Project ECHO's HCV, mental health and addictions and
dementia care case forms). Every case also has the fields all forms share (title, age band,
sex/gender, main concern, consent, questions for the hub): they are not repeated here."""

from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as _  # message ids, translated when shown

from .fields import heading, long, medications, multiple, number, score, section, short, single, yes_no
from .templates_pain import pain_definition

UNKNOWN = ("unknown", _("Unknown or not done"))


def hepatitis_c_definition() -> dict:
    return {
        "template": "hepatitis_c",
        "sections": [
            section(
                _("Hepatitis C"),
                single(
                    "genotype",
                    _("Genotype"),
                    [
                        ("1a", "1a"),
                        ("1b", "1b"),
                        ("2", "2"),
                        ("3", "3"),
                        ("4", "4"),
                        ("5", "5"),
                        ("6", "6"),
                        ("mixed", _("Mixed")),
                        UNKNOWN,
                    ],
                ),
                number("viral_load", _("HCV RNA viral load"), unit="IU/mL", min=0, max=1_000_000_000),
                short(
                    "known_for", _("Known infected for"), _("For example “about 5 years”; never the date.")
                ),
                multiple(
                    "coinfection",
                    _("Co-infection"),
                    [("hbv", _("Hepatitis B")), ("hiv", "HIV")],
                    _("Leave empty if none is known."),
                ),
            ),
            section(
                _("Liver fibrosis"),
                number("apri", "APRI", min=0, max=50, help=_("AST to platelet ratio index.")),
                number("fib4", "FIB-4", min=0, max=50),
                number("elastography", _("Transient elastography (FibroScan)"), unit="kPa", min=1, max=80),
                single(
                    "cirrhosis",
                    _("Cirrhosis"),
                    [
                        ("none", _("No cirrhosis")),
                        ("compensated", _("Compensated cirrhosis")),
                        ("decompensated", _("Decompensated cirrhosis")),
                        UNKNOWN,
                    ],
                ),
                long(
                    "labs",
                    _("Recent blood work"),
                    _("ALT, AST, platelets, albumin, bilirubin, INR, eGFR; no dates."),
                ),
            ),
            section(
                _("Treatment history and interactions"),
                single(
                    "prior_treatment",
                    _("Prior hepatitis C treatment"),
                    [
                        ("naive", _("Never treated")),
                        ("interferon", _("Interferon-based")),
                        ("daa", _("Direct-acting antivirals")),
                        UNKNOWN,
                    ],
                ),
                long("prior_treatment_details", _("Prior treatment and its outcome")),
                medications(
                    "medications",
                    _("Current medications"),
                    mme=False,
                    help=_(
                        "All of them, including over-the-counter and herbal: the hub checks interactions."
                    ),
                ),
                long("interactions", _("Drug interactions already identified")),
            ),
            section(
                _("Reinfection risk and supports"),
                yes_no("injection_drug_use", _("Injection drug use in the past 6 months")),
                yes_no("oat", _("On opioid agonist therapy")),
                short("alcohol", _("Alcohol use")),
                yes_no("pregnancy", _("Pregnant or planning a pregnancy")),
                long(
                    "reinfection_risk",
                    _("Reinfection risk and harm reduction"),
                    _("Shared equipment, partners, access to supplies."),
                ),
                long(
                    "barriers",
                    _("Barriers to treatment and follow-up"),
                    _("Housing, transport, phone access. No names or places."),
                ),
            ),
        ],
        "headings": [
            heading("treatment_choice", _("Treatment choice")),
            heading("monitoring", _("Monitoring")),
            heading("interactions", _("Drug interactions")),
            heading("reinfection", _("Reinfection prevention and harm reduction")),
            heading("follow_up", _("Follow-up")),
            heading("other", _("Other")),
        ],
    }


def mental_health_definition() -> dict:
    return {
        "template": "mental_health",
        "sections": [
            section(
                _("History"),
                long("psychiatric_history", _("Psychiatric history and diagnoses")),
                long("medical_history", _("Medical history")),
            ),
            section(
                _("Screening scores"),
                score("phq9", "PHQ-9", instrument="PHQ-9", min=0, max=27),
                score("gad7", "GAD-7", instrument="GAD-7", min=0, max=21),
                score("audit", "AUDIT", instrument="AUDIT", min=0, max=40),
                score("dast10", "DAST-10", instrument="DAST-10", min=0, max=10),
            ),
            section(
                _("Substance use"),
                multiple(
                    "substances",
                    _("Substances used"),
                    [
                        ("alcohol", _("Alcohol")),
                        ("opioids", _("Opioids")),
                        ("stimulants", _("Stimulants")),
                        ("cannabis", _("Cannabis")),
                        ("benzodiazepines", _("Benzodiazepines")),
                        ("tobacco", _("Tobacco")),
                        ("other", _("Other")),
                    ],
                ),
                long(
                    "substance_use",
                    _("Pattern of use"),
                    _("How much, how often, route, last use (no dates)."),
                ),
                yes_no("oat", _("On opioid agonist therapy")),
            ),
            section(
                _("Safety"),
                single(
                    "suicide_risk",
                    _("Suicidal thoughts"),
                    [
                        ("none", _("None currently")),
                        ("passive", _("Passive thoughts")),
                        ("active", _("Active thoughts, no plan")),
                        ("plan", _("Active thoughts with a plan or intent")),
                    ],
                    required=True,
                ),
                yes_no("risk_to_others", _("Risk to others")),
                yes_no("safety_plan", _("Safety plan in place")),
                long("safety_details", _("Safety assessment")),
            ),
            section(
                _("Current treatment"),
                medications("medications", _("Current medications"), mme=False),
                long("psychotherapy", _("Counselling and psychotherapy")),
                long("supports", _("Social context and supports"), _("No names, employers or places.")),
            ),
        ],
        "headings": [
            heading("diagnosis", _("Diagnostic impressions")),
            heading("pharmacological", _("Pharmacological management")),
            heading("psychosocial", _("Psychological and psychosocial interventions")),
            heading("substance_use", _("Substance use and harm reduction")),
            heading("safety", _("Safety")),
            heading("referrals", _("Referrals and resources")),
            heading("other", _("Other")),
        ],
    }


def dementia_definition() -> dict:
    return {
        "template": "dementia",
        "sections": [
            section(
                _("Cognition"),
                score("moca", "MoCA", instrument="MoCA", min=0, max=30),
                score("mmse", "MMSE", instrument="MMSE", min=0, max=30),
                single(
                    "diagnosis",
                    _("Working diagnosis"),
                    [
                        ("none", _("Not yet diagnosed")),
                        ("mci", _("Mild cognitive impairment")),
                        ("alzheimer", _("Alzheimer's disease")),
                        ("vascular", _("Vascular dementia")),
                        ("mixed", _("Mixed dementia")),
                        ("lewy", _("Lewy body dementia")),
                        ("frontotemporal", _("Frontotemporal dementia")),
                        ("unclear", _("Other or unclear")),
                    ],
                ),
                long("cognitive_course", _("Course of the cognitive changes")),
            ),
            section(
                _("Function"),
                long(
                    "adl", _("Basic activities of daily living"), _("Bathing, dressing, toileting, eating.")
                ),
                long("iadl", _("Instrumental activities"), _("Finances, medications, cooking, driving.")),
                yes_no("driving", _("Still driving")),
                yes_no("falls", _("Falls in the past 6 months")),
            ),
            section(
                _("Behaviours"),
                multiple(
                    "behaviours",
                    _("Responsive behaviours"),
                    [
                        ("agitation", _("Agitation")),
                        ("aggression", _("Aggression")),
                        ("wandering", _("Wandering")),
                        ("apathy", _("Apathy")),
                        ("sleep", _("Sleep disturbance")),
                        ("psychosis", _("Hallucinations or delusions")),
                        ("mood", _("Depression or anxiety")),
                    ],
                ),
                long("behaviour_details", _("Behaviours: triggers and what has been tried")),
            ),
            section(
                _("Caregiver situation"),
                single(
                    "living",
                    _("Lives"),
                    [
                        ("alone", _("Alone")),
                        ("family", _("With a spouse or family")),
                        ("retirement", _("In a retirement home")),
                        ("ltc", _("In long-term care")),
                    ],
                ),
                single(
                    "caregiver_strain",
                    _("Caregiver"),
                    [
                        ("none", _("No regular caregiver")),
                        ("coping", _("Coping")),
                        ("strained", _("Strained")),
                        ("crisis", _("In crisis")),
                    ],
                ),
                long("caregiver_situation", _("Caregiver situation"), _("Who helps and how much; no names.")),
            ),
            section(
                _("Medications"),
                medications("medications", _("Current medications"), mme=False),
                number(
                    "acb_score",
                    _("Anticholinergic burden (ACB) total"),
                    min=0,
                    max=40,
                    help=_(
                        "The sum of the Anticholinergic Cognitive Burden scale scores of the medications."
                    ),
                ),
            ),
        ],
        "headings": [
            heading("diagnosis", _("Diagnosis and cognition")),
            heading("medications", _("Medications and deprescribing")),
            heading("behaviours", _("Behaviours")),
            heading("caregiver", _("Caregiver support")),
            heading("safety", _("Safety: driving, falls, capacity")),
            heading("referrals", _("Community supports and referrals")),
            heading("other", _("Other")),
        ],
    }


def blank_definition() -> dict:
    return {
        "template": "blank",
        "sections": [],
        "headings": [heading("recommendations", _("Recommendations"))],
    }


TEMPLATES = {
    "chronic_pain": (gettext_lazy("Chronic pain and opioid stewardship"), pain_definition),
    "hepatitis_c": (gettext_lazy("Hepatitis C"), hepatitis_c_definition),
    "mental_health": (gettext_lazy("Mental health and addictions"), mental_health_definition),
    "dementia": (gettext_lazy("Dementia and geriatrics"), dementia_definition),
    "blank": (gettext_lazy("Blank form"), blank_definition),
}
TEMPLATE_CHOICES = [(key, label) for key, (label, _build) in TEMPLATES.items()]


def template_definition(key: str) -> dict:
    return TEMPLATES[key][1]()
