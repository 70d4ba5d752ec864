"""A spoke's case names a self-management course the identifier guard reads as a surname: she
says it is not an identifier and why, the case waits for the coordinator, who reads the marked
text and accepts it; only then does the hub expert see the case."""

import re

import pytest

from cases.models import Case, IdentifierOverride
from tests.factories import EnrollmentFactory

from . import seed
from .hub_steps import field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COURSE = "Completed the Stanford chronic pain self-management course; sleeps a little better."
REASON = "The name of a self-management course, not a person"


def test_a_course_name_is_vouched_for_and_accepted_by_the_coordinator(open_browser):
    program = seed.hub_program()
    seed.coordinator(program)
    seed.expert(program)
    EnrollmentFactory(program=program, user=seed.person("spoke@example.org", full_name="Nadia Presenter"))

    spoke = open_browser("spoke")
    spoke.log_in("spoke@example.org")
    page = spoke.goto(f"/programs/{program.slug}/cases/new/", "case form")
    field(page, "Title").fill("Chronic low back pain after a fall")
    page.get_by_label("Age band").select_option(label="50–59")
    page.get_by_label("Sex / gender").select_option(label="Woman")
    page.get_by_label("Patient consent to discuss").select_option(label="Yes")
    page.get_by_label("Main concern").fill("On oxycodone 40 mg a day; asks about tapering.")
    field(page, "Treatments tried and their effect").fill(COURSE)
    field(page, "Question 1").fill("How fast can we taper?")
    page.get_by_label("I confirm this case holds no patient identifiers").check()
    spoke.click_and_check(page.get_by_role("button", name="Save draft"), "guard stops the course name")
    assert not Case.objects.exists()

    page.get_by_label(re.compile("None of the highlighted text identifies the patient")).check()
    spoke.click_and_check(page.get_by_role("button", name="Save draft"), "reason missing")
    assert "Say in a few words why" in page.locator("#identifier-findings").inner_text()
    page.get_by_label(re.compile("Why not\\?")).fill(REASON)
    spoke.click_and_check(page.get_by_role("button", name="Save draft"), "draft saved with the vouch")
    spoke.click_and_check(page.get_by_role("link", name="Edit case"), "edit again")
    spoke.click_and_check(page.get_by_role("button", name="Submit case for screening"), "submitted")
    case = Case.objects.get(status=Case.Status.SUBMITTED)
    spoke.assert_clean()

    expert = open_browser("expert")
    expert.log_in("expert@example.org")
    hidden = expert.page.goto(expert.url(f"/cases/{case.pk}/"))
    assert hidden.status == 404
    # The browser logs the 404 it was just shown: expected here, not an error of the page.
    expert.console_errors.clear()

    coord = open_browser("coordinator")
    coord.log_in("coord@example.org")
    page = coord.goto(f"/manage/{program.slug}/cases/", "queue shows the check")
    assert page.get_by_text("Check marked text").is_visible()
    coord.click_and_check(
        page.get_by_role("link", name="Chronic low back pain after a fall"), "case to check"
    )
    panel = page.locator("#identifier-overrides")
    assert "Stanford" in panel.locator("mark").inner_text()
    assert REASON in panel.inner_text()
    coord.click_and_check(panel.get_by_role("button", name="Accept: this text identifies nobody"), "accepted")
    assert IdentifierOverride.objects.get().status == IdentifierOverride.Status.ACCEPTED
    coord.assert_clean()

    expert.goto(f"/cases/{case.pk}/", "expert now reads the case")
    assert COURSE in expert.page.locator("main").inner_text()
