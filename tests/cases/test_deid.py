import dataclasses

import pytest

from cases.deid import FIX_ADVICE, KIND_LABELS, Finding, explain, find_identifiers
from echo_hub.deid.lexicon import CUED, LARGE, REGION, SMALL, lexicon
from tests.cases.deid_corpus import (
    CLEAN,
    IDENTIFYING,
    LONG_CLEAN_CASE,
    flagged_clean_sentences,
    missed_identifiers,
)
from tests.cases.deid_corpus_fr import CLEAN_FR, IDENTIFYING_FR, LONG_CLEAN_CASE_FR

KINDS = [
    "name",
    "date",
    "age_over_89",
    "phone",
    "email",
    "url",
    "ip_address",
    "address",
    "postal_code",
    "health_card",
    "sin_ssn",
    "record_number",
    "other_id",
    "place",
    "employer",
]


def test_corpus_has_enough_labelled_identifiers_of_enough_kinds_in_both_languages():
    identifiers = [kind for _, expected in IDENTIFYING for kind, _ in expected]
    french = [kind for _, expected in IDENTIFYING_FR for kind, _ in expected]

    assert len(identifiers) >= 150
    assert len(set(identifiers)) >= 14
    assert len(french) / len(identifiers) >= 0.30
    assert len(CLEAN) >= 100
    assert len(CLEAN_FR) / len(CLEAN) >= 0.30
    assert 2_700 <= len(LONG_CLEAN_CASE) <= 3_300
    assert 2_700 <= len(LONG_CLEAN_CASE_FR) <= 3_300


def test_corpus_labels_are_known_kinds_found_in_their_sentence():
    bad = [
        (sentence, kind, identifier)
        for sentence, expected in IDENTIFYING
        for kind, identifier in expected
        if kind not in KINDS or identifier not in sentence
    ]

    assert bad == []


def test_find_identifiers_recall_over_identifying_corpus():
    total, missed = missed_identifiers(find_identifiers)

    recall = (total - len(missed)) / total
    print(
        f"\ndeid recall: {recall:.3f} ({total - len(missed)}/{total} identifiers, {len(IDENTIFYING)} sentences)"
    )
    print("\n".join(f"  missed {line}" for line in missed))
    assert recall >= 0.97, "\n".join(missed)


def test_find_identifiers_false_alarm_rate_over_clean_corpus():
    flagged = flagged_clean_sentences(find_identifiers)

    rate = len(flagged) / len(CLEAN)
    print(f"\ndeid false-alarm rate: {rate:.3f} ({len(flagged)}/{len(CLEAN)} clean sentences flagged)")
    print("\n".join(f"  flagged {line}" for line in flagged))
    assert rate <= 0.03, "\n".join(flagged)


@pytest.mark.parametrize("text", [LONG_CLEAN_CASE, LONG_CLEAN_CASE_FR], ids=["en", "fr"])
def test_find_identifiers_long_clean_case_is_clean(text):
    assert find_identifiers(text) == []


