"""The chronic pain and opioid stewardship form: exactly the case form every program had
before forms were set per program, field for field.

Its fields keep their Case columns (`column`) instead of being copied into Case.answers: cases
written before, their letters, the library's MME filter (a sum over the Medication rows) and
every report keep reading the same columns, so the migration moves no data and cannot change a
byte of what an old case shows or prints. Forms derived from it keep the columns too."""

from django.utils.translation import gettext_noop as _  # message ids, translated when shown

from .fields import heading, long, medications, score, section, short, single, yes_no

UDS_RECENCY = [
    ("never", _("Never done")),
    ("3m", _("Within 3 months")),
    ("12m", _("Within 12 months")),
    ("older", _("More than 12 months ago")),
]
UDS_RESULT = [("na", _("Not applicable")), ("expected", _("Expected")), ("unexpected", _("Unexpected"))]

# The keys of today's nine headings, in the order the letter prints them: existing
# recommendations stay under the heading they were written under.
PAIN_HEADINGS = [
    heading("differential", _("Differential diagnosis")),
    heading("investigations", _("Investigations")),
    heading("referrals", _("Referrals")),
    heading("non_pharm", _("Non-pharmacological management")),
    heading("pharm_non_opioid", _("Pharmacological management (non-opioid)")),
    heading("opioid", _("Opioid management")),
    heading("interventional", _("Interventional")),
    heading("psychosocial", _("Psychosocial")),
    heading("other", _("Other")),
]


def _col(field: dict) -> dict:
    return {**field, "column": field["key"]}


def pain_definition() -> dict:
    return {
        "template": "chronic_pain",
        "sections": [
            section(
                _("Pain history"),
                _col(
                    short("pain_onset", _("Pain onset"), _("How it started, e.g. “lifting injury at work”."))
                ),
                _col(short("pain_duration", _("Pain duration"), _("For example “about 6 years”."))),
                _col(short("pain_location", _("Pain location"))),
                _col(short("pain_character", _("Pain character"), _("Burning, aching, shooting…"))),
                _col(score("pain_intensity", _("Pain intensity (0–10)"), instrument="NRS", min=0, max=10)),
                _col(long("function_goals", _("Function and goals"))),
            ),
            section(
                _("Treatment"),
                _col(
                    long(
                        "treatments_tried",
                        _("Treatments tried and their effect"),
                        _("Drug and non-drug treatments."),
                    )
                ),
                _col(medications("medications", _("Current medications"), mme=True)),
                _col(
                    yes_no("benzodiazepine_coprescribed", _("Benzodiazepine or other sedative co-prescribed"))
                ),
            ),
            section(
                _("Assessment and monitoring"),
                _col(long("investigations", _("Investigations"))),
                _col(score("peg_score", _("PEG score"), instrument="PEG", min=0, max=10, decimals=1)),
                _col(score("phq9_score", "PHQ-9", instrument="PHQ-9", min=0, max=27)),
                _col(score("gad7_score", "GAD-7", instrument="GAD-7", min=0, max=21)),
                _col(score("ort_score", _("Opioid Risk Tool"), instrument="ORT", min=0, max=26)),
                _col(
                    single(
                        "uds_recency", _("Urine drug test"), UDS_RECENCY, _("Say how recent, never the date.")
                    )
                ),
                _col(single("uds_result", _("Urine drug test result"), UDS_RESULT)),
                _col(yes_no("monitoring_checked", _("Prescription monitoring (ONMS) checked"))),
                _col(yes_no("treatment_agreement", _("Treatment agreement in place"))),
            ),
            section(
                _("Mental health and social context"),
                _col(long("mental_health", _("Mental health"))),
                _col(long("substance_use", _("Substance use"))),
                _col(
                    long(
                        "social_context",
                        _("Social context"),
                        _("Work, supports, access to services. No names, employers or places."),
                    )
                ),
            ),
        ],
        "headings": PAIN_HEADINGS,
    }
