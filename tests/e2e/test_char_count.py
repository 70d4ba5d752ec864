"""The case form counts the characters left under each narrative field as the person types,
and a screen reader hears the count with the field and once typing pauses."""

import pytest
from playwright.sync_api import expect

from tests.factories import EnrollmentFactory

from . import seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_case_form_counts_the_characters_left_as_the_person_types(open_browser):
    program = seed.hub_program()
    presenter = seed.person("spoke@example.org", full_name="Nadia Presenter")
    EnrollmentFactory(program=program, user=presenter)
    spoke = open_browser("spoke")
    spoke.log_in("spoke@example.org")
    page = spoke.goto(f"/programs/{program.slug}/cases/new/", "case form with counts")
    count = page.locator("#id_main_concern_count")
    live = page.locator("#id_main_concern_count + [aria-live=polite]")

    before = count.inner_text()
    page.locator("#id_main_concern").fill("On oxycodone CR 60 mg twice daily.\nAsks about tapering.")
    after = count.inner_text()
    page.locator("#id_question_1").press_sequentially("How fast?")
    spoke.check("case form after typing")

    assert before == "You have 4,000 characters left"
    assert after == "You have 3,945 characters left"
    assert page.locator("#id_question_1_count").inner_text() == "You have 991 characters left"
    assert page.locator("#id_main_concern").get_attribute("aria-describedby").split()[-1] == (
        "id_main_concern_count"
    )
    # The live region speaks once typing has paused for a second: wait for it, never a fixed sleep.
    expect(live).to_have_text("You have 3,945 characters left", timeout=5000)
    assert page.locator("textarea[data-char-count]").count() == page.locator(".char-count").count() == 10
    spoke.assert_clean()


@pytest.mark.parametrize("language", ["fr-ca", "en-ca"])
def test_case_form_buttons_share_one_low_row_on_a_phone_in_either_language(open_browser, language):
    """At 390 px the sticky bar keeps both buttons on one row (their labels wrap): stacked, the
    French labels took a seventh of the screen away from the form."""
    program = seed.hub_program()
    presenter = seed.person("spoke@example.org", full_name="Nadia Presenter", language=language)
    EnrollmentFactory(program=program, user=presenter)
    spoke = open_browser("spoke", phone=True)
    spoke.page.set_viewport_size({"width": 390, "height": 844})
    spoke.log_in("spoke@example.org")
    page = spoke.goto(f"/programs/{program.slug}/cases/new/", f"case form on a phone ({language})")
    buttons = page.locator(".sticky-actions > .btn")
    assert buttons.count() == 2
    first, second = buttons.nth(0).bounding_box(), buttons.nth(1).bounding_box()
    assert first["y"] == second["y"]
    assert page.locator(".sticky-actions").bounding_box()["height"] < 80
    spoke.assert_clean()