def test_find_identifiers_empty_text():
    assert find_identifiers("") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mrs. Tremblay is 58.", Finding("name", 0, 13, "Mrs. Tremblay")),
        ("Her husband Paul drives her.", Finding("name", 12, 16, "Paul")),
        ("Patient J.S. is a roofer.", Finding("name", 8, 12, "J.S.")),
        ("Bob is a retired miner.", Finding("name", 0, 3, "Bob")),
        ("Seen on March 14, 2025 in the ED.", Finding("date", 8, 22, "March 14, 2025")),
        ("DOB 14/03/1962.", Finding("date", 4, 14, "14/03/1962")),
        ("DOB 1962, lives alone.", Finding("date", 4, 8, "1962")),
        ("Refill on 14-Mar-2025 was early.", Finding("date", 10, 21, "14-Mar-2025")),
        ("A 92-year-old widow.", Finding("age_over_89", 2, 13, "92-year-old")),
        ("Patient aged 91 with knee OA.", Finding("age_over_89", 8, 15, "aged 91")),
        ("Cell (705) 555-0123.", Finding("phone", 5, 19, "(705) 555-0123")),
        ("Line 1-800-555-0199 ext. 234 for the nurse.", Finding("phone", 5, 28, "1-800-555-0199 ext. 234")),
        ("Write to j_kowalski@northernmail.ca.", Finding("email", 9, 35, "j_kowalski@northernmail.ca")),
        ("See clinic.ca/patient/123.", Finding("url", 4, 25, "clinic.ca/patient/123")),
        ("From 192.168.14.201 today.", Finding("ip_address", 5, 19, "192.168.14.201")),
        ("He lives at 14 Elm Road.", Finding("address", 12, 23, "14 Elm Road")),
        ("Mail to P.O. Box 123 please.", Finding("address", 8, 20, "P.O. Box 123")),
        ("Sudbury, ON P3E 2C6.", Finding("postal_code", 12, 19, "P3E 2C6")),
        ("OHIP 1234-567-890-AB on file.", Finding("health_card", 5, 20, "1234-567-890-AB")),
        ("RAMQ ABCD 1234 5678 on file.", Finding("health_card", 5, 19, "ABCD 1234 5678")),
        ("SIN 123-456-789 for CPP-D.", Finding("sin_ssn", 4, 15, "123-456-789")),
        ("MRN 12345678 at HSN.", Finding("record_number", 4, 12, "12345678")),
        ("Chart #4471 has the agreement.", Finding("record_number", 7, 11, "4471")),
        ("WSIB claim 1234567 is open.", Finding("other_id", 11, 18, "1234567")),
        ("Licence plate ABCD 123 was noted.", Finding("other_id", 14, 22, "ABCD 123")),
        ("Nadia Okemow is a 51 year old woman.", Finding("name", 0, 12, "Nadia Okemow")),
        ("Later mr lavoie says it helps.", Finding("name", 6, 15, "mr lavoie")),
        ("Wapun Okemow, 44 y/o, trapper.", Finding("name", 0, 12, "Wapun Okemow")),
        ("Grace says the patch falls off.", Finding("name", 0, 5, "Grace")),
        ("She lives in Kapuskasing now.", Finding("place", 13, 24, "Kapuskasing")),
        ("He drives in from Moonbeam.", Finding("place", 18, 26, "Moonbeam")),
        ("Lives near Marathon.", Finding("place", 11, 19, "Marathon")),
        ("Raised in Hope, BC.", Finding("place", 10, 14, "Hope")),
        ("From Sandy Lake First Nation.", Finding("place", 5, 28, "Sandy Lake First Nation")),
        ("He lives in Foxhollow, ON.", Finding("place", 12, 21, "Foxhollow")),
        ("Works at the sawmill owned by Resolute.", Finding("employer", 30, 38, "Resolute")),
        ("Retired from Algoma Steel in 2016.", Finding("employer", 13, 25, "Algoma Steel")),
        ("Requisition SJHC-553120 attached.", Finding("record_number", 12, 23, "SJHC-553120")),
        ("Visit# 20251102-0117 in the ED.", Finding("record_number", 7, 20, "20251102-0117")),
        ("Mme Gagnon a mal au dos.", Finding("name", 0, 10, "Mme Gagnon")),
        ("Née le 14 mars 1962.", Finding("date", 7, 19, "14 mars 1962")),
        ("Vue en avril pour un sevrage.", Finding("date", 7, 12, "avril")),
        ("Sa mère a 93 ans.", Finding("age_over_89", 10, 16, "93 ans")),
        ("Carte santé 1234 567 890 à jour.", Finding("health_card", 12, 24, "1234 567 890")),
        ("Son NAS est le 046 454 286.", Finding("sin_ssn", 15, 26, "046 454 286")),
        ("Il habite au 12, boul. Lasalle.", Finding("address", 13, 30, "12, boul. Lasalle")),
        ("Elle vit à Chisasibi.", Finding("place", 11, 20, "Chisasibi")),
        ("Il travaille chez Hydro-Québec.", Finding("employer", 18, 30, "Hydro-Québec")),
    ],
)
def test_find_identifiers_spot_check(text, expected):
    assert find_identifiers(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Oxycodone 5 mg q4-6h PRN and fentanyl 25 mcg/h patch q72h.",
        "PHQ-9 14, GAD-7 of 12, PEG 7, pain 7/10.",
        "Stenosis at L4-L5 and L5-S1, old fracture at T12.",
        "BP 138/84, HR 88, eGFR 58, HbA1c 7.2%.",
        "MRI in 2019, on opioids since 2015, worse in 2020-2021.",
        "She tried OxyContin, Percocet, Tylenol #3 and Lyrica.",
        "Tinel's sign positive; her father had Parkinson's.",
        "She is 89 years old; he is in his 60s.",
        "He was found with RR 6 and pinpoint pupils.",
        "Gabapentin titrated 300-600-900 mg.",
        "Saw Physio Plus twice a week.",
        "He drives to Sudbury for his MRI.",
        "She moved to Toronto to be near her daughter.",
        "Hope is what keeps her going.",
        "Will review the taper next visit.",
        "Many First Nations communities have no pharmacist.",
        "He works at the mine and his wife works for the school board.",
        "Her husband is supportive; her physio Plus program ended.",
        "PHQ-9 14, COVID-19 in 2021, ICD-10 G89.4.",
        "ECG: QTc 468 ms sous méthadone.",
        "Le signe de Tinel est positif; maladie de Parkinson chez le père.",
        "Elle a 89 ans et vit seule.",
        "Mars a été difficile, mais avril va mieux.",
        "Elle habite à Ottawa depuis 2019.",
        "Il travaille à la mine et sa femme travaille pour la commission scolaire.",
    ],
)
def test_find_identifiers_ignores_clinical_near_misses(text):
    assert find_identifiers(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Seen by Dr. Patel today.", Finding("name", 8, 17, "Dr. Patel")),
        ("Call 1-800-555-0199 ext. 234 today.", Finding("phone", 5, 28, "1-800-555-0199 ext. 234")),
        ("Her DOB is 1961-04-02.", Finding("date", 11, 21, "1961-04-02")),
    ],
)
def test_find_identifiers_longest_candidate_wins_on_overlap(text, expected):
    assert find_identifiers(text) == [expected]


