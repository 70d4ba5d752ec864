"""Case form definitions: the built-in templates per specialty are valid, the pain template is
today's form field for field, and a definition with a mistake is refused with a clear reason."""

import copy

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import capfirst

from cases.caseforms.definition import PAIN_COLUMNS, field_map, heading_keys, text_keys, validate_definition
from cases.caseforms.templates_builtin import TEMPLATES, template_definition
from cases.models import Case, RecommendationHeading


def _problems(definition) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_definition(definition)
    return caught.value.messages


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_every_builtin_template_is_a_valid_definition(key):
    definition = template_definition(key)

    validate_definition(definition)

    assert definition["template"] == key
    assert heading_keys(definition)


def test_the_pain_template_is_todays_form_stored_in_todays_columns():
    fields = field_map(template_definition("chronic_pain"))

    assert set(fields) == PAIN_COLUMNS
    assert all(field["column"] == key for key, field in fields.items())
    for key, field in fields.items():
        if key != "medications":
            assert field["label"] == capfirst(Case._meta.get_field(key).verbose_name)
    assert (fields["pain_intensity"]["min"], fields["pain_intensity"]["max"]) == (0, 10)
    assert (fields["phq9_score"]["max"], fields["gad7_score"]["max"], fields["ort_score"]["max"]) == (
        27,
        21,
        26,
    )
    assert fields["medications"]["mme"] is True


def test_the_pain_template_keeps_todays_recommendation_headings_in_order():
    assert list(heading_keys(template_definition("chronic_pain"))) == RecommendationHeading.values


def test_the_hepatitis_c_template_asks_what_an_hcv_case_presentation_asks():
    definition = template_definition("hepatitis_c")
    fields = field_map(definition)

    for key in (
        "genotype",
        "viral_load",
        "apri",
        "fib4",
        "prior_treatment",
        "interactions",
        "reinfection_risk",
    ):
        assert key in fields
    assert fields["viral_load"]["unit"] == "IU/mL"
    assert fields["medications"]["mme"] is False
    assert heading_keys(definition)[:4] == ("treatment_choice", "monitoring", "interactions", "reinfection")


def test_the_mental_health_and_dementia_templates_carry_their_instruments():
    mental, dementia = (
        field_map(template_definition("mental_health")),
        field_map(template_definition("dementia")),
    )

    assert [(mental[k]["instrument"], mental[k]["max"]) for k in ("phq9", "gad7", "audit")] == [
        ("PHQ-9", 27),
        ("GAD-7", 21),
        ("AUDIT", 40),
    ]
    assert mental["suicide_risk"]["required"] is True
    assert (dementia["moca"]["instrument"], dementia["moca"]["max"]) == ("MoCA", 30)
    assert "acb_score" in dementia and "caregiver_situation" in dementia


def test_the_text_answers_are_the_ones_the_identifier_guard_reads():
    assert "caregiver_situation" in text_keys(template_definition("dementia"))
    assert "moca" not in text_keys(template_definition("dementia"))


def test_template_labels_are_translated_in_french():
    with translation.override("fr-ca"):
        assert translation.gettext("Liver fibrosis") != "Liver fibrosis"
        assert translation.gettext("Caregiver situation") != "Caregiver situation"
        assert str(TEMPLATES["hepatitis_c"][0]) == "Hépatite C"


def _hep_c() -> dict:
    return copy.deepcopy(template_definition("hepatitis_c"))


def test_a_definition_with_two_fields_of_one_key_is_refused():
    definition = _hep_c()
    definition["sections"][0]["fields"][1]["key"] = "genotype"

    assert "Field “genotype”: two fields have this key." in _problems(definition)


def test_a_field_key_that_shadows_a_case_field_or_is_malformed_is_refused():
    definition = _hep_c()
    definition["sections"][0]["fields"][0]["key"] = "title"
    definition["sections"][0]["fields"][1]["key"] = "Viral Load"

    problems = _problems(definition)

    assert "Field “title”: this key is the name of a field every case has." in problems
    assert (
        "Field “Viral Load”: a key is lower-case letters, digits and _, starting with a letter." in problems
    )


def test_ranges_must_be_numbers_with_the_lowest_below_the_highest():
    definition = _hep_c()
    fields = field_map(definition)
    fields["viral_load"]["min"], fields["viral_load"]["max"] = 10, 5
    fields["apri"]["max"] = "a lot"

    assert _problems(definition) == [
        "Field “viral_load”: the lowest value must be below the highest.",
        "Field “apri”: the max must be a number.",
    ]


def test_a_score_needs_its_scale():
    definition = template_definition("mental_health")
    field_map(definition)["phq9"]["max"] = None

    assert _problems(definition) == ["Field “phq9”: a score needs the lowest and highest value of its scale."]


def test_choices_need_two_distinct_values_with_labels():
    definition = _hep_c()
    fields = field_map(definition)
    fields["genotype"]["choices"] = [["1a", "1a"]]
    fields["cirrhosis"]["choices"] = [["none", "No"], ["none", "Nope"]]
    fields["prior_treatment"]["choices"] = [["", "Nothing"], ["daa", "DAA"]]

    assert _problems(definition) == [
        "Field “genotype”: give at least two choices.",
        "Field “cirrhosis”: two choices are the same.",
        "Field “prior_treatment”: each choice needs a value and a label.",
    ]


def test_a_form_has_one_medication_list_and_labelled_fields_of_known_types():
    definition = _hep_c()
    definition["sections"][0]["fields"].append(
        {"key": "more_meds", "type": "medications", "label": "More", "mme": True}
    )
    definition["sections"][0]["fields"].append({"key": "x", "type": "colour", "label": "X"})
    definition["sections"][0]["fields"].append({"key": "y", "type": "short_text", "label": " "})

    assert _problems(definition) == [
        "Field “x”: choose the type of the field.",
        "Field “y”: give the field a label.",
        "A form has at most one medication list.",
    ]


def test_recommendation_headings_are_required_unique_and_labelled():
    definition = _hep_c()
    definition["headings"] = [{"key": "a", "label": "A"}, {"key": "a", "label": ""}]

    assert _problems(definition) == [
        "Two recommendation headings have the same key.",
        "Give every recommendation heading a label of up to 120 characters.",
    ]
    definition["headings"] = []
    assert _problems(definition) == ["Give at least one recommendation heading."]


def test_a_section_needs_a_title_and_the_sections_a_list():
    definition = _hep_c()
    definition["sections"][1]["title"] = ""

    assert _problems(definition) == ["Section 2: give the section a title."]
    assert _problems({"sections": "all", "headings": []}) == ["A form has a list of at most 20 sections."]
