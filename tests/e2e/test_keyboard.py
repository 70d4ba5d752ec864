"""The case form and the session evaluation can be completed with the keyboard alone:
Tab to move, type into fields and selects, Space to tick, Enter to submit. No mouse, no arrows."""

from datetime import timedelta

import pytest

from cases.models import Case
from cpd.models import Evaluation
from tests.factories import AttendanceFactory, EnrollmentFactory

from . import seed
from .browsing import Visitor
from .hub_steps import main_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_TABS = 120


def tab_to(visitor: Visitor, selector: str) -> None:
    """Press Tab until the element matching `selector` has focus; fail if Tab never reaches it."""
    page = visitor.page
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {visitor.path}")


def type_into(visitor: Visitor, selector: str, text: str) -> None:
    tab_to(visitor, selector)
    visitor.page.keyboard.type(text)


def press_space_on(visitor: Visitor, selector: str) -> None:
    tab_to(visitor, selector)
    visitor.page.keyboard.press("Space")


def submit_with_enter(visitor: Visitor, selector: str, step: str) -> None:
    tab_to(visitor, selector)
    with visitor.page.expect_navigation():
        visitor.page.keyboard.press("Enter")
    visitor.check(step)


def test_case_form_can_be_completed_with_the_keyboard(open_browser):
    program = seed.hub_program()
    presenter = seed.person("spoke@example.org", full_name="Nadia Presenter")
    EnrollmentFactory(program=program, user=presenter)
    seed.session_at(program, starts_in=timedelta(days=6), title="Session 7")

    spoke = open_browser("spoke")
    spoke.log_in("spoke@example.org")
    spoke.goto(f"/programs/{program.slug}/cases/new/", "case form")
    type_into(spoke, "#id_title", "Tapering high-dose oxycodone after a work injury")
    type_into(spoke, "#id_age_band", "5")  # a select picks the option that starts with what is typed
    type_into(spoke, "#id_sex_gender", "Man")
    type_into(
        spoke, "#id_main_concern", "On oxycodone CR 60 mg twice daily for six years; asks about tapering."
    )
    type_into(spoke, "#id_consent", "Yes")
    type_into(spoke, "#id_question_1", "How fast can we taper?")
    press_space_on(spoke, "#id_attested_deidentified")
    submit_with_enter(spoke, "button[name=submit]", "submitted by keyboard")

    assert "Your case is submitted" in main_text(spoke)
    case = Case.objects.get(presenter=presenter)
    assert (case.status, case.age_band, case.sex_gender, case.consent) == (
        Case.Status.SUBMITTED,
        "50-59",
        "man",
        "yes",
    )
    spoke.assert_clean()


def test_evaluation_can_be_completed_with_the_keyboard(open_browser):
    program = seed.hub_program()
    participant = seed.person("pat@example.org", full_name="Pat Participant")
    EnrollmentFactory(program=program, user=participant)
    session = seed.session_at(program, starts_in=-timedelta(days=1), title="Session 1")
    AttendanceFactory(session=session, user=participant)

    pat = open_browser("participant")
    pat.log_in("pat@example.org")
    pat.goto(f"/programs/{program.slug}/sessions/{session.pk}/evaluate/", "evaluation")
    # Tab lands on the first radio of a group with nothing chosen; Space chooses it.
    press_space_on(pat, "input[name=relevance]")
    press_space_on(pat, "input[name=quality]")
    press_space_on(pat, "input[name=objectives_met]")  # "Yes"
    type_into(pat, "#id_commitment_to_change", "Offer naloxone to every patient above 50 MME.")
    submit_with_enter(pat, "form button[type=submit]", "evaluated by keyboard")

    assert "Thank you for your evaluation" in main_text(pat)
    evaluation = Evaluation.objects.get(user=participant, session=session)
    assert evaluation.commitment_to_change == "Offer naloxone to every patient above 50 MME."
    assert (evaluation.relevance, evaluation.quality, evaluation.objectives_met) == (1, 1, "yes")
    pat.assert_clean()
