import logging
import re
import socket
from datetime import datetime
from io import BytesIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from echo_hub.lib.pdf import render_pdf
from echo_hub.lib.qr import qr_svg_data_uri

TEMPLATE = "pdf/certificate.html"
CODE = "q3Vt8kZpL0aXb7_Yc2Nd-Ue5Wf9Gh1Jm"
VERIFY_URL = f"https://echo.example.org/verify/{CODE}/"
PARTICIPANT = "Dr. Marie Tremblay, MD, CCFP"
STATEMENTS = [
    "This one-credit-per-hour Group Learning program meets the certification criteria of the College of "
    "Family Physicians of Canada and has been certified by the Ontario Chapter for up to 32 Mainpro+ credits.",
    "Other health professionals may claim their hours of participation with their own regulatory college "
    "or professional association, according to its rules for continuing education.",
]
TOPICS = [
    "Opioid tapering: when and how",
    "Buprenorphine microdosing in primary care",
    "Chronic pain and mental health",
    "Naloxone and overdose prevention",
    "Non-drug therapies for low back pain",
    "Gabapentinoids: benefits and harms",
    "Cannabinoids for chronic pain",
    "Fibromyalgia: a practical approach",
    "Neuropathic pain pharmacology",
    "Talking about opioid risk with patients",
    "Chronic pain in older adults",
    "Sleep and pain",
    "Opioid use disorder: recognition",
    "Headache and medication overuse",
    "Pain in pregnancy",
    "Putting it together: a case review",
]
SHIPPED_FONTS = {"DejaVu-Sans-Latin", "DejaVu-Sans-Latin-Bold"}


def _certificate(*, kind: str, is_duplicate: bool = False, status: str = "valid") -> SimpleNamespace:
    return SimpleNamespace(
        code=CODE,
        kind=kind,
        is_duplicate=is_duplicate,
        issued_at=datetime(2026, 11, 20, 14, 5, tzinfo=ZoneInfo("America/Toronto")),
        status=status,
    )


def _common() -> dict:
    return {
        "participant": PARTICIPANT,
        "program_name": "Chronic Pain & Opioid Stewardship",
        "hub_name": "ECHO Ontario Chronic Pain hub",
        "credit_phrase": "Mainpro+ Certified credits",
        "statements": STATEMENTS,
        "verify_url": VERIFY_URL,
        "qr_data_uri": qr_svg_data_uri(VERIFY_URL),
    }


def session_context(**certificate) -> dict:
    return _common() | {
        "certificate": _certificate(kind="session", **certificate),
        "title": "Session 9: Opioid tapering: when and how",
        "dates": "Wednesday 18 November 2026",
        "sessions": [],
        "credits": "2",
        "body_ids": ["123456789"],
        "facts": "Session ID 123456789 · Issued 20 November 2026",
    }


def cycle_context(**certificate) -> dict:
    sessions = [
        {
            "title": f"Session {number}: {topic}",
            "date": f"{number} Oct 2026",
            "credits": "2",
            "body_id": f"12345{number:04d}",
        }
        for number, topic in enumerate(TOPICS, start=1)
    ]
    return _common() | {
        "certificate": _certificate(kind="cycle", **certificate),
        "title": "Fall 2026 cycle",
        "dates": "23 September – 30 December 2026",
        "sessions": sessions,
        "credits": "32",
        "body_ids": [row["body_id"] for row in sessions],
        "facts": "Sessions and their IDs are listed on page 2 · Issued 20 November 2026",
    }


def _pages(pdf: bytes) -> list:
    return PdfReader(BytesIO(pdf)).pages


def _text(pdf: bytes) -> str:
    # Lines wrap wherever the layout puts them: compare with single spaces.
    return " ".join("\n".join(page.extract_text() for page in _pages(pdf)).split())


def _font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in _pages(pdf):
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor
            names.add(str(font["/BaseFont"]).split("+", 1)[1])
    return names


@pytest.fixture
def network_attempts(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_session_certificate_shows_what_a_college_checks():
    pdf = render_pdf(TEMPLATE, session_context())

    text = _text(pdf)

    assert len(_pages(pdf)) == 1
    assert PARTICIPANT in text
    assert "Chronic Pain & Opioid Stewardship · Wednesday 18 November 2026" in text
    assert "Session 9: Opioid tapering: when and how" in text
    assert re.search(r"2 ?Mainpro\+ Certified credits", text)
    assert all(statement in text for statement in STATEMENTS)
    assert "Session ID 123456789 · Issued 20 November 2026" in text
    assert f"Verify at {VERIFY_URL}" in text
    assert f"Verification code {CODE}" in text


def test_session_certificate_sets_the_document_title():
    pdf = render_pdf(TEMPLATE, session_context())

    title = PdfReader(BytesIO(pdf)).metadata.title

    assert title == f"Certificate for {PARTICIPANT}: Session 9: Opioid tapering: when and how"


def test_cycle_certificate_lists_every_session_on_a_second_page():
    context = cycle_context()

    pdf = render_pdf(TEMPLATE, context)

    pages = _pages(pdf)
    assert len(pages) == 2
    first, second = (" ".join(page.extract_text().split()) for page in pages)
    assert "attended 16 sessions of the ECHO telementoring cycle Fall 2026 cycle" in first
    assert "23 September – 30 December 2026" in first
    assert re.search(r"32 ?Mainpro\+ Certified credits", first)
    assert f"Verification code {CODE}" in first
    assert all(statement in first for statement in STATEMENTS)
    for number, row in enumerate(context["sessions"], start=1):
        assert f"{number} {row['date']} {row['title']} {row['body_id']} 2" in second
    assert "Total Mainpro+ Certified credits 32" in second
    assert f"{PARTICIPANT} · Fall 2026 cycle · verification code {CODE} 2 / 2" in second


@pytest.mark.parametrize(
    ("is_duplicate", "status"),
    [(False, "valid"), (True, "valid"), (False, "revoked"), (True, "revoked")],
)
def test_certificate_says_duplicate_and_revoked_only_when_so(is_duplicate, status):
    for context in (
        session_context(is_duplicate=is_duplicate, status=status),
        cycle_context(is_duplicate=is_duplicate, status=status),
    ):
        text = _text(render_pdf(TEMPLATE, context))

        assert ("DUPLICATE" in text) == is_duplicate
        assert ("REVOKED" in text) == (status == "revoked")


def test_certificate_embeds_only_the_shipped_fonts():
    assert _font_names(render_pdf(TEMPLATE, session_context())) == SHIPPED_FONTS
    assert _font_names(render_pdf(TEMPLATE, cycle_context())) == SHIPPED_FONTS


def test_certificate_falls_back_to_the_system_font_outside_the_shipped_subset():
    pdf = render_pdf(TEMPLATE, session_context() | {"participant": "Dr. Олена Коваль, MD"})

    assert _font_names(pdf) == SHIPPED_FONTS | {"DejaVu-Sans-Bold"}


def test_certificate_render_fetches_nothing_from_the_network(caplog, network_attempts):
    caplog.set_level(logging.WARNING)

    pdf = render_pdf(TEMPLATE, session_context())

    assert pdf.startswith(b"%PDF-")
    assert [record.getMessage() for record in caplog.records] == []
    assert network_attempts == []
