import codecs
import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from sessions.models import Role
from tests.factories import (
    AttendanceFactory,
    CertificateFactory,
    CreditTypeFactory,
    EnrollmentFactory,
    EvaluationFactory,
    SessionFactory,
    UserFactory,
)
from tests.querycount import sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(program):
    user = UserFactory(email="ana@example.org", full_name="Ana Lopez", credentials="MD, CCFP")
    EnrollmentFactory(program=program, user=user, role=Role.PARTICIPANT)
    return user


@pytest.fixture
def history(program, ana):
    """Two held sessions: one with credits and a certificate, one attended without evaluation."""
    CreditTypeFactory(program=program)
    tapering = SessionFactory(
        program=program,
        title="Session 1",
        didactic_topic="Opioid tapering: when and how",
        starts_at=datetime(2025, 10, 1, 16, tzinfo=UTC),
    )
    AttendanceFactory(session=tapering, user=ana, minutes=120)
    EvaluationFactory(session=tapering, user=ana)
    certificate = CertificateFactory(user=ana, session=tapering)
    naloxone = SessionFactory(
        program=program, title="Session 2", starts_at=datetime(2025, 10, 8, 16, tzinfo=UTC)
    )
    AttendanceFactory(session=naloxone, user=ana, minutes=60)
    return {"certificate": certificate}


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith(codecs.BOM_UTF8.decode())
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_transcript_csv_lists_each_session_with_its_credits(client, ana, history):
    client.force_login(ana)

    response = client.get(reverse("cpd:transcript_csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="echo-hub-cpd-transcript-')
    assert response["Cache-Control"] == "private, no-store"
    assert _csv(response) == [
        [
            "program",
            "session",
            "session_start",
            "minutes",
            "provisional",
            "evaluation_done",
            "eligible",
            "credits",
            "credit_type",
            "missing",
            "certificate_code",
        ],
        [
            "Chronic Pain & Opioid Stewardship",
            "Session 1 — Opioid tapering: when and how",
            "2025-10-01T12:00-04:00",
            "120",
            "no",
            "yes",
            "yes",
            "2",
            "Mainpro+ Certified",
            "",
            history["certificate"].code,
        ],
        [
            "Chronic Pain & Opioid Stewardship",
            "Session 2",
            "2025-10-08T12:00-04:00",
            "60",
            "no",
            "no",
            "no",
            "0",
            "",
            "Attendance: 60 of the 90 minutes needed; Evaluation not filled",
            "",
        ],
    ]


def test_transcript_pdf_prints_the_person_sessions_and_totals(client, ana, history):
    client.force_login(ana)

    response = client.get(reverse("cpd:transcript_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="echo-hub-cpd-transcript-')
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert "CPD transcript" in text
    assert "Ana Lopez, MD, CCFP" in text
    assert "Chronic Pain & Opioid Stewardship · 2025" in text
    assert "Session 1 — Opioid tapering: when and how" in text
    assert "Total 2025 2 Mainpro+ Certified credits" in text
    assert "Attendance: 60 of the 90 minutes needed" in text


def test_transcript_downloads_hold_only_the_signed_in_persons_rows(client, program, ana, history):
    other = UserFactory(email="other@example.org", full_name="Other Person")
    EnrollmentFactory(program=program, user=other)
    client.force_login(other)

    rows = _csv(client.get(reverse("cpd:transcript_csv")))
    pdf = client.get(reverse("cpd:transcript_pdf"))

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert [row[3] for row in rows[1:]] == ["0", "0"]
    assert history["certificate"].code not in " ".join(",".join(r) for r in rows)
    assert "Other Person" in text and "Ana Lopez" not in text


def test_transcript_csv_of_someone_without_programs_has_only_the_header(client, outsider):
    client.force_login(outsider)

    assert len(_csv(client.get(reverse("cpd:transcript_csv")))) == 1


@pytest.mark.parametrize("name", ["cpd:transcript_pdf", "cpd:transcript_csv"])
def test_transcript_downloads_need_sign_in(client, db, name):
    url = reverse(name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("name", ["cpd:transcript_pdf", "cpd:transcript_csv"])
def test_transcript_downloads_refuse_post(client, ana, name):
    client.force_login(ana)

    assert client.post(reverse(name)).status_code == 405


def test_transcript_page_links_both_downloads(client, ana, history):
    client.force_login(ana)

    body = client.get(reverse("cpd:transcript")).content.decode()

    assert f'href="{reverse("cpd:transcript_pdf")}" download>Download transcript (PDF)</a>' in body
    assert f'href="{reverse("cpd:transcript_csv")}" download>Download transcript (CSV)</a>' in body


def test_transcript_csv_query_count_does_not_grow_with_sessions(client, program, ana, history):
    client.force_login(ana)
    client.get(reverse("cpd:transcript_csv"))
    with CaptureQueriesContext(connection) as ctx2:
        client.get(reverse("cpd:transcript_csv"))
    for day in (15, 22, 29):
        session = SessionFactory(program=program, starts_at=datetime(2025, 10, day, 16, tzinfo=UTC))
        AttendanceFactory(session=session, user=ana)
    with CaptureQueriesContext(connection) as ctx5:
        client.get(reverse("cpd:transcript_csv"))

    assert len(ctx2) == len(ctx5), sql(ctx2, ctx5)
