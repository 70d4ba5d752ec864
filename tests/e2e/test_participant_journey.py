"""Participant: enrolls, adds a session to the calendar, joins a live session, evaluates a past one,
downloads the certificate and checks its verification page while logged out."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from . import seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_participant_journey(open_browser):
    program = seed.hub_program()
    seed.coordinator(program)
    # Missed: the transcript says what is missing for its credits, in words that must wrap on a phone.
    seed.session_at(program, starts_in=-timedelta(days=8), title="Session 0", didactic_topic="Orientation")
    seed.session_at(
        program, starts_in=-timedelta(days=1), title="Session 1", didactic_topic="Opioid tapering"
    )
    seed.session_at(
        program, starts_in=-timedelta(minutes=5), title="Session 2", didactic_topic="Buprenorphine"
    )
    seed.session_at(program, starts_in=timedelta(days=6), title="Session 3", didactic_topic="Sleep and pain")
    seed.person("pat@example.org", full_name="Pat Participant", credentials="RN")

    pat = open_browser("participant")
    page = pat.page
    pat.log_in("pat@example.org")
    pat.click_and_check(pat.nav("Programs"), "programs")
    pat.click_and_check(page.get_by_role("link", name=seed.PROGRAM_NAME), "program")
    pat.click_and_check(page.get_by_role("button", name="Request to enroll"), "enrollment requested")
    assert "A coordinator will review it" in page.locator("main").inner_text()

    coord = open_browser("coordinator")
    coord.log_in("coord@example.org")
    coord.goto(f"/manage/{program.slug}/enrollment/", "enrollment requests")
    row = coord.page.get_by_role("row").filter(has_text="pat@example.org")
    coord.click_and_check(row.get_by_role("button", name=re.compile("Approve")), "approved")

    pat.goto(f"/programs/{program.slug}/", "program as member")
    pat.click_and_check(page.get_by_role("link", name=re.compile("Session 3")), "upcoming session")
    ics = pat.download(page.get_by_role("link", name=re.compile("Add to calendar")))
    body = ics.path().read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in body and "Session 3" in body

    pat.goto(f"/programs/{program.slug}/sessions/", "sessions")
    pat.click_and_check(page.get_by_role("link", name=re.compile("Session 2")), "live session")
    # The video service is outside the test: the hub's answer to Join is a redirect to it.
    pat.context.route("https://video.example.org/**", lambda route: route.abort())
    with page.expect_response(re.compile(r"/join/$")) as joined:
        page.get_by_role("button", name="Join session").click()
    assert joined.value.status == 302
    assert joined.value.headers["location"] == seed.JOIN_URL
    page.wait_for_url(lambda url: not url.startswith(pat.base_url))

    pat.goto("/", "dashboard")
    assert "Session 2" in page.locator("main").inner_text()

    # Yesterday's session: the coordinator ticks Pat on the roster.
    coord.goto(f"/manage/{program.slug}/certificates/", "certificates")
    row = coord.page.get_by_role("row").filter(has_text="Session 1")
    coord.click_and_check(row.get_by_role("link", name="Attendance"), "attendance of session 1")
    coord.page.get_by_label("Pat Participant").check()
    coord.click_and_check(coord.page.get_by_role("button", name="Save roster"), "roster saved")
    coord.assert_clean()

    pat.click_and_check(pat.nav("CPD"), "transcript")
    row = page.get_by_role("row").filter(has_text="Session 1")
    pat.click_and_check(row.get_by_role("link", name="Fill it now"), "evaluation")
    page.get_by_role("group", name=re.compile("relevant")).get_by_label("5").check()
    page.get_by_role("group", name=re.compile("quality")).get_by_label("4").check()
    page.get_by_role("group", name=re.compile("objectives", re.I)).get_by_label("Yes").check()
    page.get_by_label(re.compile("What will you change", re.I)).fill(
        "Offer naloxone to every patient above 50 MME."
    )
    pat.click_and_check(page.get_by_role("button", name="Send evaluation"), "evaluation sent")
    assert "Thank you for your evaluation" in page.locator("main").inner_text()

    row = page.get_by_role("row").filter(has_text="Session 1")
    pat.click_and_check(row.get_by_role("button", name="Get certificate"), "certificate issued")
    row = page.get_by_role("row").filter(has_text="Session 1")
    pdf = pat.download(row.get_by_role("link", name="Download PDF"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.path().read_bytes())).pages)
    assert "Pat Participant" in text
    verify_url = re.search(r"https?://\S+/verify/[\w-]+/", text).group(0)
    pat.assert_clean()

    stranger = open_browser("logged-out")
    stranger.goto(verify_url, "verification")
    main = stranger.page.locator("main").inner_text()
    assert "Valid certificate" in main and "Pat Participant" in main and seed.PROGRAM_NAME in main
    stranger.assert_clean()
