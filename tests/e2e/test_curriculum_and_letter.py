"""Coordinator: fills a cycle's curriculum on one page from the keyboard (a member and a guest
presenter, objectives), fixes a row the page refused, imports the curriculum from the CSV
template; then reviews a recommendation letter as it will be sent, edits it, and confirms it."""

import csv
import io
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case, RecommendationLetter
from cpd.services import update_accreditation
from sessions.models import Session
from tests.factories import LOGO_PNG, CaseSlotFactory, CycleFactory, PastSessionFactory, RecommendationFactory

from . import seed
from .hub_steps import main_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CASE_TITLE = "Low back pain on high-dose oxycodone"
EDITED = "Taper oxycodone by 10% of the daily dose every four weeks; slower if withdrawal is hard."


def _seed_cycle():
    program = seed.hub_program()
    seed.coordinator(program)
    expert = seed.expert(program)
    cycle = CycleFactory(program=program, name="Fall 2026", start_date=timezone.localdate())
    sessions = [
        seed.session_at(program, starts_in=timedelta(days=7 * n), title=f"Session {n}", cycle=cycle, number=n)
        for n in (1, 2, 3)
    ]
    return program, cycle, expert, sessions


def test_coordinator_fills_the_curriculum_table_and_imports_it(open_browser, tmp_path):
    program, cycle, expert, sessions = _seed_cycle()
    coord = open_browser("coordinator")
    page = coord.page
    coord.log_in("coord@example.org")
    coord.goto(f"/manage/{program.slug}/", "schedule")
    coord.click_and_check(page.get_by_role("link", name="Curriculum of Fall 2026"), "curriculum table")

    # One row after the other, from the keyboard: Tab goes topic → member → guest fields → objectives.
    page.get_by_label("Didactic topic, session 1").focus()
    page.keyboard.type("Opioid tapering in primary care")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "id_row-0-presenter"
    page.get_by_label("Member, session 1").select_option(label=expert.name_with_credentials)
    page.get_by_label("Learning objectives, session 1, one per line").fill("Plan a taper\nManage withdrawal")
    page.get_by_label("Didactic topic, session 2").fill("Pain and sleep")
    page.get_by_label("Member, session 2").select_option(label=expert.name_with_credentials)
    page.get_by_label("Guest's name, session 2").fill("Dr. Ana Guest")
    page.get_by_label("Guest's profession, session 2").fill("Pharmacist")
    page.get_by_label("Guest's affiliation, session 2").fill("Queen's University")
    coord.click_and_check(page.get_by_role("button", name="Save the curriculum"), "curriculum refused")

    assert "Nothing was saved. Fix the rows marked below:" in main_text(coord)
    assert "Choose a member as presenter or type a guest's name, not both." in main_text(coord)
    assert page.get_by_label("Didactic topic, session 1").input_value() == "Opioid tapering in primary care"
    assert page.get_by_label("Guest's name, session 2").input_value() == "Dr. Ana Guest"
    assert Session.objects.filter(cycle=cycle).exclude(didactic_topic="").count() == 0

    page.get_by_label("Member, session 2").select_option(label="Guest or not yet chosen")
    coord.click_and_check(page.get_by_role("button", name="Save the curriculum"), "curriculum saved")
    assert "Curriculum saved: 2 sessions changed." in main_text(coord)
    first, second = (Session.objects.get(pk=s.pk) for s in sessions[:2])
    assert (first.didactic_topic, first.presenter_id, first.objectives) == (
        "Opioid tapering in primary care",
        expert.pk,
        ["Plan a taper", "Manage withdrawal"],
    )
    assert second.guest_presenter.name_with_credentials == "Dr. Ana Guest, Pharmacist, Queen's University"

    coord.goto(second.get_absolute_url(), "session with a guest presenter")
    assert "Dr. Ana Guest, Pharmacist, Queen's University" in main_text(coord)

    # The CSV: the template holds the sessions as they are; a file with a mistake is refused whole.
    coord.goto(f"/manage/{program.slug}/cycles/{cycle.pk}/curriculum/import/", "curriculum import")
    download = coord.download(page.get_by_role("link", name="Download the template").first)
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["session", "date", "topic"]
    assert [row[2] for row in rows[1:]] == ["Opioid tapering in primary care", "Pain and sleep", ""]

    rows[3][2] = "Naloxone for every patient"
    rows[3][7] = "Offer naloxone; Teach the family"
    rows.append(["9", "", "Nowhere", "", "", "", "", ""])
    broken = tmp_path / "curriculum-broken.csv"
    broken.write_text(_csv(rows), encoding="utf-8")
    page.get_by_label("Curriculum CSV").set_input_files(str(broken))
    coord.click_and_check(page.get_by_role("button", name="Check the file"), "curriculum file with an error")
    assert "Row 5, column session: “9” is not the number of a session of this cycle." in main_text(coord)
    assert page.get_by_role("button", name="Import the curriculum of").count() == 0

    fixed = tmp_path / "curriculum.csv"
    fixed.write_text(_csv(rows[:-1]), encoding="utf-8")
    page.get_by_label("Curriculum CSV").set_input_files(str(fixed))
    coord.click_and_check(page.get_by_role("button", name="Check the file"), "curriculum preview")
    assert "All 3 rows can be imported. Nothing has been saved yet" in main_text(coord)
    assert Session.objects.get(pk=sessions[2].pk).didactic_topic == ""
    coord.click_and_check(page.get_by_role("button", name="Import the curriculum of 3 sessions"), "imported")
    assert "Curriculum imported: 1 session changed." in main_text(coord)
    third = Session.objects.get(pk=sessions[2].pk)
    assert (third.didactic_topic, third.objectives) == (
        "Naloxone for every patient",
        ["Offer naloxone", "Teach the family"],
    )
    coord.assert_clean()


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _seed_letter(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    program = seed.hub_program()
    coordinator = seed.coordinator(program)
    expert = seed.expert(program)
    update_accreditation(
        program=program,
        by=coordinator,
        fields={
            "hub_name": "ECHO Ontario Chronic Pain",
            "contact_phone": "416-555-0199",
            "contact_email": "echo@example.org",
        },
        images={"logo": LOGO_PNG},
    )
    presenter = seed.person("spoke@example.org", full_name="Nadia Presenter")
    case = CaseSlotFactory(
        session=PastSessionFactory(program=program, title="Session 4"),
        case__program=program,
        case__presenter=presenter,
        case__status=Case.Status.PRESENTED,
        case__title=CASE_TITLE,
    ).case
    RecommendationFactory(case=case, author=expert, heading="opioid", text="Taper by 10% every 2–4 weeks.")
    RecommendationFactory(
        case=case, author=expert, heading="referrals", text="Refer to the regional pain program."
    )
    return case


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_coordinator_reviews_edits_and_confirms_a_letter(open_browser, settings, tmp_path, phone):
    case = _seed_letter(settings, tmp_path)
    coord = open_browser("coordinator", phone=phone)
    page = coord.page
    coord.log_in("coord@example.org")
    coord.goto(case.get_absolute_url(), "presented case")
    coord.click_and_check(page.get_by_role("link", name="Review and send the letter"), "letter review")

    preview = page.get_by_role("article", name="The letter as it will be sent")
    assert "ECHO Ontario Chronic Pain" in preview.inner_text()
    assert "416-555-0199 · echo@example.org" in preview.inner_text()
    assert f"#{case.pk}" in preview.inner_text()
    assert preview.inner_text().count("Dr. Evan Expert") == 1

    page.get_by_label("Opioid management").fill(EDITED)
    coord.click_and_check(page.get_by_role("button", name="Update the preview"), "letter preview updated")
    assert EDITED in page.get_by_role("article", name="The letter as it will be sent").inner_text()

    form = {
        "csrfmiddlewaretoken": page.locator("input[name=csrfmiddlewaretoken]").first.input_value(),
        "opioid": EDITED,
        "referrals": page.get_by_label("Referrals").input_value(),
        "action": "pdf",
    }
    pdf = page.request.post(page.url, form=form)
    assert pdf.headers["content-type"] == "application/pdf"
    assert EDITED in " ".join(
        " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.body())).pages).split()
    )
    assert not RecommendationLetter.objects.exists()

    coord.click_and_check(page.get_by_role("button", name="Send the letter"), "letter not confirmed")
    assert "Tick the box to confirm you have read the letter as it will be sent." in main_text(coord)
    assert page.get_by_label("Opioid management").input_value() == EDITED
    assert not RecommendationLetter.objects.exists()

    page.get_by_label("I have read the letter as it will be sent. Send it to the presenter.").check()
    coord.click_and_check(page.get_by_role("button", name="Send the letter"), "letter sent")
    assert "The letter is finalized." in main_text(coord)
    letter = RecommendationLetter.objects.get(case=case)
    assert (letter.status, letter.final_text["opioid"]) == (RecommendationLetter.Status.READY, EDITED)
    coord.assert_clean()