def test_find_identifiers_dense_line():
    text = "Mr. Beaudoin (MRN 0093312) lives at 31 Pine St, Espanola P5E 1A4."

    assert find_identifiers(text) == [
        Finding("name", 0, 12, "Mr. Beaudoin"),
        Finding("record_number", 18, 25, "0093312"),
        Finding("address", 36, 46, "31 Pine St"),
        Finding("place", 48, 56, "Espanola"),
        Finding("postal_code", 57, 64, "P5E 1A4"),
    ]


def test_find_identifiers_findings_are_sorted_disjoint_slices():
    texts = [sentence for sentence, _ in IDENTIFYING] + CLEAN + [" ".join(s for s, _ in IDENTIFYING)]
    problems = []
    for text in texts:
        findings = find_identifiers(text)
        previous_end = 0
        for finding in findings:
            if finding.kind not in KIND_LABELS or finding.text != text[finding.start : finding.end]:
                problems.append((text, finding))
            if finding.start < previous_end or finding.start >= finding.end:
                problems.append((text, finding))
            previous_end = finding.end

    assert problems == []


def test_finding_is_frozen():
    finding = Finding("name", 0, 3, "Bob")

    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.kind = "date"


def test_every_kind_has_label_and_advice():
    assert sorted(KIND_LABELS) == sorted(KINDS)
    assert sorted(FIX_ADVICE) == sorted(KINDS)
    assert all(KIND_LABELS[kind].strip() and FIX_ADVICE[kind].endswith(".") for kind in KINDS)


def test_explain_date():
    finding = find_identifiers("Admitted on March 14 for an overdose.")[0]

    assert explain(finding) == (
        "Date “March 14”: Give the patient's age band or a relative time such as “three months ago”, "
        "never a calendar date."
    )


@pytest.mark.parametrize("kind", KINDS)
def test_explain_gives_label_text_and_advice(kind):
    finding = Finding(kind, 0, 4, "abcd")

    assert explain(finding) == f"{KIND_LABELS[kind]} “abcd”: {FIX_ADVICE[kind]}"


@pytest.mark.parametrize(
    ("place", "kind"),
    [
        ("kapuskasing", SMALL),
        ("sandy lake", SMALL),
        ("moonbeam", CUED),
        ("hope", CUED),
        ("sudbury", LARGE),
        ("thunder bay", LARGE),
        ("ontario", REGION),
        ("florida", REGION),
    ],
)
def test_word_lists_class_places_by_size_and_ambiguity(place, kind):
    assert lexicon().places[place] == kind


def test_word_lists_tell_strong_names_from_everyday_words():
    names = lexicon()

    assert {"karen", "okemow", "lavoie", "tremblay"} <= names.strong_given | names.strong_surnames
    assert {"will", "grace", "baker", "parent"} <= names.given | names.surnames
    assert {"will", "grace", "baker", "parent"}.isdisjoint(names.strong_given | names.strong_surnames)
    assert {"plus", "will", "parent"} <= names.common
