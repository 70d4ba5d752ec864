"""Coordinator: creates a program, opens a cycle and schedules a weekly series; then, in the program
they already run, approves an enrollment request, screens a case into a slot, finalizes the hub's
recommendations, publishes the shared case to the library after screening it, imports a Zoom
participant report and bulk-issues certificates."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases.models import Case
from sessions.models import Enrollment
from tests.factories import CaseEventFactory, CaseFactory, EnrollmentFactory, SessionFactory

from . import hub_steps, seed
from .hub_steps import main_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ZOOM_REPORT = Path(__file__).parent / "data" / "zoom_participants.csv"
CASE_TITLE = "Low back pain on high-dose oxycodone"


def _seed_running_program():
    program = seed.hub_program(evaluation_required=False)
    coordinator = seed.coordinator(program)
    seed.expert(program)
    for email, name in [
        ("r.singh@example.org", "Ravi Singh"),
        ("c.okafor@example.org", "Chidi Okafor"),
        ("l.gagnon@example.org", "Louise Gagnon"),
    ]:
        EnrollmentFactory(program=program, user=seed.person(email, full_name=name))
    EnrollmentFactory(
        program=program,
        user=seed.person("sam.new@example.org", full_name="Sam Newcomer"),
        status=Enrollment.Status.PENDING,
    )
    # The session of the Zoom report in tests/e2e/data: Wednesday 19 November 2025, 12:00-14:00 ET.
    starts = datetime(2025, 11, 19, 12, 0, tzinfo=ZoneInfo("America/Toronto"))
    SessionFactory(program=program, title="Session 4", starts_at=starts, ends_at=starts + timedelta(hours=2))
    seed.session_at(program, starts_in=timedelta(days=5), title="Session 9", didactic_topic="Tapering")
    presenter = seed.person("spoke@example.org", full_name="Nadia Presenter")
    EnrollmentFactory(program=program, user=presenter)
    case = CaseFactory(
        program=program,
        presenter=presenter,
        title=CASE_TITLE,
        status=Case.Status.SUBMITTED,
        submitted_at=timezone.now(),
        library_shared=True,
    )
    CaseEventFactory(case=case, actor=presenter)
    return program, coordinator


def test_coordinator_journey(open_browser):
    program, _ = _seed_running_program()
    coord = open_browser("coordinator")
    page = coord.page
    coord.log_in("coord@example.org")

    # A new program, its first cycle and a weekly series.
    coord.click_and_check(coord.nav("Programs"), "programs")
    coord.click_and_check(page.get_by_role("link", name="Create a program"), "new program")
    page.get_by_label("Name").fill("Addiction Medicine ECHO")
    page.get_by_label("Summary").fill("Opioid use disorder care close to home.")
    page.get_by_label("Time zone").select_option("America/Winnipeg")
    coord.click_and_check(page.get_by_role("button", name="Create program"), "program created")
    assert "Addiction Medicine ECHO is created" in main_text(coord)

    coord.click_and_check(page.get_by_role("link", name="Open a cycle"), "new cycle")
    first = timezone.localdate() + timedelta(days=7)
    page.get_by_label("Name").fill("Winter 2027")
    page.get_by_label("Start date").fill(first.isoformat())
    coord.click_and_check(page.get_by_role("button", name="Open cycle"), "schedule series")
    page.get_by_label("First date").fill(first.isoformat())
    page.get_by_label("Start time").fill("12:00")
    page.get_by_label("Number of sessions").fill("4")
    coord.click_and_check(page.get_by_role("button", name="Schedule sessions"), "series scheduled")
    assert "4 sessions scheduled." in main_text(coord)
    rows = page.locator("main tbody tr")
    assert rows.count() == 4
    # Shown in the viewer's zone (Toronto), with the zone: 12:00 in Winnipeg is 13:00 there.
    assert re.search(r"13:00–15:00 E[SD]T", rows.first.inner_text()), rows.first.inner_text()

    # The program already running: an enrollment request.
    slug = program.slug
    coord.goto(f"/manage/{slug}/enrollment/", "enrollment")
    row = page.get_by_role("row").filter(has_text="sam.new@example.org")
    coord.click_and_check(row.get_by_role("button", name=re.compile("Approve")), "enrollment approved")
    assert page.get_by_role("button", name="Approve sam.new@example.org").count() == 0
    assert "sam.new@example.org" in main_text(coord)

    # A submitted case: screened into a slot, recommended on by the expert, finalized.
    hub_steps.assign_case(coord, slug, CASE_TITLE, "Session 9")
    expert = open_browser("expert")
    expert.log_in("expert@example.org")
    hub_steps.write_recommendations(
        expert, CASE_TITLE, "Taper oxycodone by 10% of the daily dose every 2 to 4 weeks; offer naloxone."
    )
    expert.assert_clean()
    hub_steps.finalize_letter(coord, slug, CASE_TITLE)
    assert "Download letter (PDF)" in main_text(coord) or "Ready" in main_text(coord)

    # The presenter agreed to share the case: its recommendations are screened, then published.
    coord.goto(f"/manage/{slug}/cases/", "case queue")
    assert "1 presented case awaits screening for the case library." in main_text(coord)
    coord.click_and_check(
        page.get_by_role("link", name="See the cases awaiting library screening"),
        "awaiting library screening",
    )
    coord.click_and_check(page.get_by_role("link", name="Screen for library"), "screen for library")
    assert "The identifier guard found nothing that looks identifying." in main_text(coord)
    coord.click_and_check(page.get_by_role("button", name="Publish to library"), "published to library")
    assert f"“{CASE_TITLE}” is published in the case library." in main_text(coord)
    coord.goto(f"/programs/{slug}/library/", "case library")
    assert CASE_TITLE in main_text(coord)

    # Attendance from the Zoom participant report of last year's session 4.
    coord.goto(f"/manage/{slug}/certificates/", "certificates")
    row = page.get_by_role("row").filter(has_text="Session 4")
    coord.click_and_check(row.get_by_role("link", name="Attendance"), "attendance")
    coord.click_and_check(page.get_by_role("link", name="Import a participant report"), "import report")
    page.get_by_label("Participant report (CSV)").set_input_files(ZOOM_REPORT)
    coord.click_and_check(page.get_by_role("button", name="Check the report"), "report matched")
    page.get_by_label("Who is Louise Gagnon - Hearst CHC?").select_option(
        label="Louise Gagnon (l.gagnon@example.org)"
    )
    # A new match changes what is stored: the preview shows it before anything is.
    coord.click_and_check(page.get_by_role("button", name="Update the preview"), "preview updated")
    stored = page.locator("main table").last.inner_text()
    assert "Louise Gagnon\t" in stored, stored
    coord.click_and_check(page.get_by_role("button", name="Store attendance"), "attendance stored")
    assert "Attendance stored for 4 people." in main_text(coord)

    # Certificates for everyone who attended, with the progress panel.
    coord.goto(f"/manage/{slug}/certificates/", "certificates before")
    row = page.get_by_role("row").filter(has_text="Session 4")
    coord.click_and_check(row.get_by_role("button", name=re.compile("Issue certificates")), "progress")
    status = page.get_by_role("status").filter(has_text="certificates rendered")
    assert re.search(r"(\d+) of \1 certificates rendered. Done.", status.inner_text()), status.inner_text()
    assert re.search(r"[1-9]\d* certificates issued", main_text(coord))
    coord.goto(f"/manage/{slug}/certificates/", "certificates issued")
    issued = page.locator("main table").last.inner_text()
    for name in ("Ravi Singh", "Chidi Okafor", "Louise Gagnon"):
        assert name in issued
    coord.assert_clean()
