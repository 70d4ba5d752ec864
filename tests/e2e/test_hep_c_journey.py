"""A hepatitis C program: the coordinator starts its case form from the hepatitis C template and
renames a field; a clinician presents a case on it; the expert recommends under the program's
headings; the clinician gets the letter, which prints the answers and those headings."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from cases.models import Case
from sessions.models import Role
from tests.factories import EnrollmentFactory, ProgramFactory

from . import hub_steps, seed
from .hub_steps import field, main_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CASE_TITLE = "Genotype 3 with compensated cirrhosis, on methadone"
RECOMMENDATION = "Sofosbuvir/velpatasvir for 12 weeks; no dose change of methadone is expected."


def _seed():
    program = ProgramFactory(name="Hepatitis C", slug="hep-c", default_join_url=seed.JOIN_URL)
    seed.coordinator(program)
    seed.expert(program)
    clinician = seed.person("np@example.org", full_name="Nadia Presenter")
    EnrollmentFactory(program=program, user=clinician, role=Role.PARTICIPANT)
    seed.session_at(program, starts_in=timedelta(days=6), title="Session 1")
    return program


def _adjust_the_form(coord, slug: str) -> None:
    page = coord.page
    coord.goto(f"/manage/{slug}/case-form/", "case form editor")
    field(page, "Template").select_option(label="Hepatitis C")
    coord.click_and_check(page.get_by_role("button", name="Use this template"), "hepatitis C template")
    assert "The program's case form now starts from this template." in main_text(coord)
    assert page.locator("#id_rows-0-key").input_value() == "genotype"
    page.locator("#id_rows-0-label").fill("HCV genotype")
    coord.click_and_check(page.get_by_role("button", name="Save as a new version"), "form saved")
    assert "Saved as version 3." in main_text(coord)


def _present(clinician, slug: str) -> None:
    page = clinician.page
    clinician.log_in("np@example.org")
    clinician.goto(f"/programs/{slug}/", "program")
    clinician.click_and_check(page.get_by_role("link", name="Present a case"), "hepatitis C case form")
    legends = page.locator("legend.h5").all_inner_texts()
    assert legends[1:5] == [
        "Hepatitis C",
        "Liver fibrosis",
        "Treatment history and interactions",
        "Reinfection risk and supports",
    ]
    field(page, "Title").fill(CASE_TITLE)
    page.get_by_label("Age band").select_option(label="50–59")
    page.get_by_label("Sex / gender").select_option(label="Man")
    page.get_by_label("Main concern").fill("Wants treatment; on methadone 80 mg daily.")
    page.get_by_label("HCV genotype").select_option(label="3")
    field(page, "HCV RNA viral load").fill("1250000")
    page.get_by_label("Cirrhosis", exact=True).select_option(label="Compensated cirrhosis")
    field(page, "Drug interactions already identified").fill("Methadone; a proton pump inhibitor.")
    field(page, "Question 1").fill("Which regimen, and how do we monitor on methadone?")
    page.get_by_label("Patient consent to discuss").select_option(label="Yes")
    page.get_by_label("I confirm this case holds no patient identifiers").check()
    clinician.click_and_check(page.get_by_role("button", name="Submit case for screening"), "case submitted")
    assert "Your case is submitted" in main_text(clinician)
    assert "1250000 IU/mL" in main_text(clinician)


def test_hepatitis_c_program_from_form_to_letter(open_browser):
    program = _seed()
    coord = open_browser("coordinator")
    coord.log_in("coord@example.org")
    _adjust_the_form(coord, program.slug)

    clinician = open_browser("clinician")
    _present(clinician, program.slug)
    case = Case.objects.get(title=CASE_TITLE)
    assert (case.form_version.number, case.answers["genotype"]) == (3, "3")

    hub_steps.assign_case(coord, program.slug, CASE_TITLE, "Session 1")
    expert = open_browser("expert")
    expert.log_in("expert@example.org")
    expert.click_and_check(expert.page.get_by_role("link", name=re.compile("Cases to review")), "to review")
    expert.click_and_check(expert.page.get_by_role("link", name=CASE_TITLE), "case to review")
    expert.click_and_check(expert.page.get_by_role("link", name="Write recommendations"), "recommendations")
    assert "HCV genotype" in main_text(expert)
    expert.page.get_by_label("Treatment choice").fill(RECOMMENDATION)
    expert.click_and_check(
        expert.page.get_by_role("button", name="Save my recommendations"), "recommendations saved"
    )
    expert.assert_clean()
    hub_steps.finalize_letter(coord, program.slug, CASE_TITLE)
    coord.assert_clean()

    page = clinician.page
    clinician.click_and_check(clinician.nav("Cases"), "my cases")
    clinician.click_and_check(page.get_by_role("link", name=CASE_TITLE), "case with letter")
    letter = clinician.download(page.get_by_role("link", name="Download letter (PDF)"))
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(BytesIO(letter.path().read_bytes())).pages).split()
    )
    assert "Treatment choice" in text
    assert RECOMMENDATION in text
    assert "HCV genotype 3" in text
    assert "morphine" not in text
    clinician.assert_clean()
