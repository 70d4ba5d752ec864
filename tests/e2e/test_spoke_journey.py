"""Spoke clinician: signs up, verifies the email from the link in the mail, asks to join, submits a
case the identifier guard stops, fixes only the identifying text, and after the hub has met
downloads the recommendation letter and reports a follow-up."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail

from . import hub_steps, seed
from .hub_steps import field, main_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "nadia.np@example.org"
PASSWORD = "Spoke-clinic-2026!"
CASE_TITLE = "Tapering high-dose oxycodone after a work injury"
IDENTIFYING = (
    "58-year-old man, OHIP 4532-281-906-XK, DOB 14/03/1967, on oxycodone CR 60 mg twice daily "
    "for six years; function is poor and he asks about tapering."
)
FIXED = (
    "Man in his late fifties on oxycodone CR 60 mg twice daily for six years; function is poor "
    "and he asks about tapering."
)
RECOMMENDATION = "Taper oxycodone by 10% of the daily dose every 2 to 4 weeks; offer a naloxone kit."
# Every field the spoke fills besides the main concern, with the value the guard must keep.
KEPT = {
    "Title": CASE_TITLE,
    "Pain duration": "About 6 years",
    "Pain location": "Low back, radiating to the left leg",
    "Treatments tried and their effect": "Physiotherapy twice, duloxetine 60 mg (stopped: nausea).",
    "Question 1": "How fast can we taper, and what if withdrawal is hard?",
}


def _confirmation_path() -> str:
    [message] = [m for m in mail.outbox if EMAIL in m.to]
    url = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    return urlsplit(url).path


def _fill_case(page) -> None:
    field(page, "Title").fill(CASE_TITLE)
    page.get_by_label("Age band").select_option(label="50–59")
    page.get_by_label("Sex / gender").select_option(label="Man")
    page.get_by_label("Main concern").fill(IDENTIFYING)
    for label, value in KEPT.items():
        if label != "Title":
            field(page, label).fill(value)
    page.get_by_label("Patient consent to discuss").select_option(label="Yes")
    page.get_by_label("I confirm this case holds no patient identifiers").check()


def test_spoke_journey(open_browser):
    program = seed.hub_program()
    seed.coordinator(program)
    seed.expert(program)
    seed.session_at(program, starts_in=timedelta(days=6), title="Session 7", didactic_topic="Tapering")

    spoke = open_browser("spoke")
    page = spoke.page
    spoke.goto("/", "home")
    spoke.click_and_check(page.get_by_role("link", name="Sign up"), "sign up")
    field(page, "Email").fill(EMAIL)
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(PASSWORD)
    spoke.click_and_check(page.get_by_role("button", name=re.compile("Sign up", re.I)), "check your email")

    spoke.goto(_confirmation_path(), "confirm email")
    spoke.click_and_check(page.get_by_role("button", name="Confirm"), "profile")
    page.get_by_label("Full name").fill("Nadia Presenter")
    page.get_by_label("Profession").select_option(label="Nurse practitioner")
    page.get_by_label("Organization").fill("Hearst Community Health Centre")
    page.get_by_label("Community type").select_option(index=1)
    spoke.click_and_check(page.get_by_role("button", name="Save profile"), "profile saved")

    spoke.click_and_check(spoke.nav("Programs"), "programs")
    spoke.click_and_check(page.get_by_role("link", name=seed.PROGRAM_NAME), "program")
    spoke.click_and_check(page.get_by_role("button", name="Request to enroll"), "enrollment requested")

    coord = open_browser("coordinator")
    coord.log_in("coord@example.org")
    coord.goto(f"/manage/{program.slug}/enrollment/", "enrollment requests")
    row = coord.page.get_by_role("row").filter(has_text=EMAIL)
    coord.click_and_check(row.get_by_role("button", name=re.compile("Approve")), "approved")

    spoke.goto(f"/programs/{program.slug}/", "program as member")
    spoke.click_and_check(page.get_by_role("link", name="Present a case"), "case form")
    _fill_case(page)
    spoke.click_and_check(page.get_by_role("button", name="Submit case for screening"), "identifier guard")
    findings = page.locator("#identifier-findings").inner_text()
    assert "Nothing was saved" in findings
    assert "4532-281-906-XK" in findings and "14/03/1967" in findings
    for label, value in KEPT.items():
        assert field(page, label).input_value() == value, label
    assert page.get_by_label("Patient consent to discuss").input_value() == "yes"
    assert page.get_by_label("I confirm this case holds no patient identifiers").is_checked()

    page.get_by_label("Main concern").fill(FIXED)
    spoke.click_and_check(page.get_by_role("button", name="Submit case for screening"), "case submitted")
    assert "Your case is submitted" in main_text(spoke)

    hub_steps.assign_case(coord, program.slug, CASE_TITLE, "Session 7")
    expert = open_browser("expert")
    expert.log_in("expert@example.org")
    hub_steps.write_recommendations(expert, CASE_TITLE, RECOMMENDATION)
    expert.assert_clean()
    hub_steps.finalize_letter(coord, program.slug, CASE_TITLE)
    coord.assert_clean()

    spoke.click_and_check(spoke.nav("Cases"), "my cases")
    spoke.click_and_check(page.get_by_role("link", name=CASE_TITLE), "case with letter")
    letter = spoke.download(page.get_by_role("link", name="Download letter (PDF)"))
    assert letter.path().read_bytes().startswith(b"%PDF")

    spoke.click_and_check(page.get_by_role("link", name="Report a follow-up"), "follow-up form")
    page.get_by_role("textbox").first.fill("Tapered by 10% twice; walking further, sleeping better.")
    spoke.click_and_check(page.get_by_role("button", name="Save follow-up"), "follow-up saved")
    assert "your follow-up is recorded" in main_text(spoke)
    spoke.assert_clean()
