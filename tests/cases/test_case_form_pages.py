"""Pages around a case written on a program's own form: its follow-up, presenting it again,
editing a draft after the form changed, the library's headings, French labels, medications
without MME."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, Medication

from .conftest import HEP_C_CORE, letter_html, post_case_form

pytestmark = pytest.mark.django_db


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
    response = post_case_form(client, program, HEP_C_CORE | rows | {"save": "draft"})

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
    response = client.post(url, HEP_C_CORE | {"genotype": "1a", "save": "draft"})

    case.refresh_from_db()
    assert 'name="genotype"' in page and 'name="moca"' not in page
    assert response.status_code == 302
    assert (case.form_version, case.answers["genotype"]) == (hep_c, "1a")


def test_the_letter_lists_medications_without_mme_where_the_form_puts_them(hep_c_case):
    Medication.objects.create(
        case=hep_c_case, drug="other", drug_other="Methadone", daily_dose=Decimal("80"), schedule="witnessed"
    )

    html = letter_html(hep_c_case)

    assert "<tr><td>Current medications</td><td>Methadone, 80 mg per day (witnessed)</td></tr>" in html
    assert "<h2>Treatment history and interactions</h2>" in html
    assert "MME" not in html
