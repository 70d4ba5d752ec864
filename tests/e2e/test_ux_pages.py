"""The pages of issue 19's smaller fixes, each checked at 360 px (Visitor.check): a coordinator's
"what waits for me", the roster template, My sessions grouped by program, the upcoming topics a
prospective member reads, "Present a case" with a program choice, withdrawing a case, the
transcript downloads, and the recovery codes after setting up an authenticator."""

import csv
import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from cases.models import Case
from sessions.models import Enrollment, Role
from tests.accounts.test_mfa import totp_code
from tests.factories import AttendanceFactory, CaseFactory, EnrollmentFactory, ProgramFactory

from . import seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _totp(secret: str) -> str:
    # The browser types and submits it: a few seconds' margin before the step ends.
    return totp_code(secret, margin=5.0)


def test_coordinator_sees_what_waits_and_gets_the_roster_template(open_browser):
    program = seed.hub_program()
    seed.coordinator(program)
    EnrollmentFactory(program=program, user=seed.person("new@example.org"), status=Enrollment.Status.PENDING)
    CaseFactory(program=program, status=Case.Status.SUBMITTED, title="Knee pain awaiting surgery")

    coord = open_browser("coordinator")
    page = coord.page
    coord.log_in("coord@example.org")
    waiting = page.locator(".waiting-list").inner_text()
    assert "1 enrollment request" in waiting and "1 case to screen" in waiting
    coord.click_and_check(page.get_by_role("link", name="1 enrollment request"), "enrollment requests")
    assert "new@example.org" in page.locator("main").inner_text()

    coord.goto(f"/manage/{program.slug}/roster/import/", "roster import")
    template = coord.download(page.get_by_role("link", name="Download the CSV template"))
    rows = list(csv.reader(io.StringIO(template.path().read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["email", "full_name", "profession", "organization"]
    coord.assert_clean()


def test_participant_pages_fit_a_phone(open_browser):
    program = seed.hub_program()
    seed.coordinator(program)
    other = ProgramFactory(name="Addiction Medicine", slug="addiction-medicine", is_open_for_enrollment=True)
    for weeks in range(1, 7):
        seed.session_at(
            program,
            starts_in=timedelta(weeks=weeks),
            title=f"Session {10 + weeks}",
            didactic_topic="Opioid tapering: when and how, for patients on long-term high doses",
        )
        past = seed.session_at(program, starts_in=-timedelta(weeks=weeks), title=f"Session {10 - weeks}")
    seed.session_at(other, starts_in=timedelta(days=3), title="Session 1", didactic_topic="Stimulant use")
    pat = seed.person("pat@example.org", full_name="Pat Participant", credentials="RN")
    EnrollmentFactory(program=program, user=pat, role=Role.PARTICIPANT)
    AttendanceFactory(session=past, user=pat, minutes=100)
    case = CaseFactory(program=program, presenter=pat, status=Case.Status.SUBMITTED, title="Neck pain")

    visitor = open_browser("prospective member")
    visitor.goto(f"/programs/{other.slug}/", "program before enrolling")
    assert "Stimulant use" in visitor.page.locator(".upcoming-topics").inner_text()
    visitor.assert_clean()

    spoke = open_browser("participant")
    page = spoke.page
    spoke.log_in("pat@example.org")
    spoke.goto("/sessions/", "my sessions")
    main = page.locator("main").inner_text()
    assert "Show all 6 upcoming sessions" in main
    page.get_by_text("Past sessions (6)").click()
    spoke.check("past sessions open")
    assert "Show all 6 past sessions" in page.locator("main").inner_text()

    EnrollmentFactory(program=other, user=pat, role=Role.PARTICIPANT)
    spoke.click_and_check(spoke.nav("Cases"), "my cases")
    spoke.click_and_check(page.get_by_role("link", name="Present a case"), "choose a program")
    spoke.click_and_check(page.get_by_role("link", name=re.compile("Addiction Medicine")), "case form")

    spoke.goto(f"/cases/{case.pk}/", "case")
    spoke.click_and_check(page.get_by_role("link", name="Withdraw this case"), "withdraw case?")
    spoke.click_and_check(page.get_by_role("button", name="Withdraw this case"), "case withdrawn")
    assert "You withdrew this case" in page.locator("main").inner_text()

    spoke.click_and_check(spoke.nav("CPD"), "transcript")
    pdf = spoke.download(page.get_by_role("link", name="Download transcript (PDF)"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.path().read_bytes())).pages)
    assert "Pat Participant, RN" in text
    table = spoke.download(page.get_by_role("link", name="Download transcript (CSV)"))
    rows = list(csv.DictReader(io.StringIO(table.path().read_text(encoding="utf-8-sig"))))
    assert [row["minutes"] for row in rows if row["session"] == past.title] == ["100"]
    spoke.assert_clean()


def test_recovery_codes_after_setting_up_an_authenticator(open_browser):
    seed.person("pat@example.org", full_name="Pat Participant")

    pat = open_browser("participant")
    page = pat.page
    pat.log_in("pat@example.org")
    pat.goto("/accounts/2fa/totp/activate/", "confirm password")
    page.get_by_label("Password").fill("correct-horse-battery")
    pat.click_and_check(page.get_by_role("button", name=re.compile("Confirm", re.I)), "authenticator set-up")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label(re.compile("Authenticator code", re.I)).fill(_totp(secret))
    pat.click_and_check(
        page.get_by_role("button", name="Turn on two-factor authentication"), "recovery codes"
    )
    main = page.locator("main").inner_text()
    assert "Keep these codes somewhere safe before you go on." in main
    assert page.locator(".recovery-codes li").count() == 10
    pat.click_and_check(page.get_by_role("link", name="I have saved my codes, continue"), "continued")
    assert pat.path == "/"
    pat.assert_clean()
