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
from tests.factories import CaseSlotFactory, RecommendationFactory

from .conftest import HEP_C_ANSWERS, HEP_C_CORE, letter_html, post_case_form

pytestmark = pytest.mark.django_db


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

    response = post_case_form(client, program, HEP_C_CORE | HEP_C_ANSWERS | {"save": "draft"})

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

    response = post_case_form(
        client, program, HEP_C_CORE | HEP_C_ANSWERS | {"viral_load": "-5", "genotype": "7", "save": "draft"}
    )

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

    refused = post_case_form(client, program, HEP_C_CORE | {"submit": "submit"})
    saved = post_case_form(client, program, HEP_C_CORE | {"save": "draft"})

    assert refused.context["answers"].errors == {"suicide_risk": ["This field is required."]}
    assert saved.status_code == 302
    case = Case.objects.get()
    with pytest.raises(Exception) as caught:
        services.submit_case(case=case, by=presenter)
    assert caught.value.message_dict == {"suicide_risk": ["Required before you submit."]}


def test_an_identifying_answer_is_refused_unless_vouched_for(client, presenter, coordinator, program, hep_c):
    client.force_login(presenter)
    identifying = HEP_C_ANSWERS | {"barriers": "Lives in Kapuskasing and drives in from Moonbeam."}

    refused = post_case_form(client, program, HEP_C_CORE | identifying | {"save": "draft"})
    vouched = post_case_form(
        client,
        program,
        HEP_C_CORE
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

    html = letter_html(hep_c_case)

    assert "<h2>Hepatitis C</h2>" in html
    assert "<h2>Treatment history and interactions</h2>" not in html  # nothing answered there
    assert "<tr><td>Genotype</td><td>3</td></tr>" in html
    assert "<h3>Monitoring</h3>" in html
    assert "morphine" not in html


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
    assert "Treatment choice" in letter_html(hep_c_case)


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
        response = post_case_form(client, program, HEP_C_CORE | {"save": "draft", "title": f"A {key} case"})
        case = Case.objects.get(title=f"A {key} case")
        assert (response.status_code, case.form_version) == (302, version)
        assert "<h2>Questions asked</h2>" in letter_html(case)


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
