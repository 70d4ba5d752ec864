"""Steps the hub's staff take in the browser, shared by the coordinator and spoke journeys."""

import re
from datetime import timedelta

from django.utils import timezone

from cases.models import CaseSlot
from sessions.models import Session

from .browsing import Visitor


def field(page, label: str):
    """The form field labelled exactly `label` (crispy adds "*" to required ones)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def main_text(visitor: Visitor) -> str:
    return visitor.page.locator("main").inner_text()


def open_case_from_queue(coord: Visitor, slug: str, case_title: str) -> None:
    coord.goto(f"/manage/{slug}/cases/", "case queue")
    coord.click_and_check(coord.page.get_by_role("link", name=case_title), "case to screen")


def assign_case(coord: Visitor, slug: str, case_title: str, session_title: str) -> None:
    """Screen a submitted case and give it a slot in the named session."""
    open_case_from_queue(coord, slug, case_title)
    page = coord.page
    select = page.get_by_label("Give it a slot in")
    option = select.locator("option").filter(has_text=re.compile(rf" · {re.escape(session_title)}$"))
    select.select_option(value=option.get_attribute("value"))
    coord.click_and_check(page.get_by_role("button", name="Screened: schedule this case"), "case scheduled")
    assert f"of {session_title}" in main_text(coord)


def write_recommendations(expert: Visitor, case_title: str, text: str) -> None:
    expert.click_and_check(expert.page.get_by_role("link", name=re.compile("Cases to review")), "to review")
    expert.click_and_check(expert.page.get_by_role("link", name=case_title), "case to review")
    expert.click_and_check(expert.page.get_by_role("link", name="Write recommendations"), "recommendations")
    expert.page.get_by_role("textbox").first.fill(text)
    expert.click_and_check(
        expert.page.get_by_role("button", name="Save my recommendations"), "recommendations saved"
    )
    assert "Your recommendations are saved" in main_text(expert)


def _session_takes_place(case_title: str) -> None:
    """The days pass and the case's session is held: it started two hours ago and just ended."""
    session = CaseSlot.objects.select_related("session").get(case__title=case_title).session
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(
        starts_at=now - timedelta(hours=2), ends_at=now - timedelta(minutes=1)
    )


def finalize_letter(coord: Visitor, slug: str, case_title: str) -> None:
    """Before its session the case cannot be presented; once the session is held, the letter goes."""
    open_case_from_queue(coord, slug, case_title)
    assert coord.page.get_by_role("link", name="Review and send the letter").count() == 0
    assert "The case can be marked presented, and its letter sent, once" in main_text(coord)
    _session_takes_place(case_title)
    coord.goto(coord.page.url, "case after its session")
    coord.click_and_check(coord.page.get_by_role("link", name="Review and send the letter"), "letter review")
    coord.page.get_by_label("I have read the letter as it will be sent. Send it to the presenter.").check()
    coord.click_and_check(coord.page.get_by_role("button", name="Send the letter"), "finalized")
    assert "The letter is finalized." in main_text(coord)
