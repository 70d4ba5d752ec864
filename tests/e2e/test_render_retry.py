"""Coordinator: a certificate and a recommendation letter whose PDFs ran out of tries are on the
program's pages, explained in plain words; Retry makes each again, on a desktop and a phone."""

import re

import pytest

from cases.models import Case, RecommendationLetter
from cpd.models import Certificate
from tests.factories import (
    CaseSlotFactory,
    CertificateFactory,
    EnrollmentFactory,
    PastSessionFactory,
    RecommendationFactory,
)

from . import seed
from .hub_steps import main_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CASE_TITLE = "Low back pain on high-dose oxycodone"
NO_FONTS = "OSError: cannot load font DejaVuSans"


def _seed_failures(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    program = seed.hub_program()
    seed.coordinator(program)
    expert = seed.expert(program)
    holder = seed.person("ana.lopez@example.org", full_name="Ana Lopez")
    EnrollmentFactory(program=program, user=holder)
    session = PastSessionFactory(program=program, title="Session 4")
    certificate = CertificateFactory(
        user=holder, session=session, render_status="failed", render_attempts=5, file="", last_error=NO_FONTS
    )
    case = CaseSlotFactory(
        session=session,
        case__program=program,
        case__presenter=holder,
        case__status=Case.Status.PRESENTED,
        case__title=CASE_TITLE,
    ).case
    RecommendationFactory(case=case, author=expert)
    letter = RecommendationLetter.objects.create(
        case=case, status="failed", render_attempts=5, last_error=NO_FONTS
    )
    return program, certificate, letter


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_coordinator_retries_a_failed_certificate_and_letter(open_browser, settings, tmp_path, phone):
    program, certificate, letter = _seed_failures(settings, tmp_path)
    coord = open_browser("coordinator", phone=phone)
    page = coord.page
    coord.log_in("coord@example.org")

    coord.goto(f"/manage/{program.slug}/certificates/", "failed certificate")
    failures = page.get_by_role("region", name="Certificates that could not be made")
    assert "A file the PDF needs could not be read or saved" in failures.inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    coord.click_and_check(failures.get_by_role("button", name="Retry Ana Lopez"), "certificate retried")
    assert "The certificate of Ana Lopez is being made again." in main_text(coord)
    assert page.get_by_role("region", name="Certificates that could not be made").count() == 0

    coord.goto(f"/manage/{program.slug}/cases/", "failed letter in the queue")
    letters = page.get_by_role("region", name="Letters that could not be made")
    coord.click_and_check(letters.get_by_role("link", name=CASE_TITLE), "case with a failed letter")
    assert "The letter could not be made." in main_text(coord)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    coord.click_and_check(page.get_by_role("button", name=re.compile("^Retry")), "letter retried")
    assert "Download letter (PDF)" in main_text(coord)
    coord.assert_clean()

    certificate.refresh_from_db()
    letter.refresh_from_db()
    assert (certificate.render_status, letter.status) == (Certificate.RenderStatus.READY, "ready")
