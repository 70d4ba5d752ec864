"""A case written on a program's own form: the hepatitis C form asks its questions, checks the
answers (ranges, choices, required on submit, the identifier guard with its vouch), and the case
page, the expert's form, the letter and the library all read the case's own form version."""

import copy
import re

import pytest
from django.urls import reverse

from cases import services
from cases.caseforms.templates_builtin import template_definition
from cases.library import library_cases
from cases.models import Case, IdentifierOverride, Recommendation
from cases.services.letters import LETTER_TEMPLATE, letter_document, merged_texts
from tests.factories import CaseSlotFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

CORE = {
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
HEP_C = {
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


def _create(client, program, data):
    return client.post(reverse("cases:create", kwargs={"slug": program.slug}), data)


def test_the_case_form_asks_the_programs_form(client, presenter, program, hep_c):
    client.force_login(presenter)

    body = client.get(reverse("cases:create", kwargs={"slug": program.slug})).content.decode()

    assert re.findall(r'<legend class="h5">([^<]+)</legend>', body) == [
        "The case",
        "Hepatitis C",
        "Liver fibrosis",
        "Treatment history and interactions",
        "Reinfection risk and supports",
        "Your questions for the hub",
        "Before you submit",
    ]
    assert 'name="viral_load"' in body and 'name="pain_onset"' not in body
    assert "From 0 to 1000000000 IU/mL." in body


def test_answers_are_stored_by_key_with_the_version_they_answer(client, presenter, program, hep_c):
    client.force_login(presenter)

    response = _create(client, program, CORE | HEP_C | {"save": "draft"})

    case = Case.objects.get()
    assert response.status_code == 302
    assert case.form_version == hep_c
    assert case.answers == {
        "genotype": "3",
        "viral_load": 1250000,
        "coinfection": ["hiv"],
        "apri": "1.8",
        "cirrhosis": "compensated",
        "prior_treatment": "naive",
        "interactions": "Methadone and a proton pump inhibitor.",
        "oat": True,
        "barriers": "Phone access is unreliable; transport is by band bus twice a week.",
    }
    assert "compensated cirrhosis" in case.answers_text.lower()
    assert (case.pain_onset, case.medications.count()) == ("", 0)


def test_answers_out_of_range_or_not_a_choice_are_refused_and_kept(client, presenter, program, hep_c):
    client.force_login(presenter)

    response = _create(client, program, CORE | HEP_C | {"viral_load": "-5", "genotype": "7", "save": "draft"})

    assert response.status_code == 200
    assert response.context["answers"].errors == {
        "viral_load": ["Ensure this value is greater than or equal to 0."],
        "genotype": ["Select a valid choice. 7 is not one of the available choices."],
    }
    assert 'value="-5"' in response.content.decode()
    assert not Case.objects.exists()


def test_a_required_answer_is_needed_to_submit_but_not_for_a_draft(client, presenter, program, coordinator):
    services.start_from_template(program=program, template="mental_health", by=coordinator)
    client.force_login(presenter)

    refused = _create(client, program, CORE | {"submit": "submit"})
    saved = _create(client, program, CORE | {"save": "draft"})

    assert refused.context["answers"].errors == {"suicide_risk": ["This field is required."]}
    assert saved.status_code == 302
    case = Case.objects.get()
    with pytest.raises(Exception) as caught:
        services.submit_case(case=case, by=presenter)
    assert caught.value.message_dict == {"suicide_risk": ["Required before you submit."]}


def test_an_identifying_answer_is_refused_unless_vouched_for(client, presenter, coordinator, program, hep_c):
    client.force_login(presenter)
    identifying = HEP_C | {"barriers": "Lives in Kapuskasing and drives in from Moonbeam."}

    refused = _create(client, program, CORE | identifying | {"save": "draft"})
    vouched = _create(
        client,
        program,
        CORE
        | identifying
        | {
            "save": "draft",
            "not_identifier_barriers": "on",
            "not_identifier_reason_barriers": "The towns are the clinic's catchment, not the patient's home.",
        },
    )

    assert "barriers" in refused.context["answers"].identifier_findings
    assert vouched.status_code == 302
    override = IdentifierOverride.objects.get()
    assert (override.field, override.status) == ("barriers", IdentifierOverride.Status.PENDING)
    case = Case.objects.get()
    services.submit_case(case=case, by=presenter)
    client.force_login(coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Barriers to treatment and follow-up" in page
    assert "<mark" in page


@pytest.fixture
def hep_c_case(program, presenter, hep_c, session):
    case = services.save_case_draft(
        presenter=presenter,
        program=program,
        fields={
            k: v for k, v in CORE.items() if "_" not in k or k.startswith(("age", "sex", "main", "question"))
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


def test_the_case_page_shows_the_answers_of_the_cases_form(client, coordinator, hep_c_case):
    client.force_login(coordinator)

    body = client.get(hep_c_case.get_absolute_url()).content.decode()

    assert '<dt class="col-sm-4">HCV RNA viral load</dt><dd class="col-sm-8">1250000 IU/mL</dd>' in body
    assert '<dt class="col-sm-4">Cirrhosis</dt><dd class="col-sm-8">Compensated cirrhosis</dd>' in body
    assert '<dt class="col-sm-4">On opioid agonist therapy</dt><dd class="col-sm-8">Yes</dd>' in body
    assert "Pain history" not in body


def test_the_expert_writes_under_the_programs_headings_beside_the_whole_case(client, expert, hep_c_case):
    client.force_login(expert)
    url = reverse("cases:recommendations", kwargs={"pk": hep_c_case.pk})

    page = client.get(url)
    saved = client.post(url, {"treatment_choice": "Sofosbuvir/velpatasvir for 12 weeks.", "opioid": "x"})

    assert list(page.context["form"].fields) == [
        "treatment_choice",
        "monitoring",
        "interactions",
        "reinfection",
        "follow_up",
        "other",
    ]
    assert "Compensated cirrhosis" in page.content.decode()
    assert saved.status_code == 302
    assert list(Recommendation.objects.values_list("heading", "text")) == [
        ("treatment_choice", "Sofosbuvir/velpatasvir for 12 weeks.")
    ]


def test_a_heading_of_another_form_is_refused(expert, hep_c_case):
    with pytest.raises(Exception) as caught:
        services.save_recommendations(case=hep_c_case, author=expert, texts={"opioid": "Taper."})

    assert caught.value.messages == ["Unknown headings: opioid."]


def test_the_letter_prints_the_answers_and_the_programs_headings(expert, hep_c_case):
    RecommendationFactory(case=hep_c_case, author=expert, heading="monitoring", text="HCV RNA at 12 weeks.")

    html = _letter_html(hep_c_case)

    assert "<h2>Hepatitis C</h2>" in html
    assert "<tr><td>Genotype</td><td>3</td></tr>" in html
    assert "<h3>Monitoring</h3>" in html
    assert "morphine" not in html


def _letter_html(case) -> str:
    from django.template.loader import render_to_string
    from django.utils import timezone

    document = letter_document(
        case=case, session=None, issued_at=timezone.now(), texts=merged_texts(case), experts=[]
    )
    return render_to_string(LETTER_TEMPLATE, document)


def test_an_old_case_reads_as_submitted_after_the_form_changes(
    client, coordinator, expert, program, hep_c, hep_c_case
):
    RecommendationFactory(case=hep_c_case, author=expert, heading="treatment_choice", text="Twelve weeks.")
    sections = copy.deepcopy(hep_c.definition["sections"])
    sections[0]["fields"][0]["label"] = "HCV genotype (changed)"
    del sections[0]["fields"][1]
    headings = [{"key": "plan", "label": "Plan"}]
    services.save_form_version(
        program=program, sections=sections, headings=headings, template="hepatitis_c", by=coordinator
    )
    client.force_login(coordinator)

    body = client.get(hep_c_case.get_absolute_url()).content.decode()

    hep_c_case.refresh_from_db()
    assert hep_c_case.form_version == hep_c
    assert '<dt class="col-sm-4">Genotype</dt>' in body
    assert "HCV genotype (changed)" not in body
    assert "1250000 IU/mL" in body
    assert "Treatment choice" in _letter_html(hep_c_case)


def test_the_library_search_finds_the_text_of_answers(program, presenter, hep_c):
    case = services.save_case_draft(
        presenter=presenter,
        program=program,
        fields={"title": "Reinfection after treatment", "main_concern": "Treated before."},
        answers={"reinfection_risk": "Shares equipment with a partner who injects."},
        medications=[],
    )
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.PRESENTED,
        library_shared=True,
        library_screening="published",
        library_screened_at=case.updated_at,
    )

    assert list(library_cases(program, text="equipment partner")) == [case]
    assert list(library_cases(program, text="pregabalin")) == []


def test_every_builtin_template_renders_validates_and_letters(client, presenter, coordinator, program):
    client.force_login(presenter)
    for key in ("chronic_pain", "mental_health", "dementia", "blank"):
        version = services.start_from_template(program=program, template=key, by=coordinator)
        page = client.get(reverse("cases:create", kwargs={"slug": program.slug}))
        assert page.status_code == 200
        assert [s["title"] for s in page.context["sections"]] == [
            s["title"] for s in template_definition(key)["sections"]
        ]
        response = _create(client, program, CORE | {"save": "draft", "title": f"A {key} case"})
        case = Case.objects.get(title=f"A {key} case")
        assert (response.status_code, case.form_version) == (302, version)
        assert "<h2>Questions asked</h2>" in _letter_html(case)


def test_the_case_page_query_count_does_not_grow_with_the_forms_fields(
    client, coordinator, program, hep_c_case
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    blank = services.start_from_template(program=program, template="blank", by=coordinator)
    small = Case.objects.create(
        program=program, presenter=hep_c_case.presenter, form_version=blank, title="Small", status="scheduled"
    )
    CaseSlotFactory(session=hep_c_case.slot.session, case=small, position=2)
    client.force_login(coordinator)
    client.get(small.get_absolute_url())  # the sign-in's session is saved on the first request

    with CaptureQueriesContext(connection) as with_many_fields:
        client.get(hep_c_case.get_absolute_url())
    with CaptureQueriesContext(connection) as with_none:
        client.get(small.get_absolute_url())

    assert len(with_many_fields) == len(with_none), "\n".join(
        q["sql"][:150] for q in [*with_many_fields, {"sql": "----"}, *with_none]
    )


def test_a_medication_named_but_not_chosen_from_the_list_is_other(client, presenter, program, hep_c):
    client.force_login(presenter)
    rows = {
        "medications-TOTAL_FORMS": "1",
        "medications-0-drug": "",
        "medications-0-drug_other": "Methadone liquid",
        "medications-0-daily_dose": "80",
        "medications-0-schedule": "daily, witnessed",
    }

    page = client.get(reverse("cases:create", kwargs={"slug": program.slug})).content.decode()
    response = _create(client, program, CORE | rows | {"save": "draft"})

    assert "type its name under “Other drug”" in page
    assert "Morphine milligram equivalents are worked out" not in page
    assert response.status_code == 302
    assert list(Case.objects.get().medications.values_list("drug", "drug_other", "mme")) == [
        ("other", "Methadone liquid", None)
    ]


def test_a_follow_up_without_a_medication_list_asks_for_no_medications(
    client, presenter, program, coordinator
):
    services.start_from_template(program=program, template="blank", by=coordinator)
    case = services.save_case_draft(
        presenter=presenter, program=program, fields={"title": "Blank form case"}, answers={}, medications=[]
    )
    Case.objects.filter(pk=case.pk).update(status=Case.Status.PRESENTED)
    client.force_login(presenter)
    url = reverse("cases:follow_up", kwargs={"pk": case.pk})

    page = client.get(url).content.decode()
    response = client.post(url, {"what_changed": "Better."})

    assert "Medications now" not in page
    assert response.status_code == 302
    assert case.follow_ups.get().what_changed == "Better."


def test_a_follow_up_asks_what_the_cases_form_asks_and_presenting_again_keeps_the_form(
    client, presenter, hep_c_case
):
    Case.objects.filter(pk=hep_c_case.pk).update(status=Case.Status.PRESENTED)
    client.force_login(presenter)
    url = reverse("cases:follow_up", kwargs={"pk": hep_c_case.pk})

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "what_changed": "Started sofosbuvir/velpatasvir; tolerating it.",
            "function_change": "Back at work.",
            "present_again": "on",
            "medications-TOTAL_FORMS": "0",
            "medications-INITIAL_FORMS": "0",
        },
    )

    assert 'name="pain_change"' not in page and "Medications now" in page
    assert response.status_code == 302
    again = Case.objects.get(follow_up_of=hep_c_case)
    assert (again.form_version, again.answers) == (hep_c_case.form_version, hep_c_case.answers)
    assert hep_c_case.follow_ups.get().function_change == "Back at work."


def test_the_library_filters_by_the_programs_own_headings(client, participant, program, hep_c):
    client.force_login(participant)

    form = client.get(reverse("cases:library", kwargs={"slug": program.slug})).context["form"]

    assert list(form.fields["heading"].choices)[:3] == [
        ("", "Any heading"),
        ("treatment_choice", "Treatment choice"),
        ("monitoring", "Monitoring"),
    ]


def test_a_french_reader_gets_the_templates_labels_in_french(client, coordinator, hep_c_case):
    coordinator.language = "fr-ca"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)

    body = client.get(hep_c_case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr-CA").content.decode()

    assert '<h2 class="section-title">Fibrose hépatique</h2>' in body
    assert '<dt class="col-sm-4">Cirrhose</dt><dd class="col-sm-8">Cirrhose compensée</dd>' in body
    assert (
        '<dt class="col-sm-4">Sous traitement par agonistes opioïdes</dt><dd class="col-sm-8">Oui</dd>'
        in body
    )


def test_a_draft_edited_after_the_form_changed_keeps_its_version(
    client, presenter, coordinator, program, hep_c
):
    case = services.save_case_draft(
        presenter=presenter,
        program=program,
        fields={"title": "Draft"},
        answers={"genotype": "3"},
        medications=[],
    )
    services.start_from_template(program=program, template="dementia", by=coordinator)
    client.force_login(presenter)
    url = reverse("cases:edit", kwargs={"pk": case.pk})

    page = client.get(url).content.decode()
    response = client.post(url, CORE | {"genotype": "1a", "save": "draft"})

    case.refresh_from_db()
    assert 'name="genotype"' in page and 'name="moca"' not in page
    assert response.status_code == 302
    assert (case.form_version, case.answers["genotype"]) == (hep_c, "1a")
