import math
from decimal import Decimal

import pytest

from cases.mme import DRUG_CHOICES, MME_CAUTION, MME_HIGH, daily_mme, mme_level, normalize_drug


@pytest.mark.parametrize(
    ("drug", "daily_dose", "expected"),
    [
        ("oxycodone", 40, 60.0),
        ("fentanyl_transdermal", 25, 60.0),
        ("methadone", 20, 94.0),
        ("tramadol", 200, 40.0),
        ("tapentadol", 200, 80.0),
        ("codeine", 240, 36.0),
        ("hydromorphone", 8, 40.0),
        ("oxymorphone", 20, 60.0),
        ("hydrocodone", 30, 30.0),
        ("morphine", 90, 90.0),
    ],
)
def test_daily_mme_uses_cdc_2022_factor(drug, daily_dose, expected):
    assert daily_mme(drug, daily_dose) == expected


@pytest.mark.parametrize(
    ("drug", "daily_dose", "expected"),
    [
        ("codeine", 30.5, 4.6),  # 4.575 rounds half up
        ("oxycodone", 7.5, 11.3),  # 11.25 rounds half up
        ("tramadol", 37.5, 7.5),
        ("fentanyl", 12, 28.8),
        ("hydromorphone", 0.5, 2.5),
        ("morphine", 0, 0.0),
    ],
)
def test_daily_mme_rounds_to_one_decimal(drug, daily_dose, expected):
    assert daily_mme(drug, daily_dose) == expected


def test_daily_mme_accepts_decimal_dose_from_a_form():
    assert daily_mme("oxycodone", Decimal("40.0")) == 60.0


@pytest.mark.parametrize(
    ("brand", "generic"),
    [
        ("OxyContin", "oxycodone"),
        ("OxyNEO", "oxycodone"),
        ("Percocet", "oxycodone"),
        ("Endocet", "oxycodone"),
        ("Roxicodone", "oxycodone"),
        ("Supeudol", "oxycodone"),
        ("Dilaudid", "hydromorphone"),
        ("Hydromorph Contin", "hydromorphone"),
        ("Jurnista", "hydromorphone"),
        ("Exalgo", "hydromorphone"),
        ("MS Contin", "morphine"),
        ("Kadian", "morphine"),
        ("M-Eslon", "morphine"),
        ("Statex", "morphine"),
        ("Doloral", "morphine"),
        ("Duragesic", "fentanyl_transdermal"),
        ("Tylenol #3", "codeine"),
        ("Tylenol No. 3", "codeine"),
        ("Tylenol with codeine", "codeine"),
        ("Codeine Contin", "codeine"),
        ("Ultram", "tramadol"),
        ("Tramacet", "tramadol"),
        ("Zytram XL", "tramadol"),
        ("Ralivia", "tramadol"),
        ("Durela", "tramadol"),
        ("Tridural", "tramadol"),
        ("Nucynta", "tapentadol"),
        ("Metadol", "methadone"),
        ("Methadose", "methadone"),
        ("Vicodin", "hydrocodone"),
        ("Norco", "hydrocodone"),
        ("Hycodan", "hydrocodone"),
        ("Opana", "oxymorphone"),
        ("Butrans", "buprenorphine"),
        ("Suboxone", "buprenorphine"),
        ("Belbuca", "buprenorphine"),
        ("Sublocade", "buprenorphine"),
    ],
)
def test_normalize_drug_maps_brand_to_generic(brand, generic):
    assert normalize_drug(brand) == generic


@pytest.mark.parametrize(
    ("drug", "generic"),
    [
        ("  OXYCODONE  ", "oxycodone"),
        ("morphine sulfate SR", "morphine"),
        ("Morphine   Sulphate", "morphine"),
        ("oxycodone HCl CR", "oxycodone"),
        ("hydromorphone contin", "hydromorphone"),
        ("oxycodone/acetaminophen 5/325 mg", "oxycodone"),
        ("Oxycodone ER (OxyContin) 20 mg", "oxycodone"),
        ("fentanyl patch 25 mcg/h", "fentanyl_transdermal"),
        ("Fentanyl Transdermal", "fentanyl_transdermal"),
        ("fentanyl", "fentanyl_transdermal"),
        ("tramadol/acetaminophen", "tramadol"),
        ("buprenorphine sublingual", "buprenorphine"),
        ("other", "other"),
    ],
)
def test_normalize_drug_ignores_case_salts_and_formulations(drug, generic):
    assert normalize_drug(drug) == generic


def test_normalize_drug_maps_every_choice_key_to_itself():
    assert {key: normalize_drug(key) for key, _label in DRUG_CHOICES} == {
        key: key for key, _label in DRUG_CHOICES
    }


@pytest.mark.parametrize(
    "drug",
    [
        "",
        "   ",
        "acetaminophen",
        "Tylenol",
        "gabapentin",
        "naloxone",
        "dihydrocodeine",
        "levorphanol",
        "MS",
        "oxycodone and morphine",
        "aspirin-free wonder pill",
        "fentanyl buccal",
        "fentanyl nasal spray",
        "fentanyl IV",
        "hydromorphone injection",
        "morphine IV",
    ],
)
def test_normalize_drug_returns_none_for_unknown_or_unsupported(drug):
    assert normalize_drug(drug) is None


@pytest.mark.parametrize(
    "drug",
    [
        "buprenorphine",
        "Butrans",
        "Suboxone",
        "Belbuca",
        "Sublocade",
        "other",
        "fentanyl buccal",
        "fentanyl nasal",
        "fentanyl IV",
        "gabapentin",
        "acetaminophen",
        "not a drug",
        "",
    ],
)
def test_daily_mme_returns_none_without_a_factor(drug):
    assert daily_mme(drug, 10) is None


@pytest.mark.parametrize("daily_dose", [-1, -0.1, math.nan, math.inf, -math.inf, None, "forty", True])
def test_daily_mme_returns_none_for_invalid_dose(daily_dose):
    assert daily_mme("morphine", daily_dose) is None


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (None, "none"),
        (0.0, "below_50"),
        (49.9, "below_50"),
        (50.0, "at_or_above_50"),
        (89.9, "at_or_above_50"),
        (90.0, "at_or_above_90"),
        (400.0, "at_or_above_90"),
    ],
)
def test_mme_level_thresholds(total, level):
    assert mme_level(total) == level


def test_mme_thresholds_are_cdc_reference_points():
    assert (MME_CAUTION, MME_HIGH) == (50, 90)


def test_drug_choices_have_unique_keys_with_buprenorphine_and_other():
    keys = [key for key, _label in DRUG_CHOICES]
    assert len(keys) == len(set(keys)) == 12
    assert keys[-2:] == ["buprenorphine", "other"]
    assert dict(DRUG_CHOICES)["fentanyl_transdermal"] == "Fentanyl patch (mcg/h)"
