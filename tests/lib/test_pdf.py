import hashlib
import logging
import socket
from io import BytesIO

import pytest
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile, FileField
from pypdf import PdfReader

from echo_hub.lib.pdf import render_pdf, sha256_hex, stored_image_data_uri

SAMPLE = "pdf/_test_sample.html"
TEXT = "Pain & Opioid — é"


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


@pytest.fixture
def network_attempts(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def _refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "echo_hub.lib.pdf"]


def test_render_pdf_keeps_text_with_ampersand_dash_and_accent():
    pdf = render_pdf(SAMPLE, {"heading": TEXT, "body": "Tapering plan for Mr. Côté"})

    text = _text(pdf)

    assert pdf.startswith(b"%PDF-")
    assert TEXT in text
    assert "Tapering plan for Mr. Côté" in text
    assert "1 / 1" in text


def test_render_pdf_sets_document_title():
    pdf = render_pdf(SAMPLE, {"heading": TEXT, "body": ""})

    assert PdfReader(BytesIO(pdf)).metadata.title == TEXT


def test_sha256_hex_matches_hashlib():
    pdf = render_pdf(SAMPLE, {"heading": TEXT, "body": ""})

    assert sha256_hex(pdf) == hashlib.sha256(pdf).hexdigest()
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_render_pdf_refuses_http_image_without_touching_the_network(caplog, network_attempts):
    caplog.set_level(logging.WARNING)
    url = "http://example.invalid/tracker.png"

    pdf = render_pdf(SAMPLE, {"heading": TEXT, "body": "", "image_src": url})

    assert pdf.startswith(b"%PDF-")
    assert _refusals(caplog) == [f"PDF resource refused: {url}"]
    assert network_attempts == []


@pytest.mark.parametrize(
    ("image_src", "refused_url_end"),
    [
        ("file:///etc/hostname", "/etc/hostname"),
        ("../templates/pdf/base.html", "/templates/pdf/base.html"),
        ("https://example.invalid/x.svg", "https://example.invalid/x.svg"),
        ("ftp://example.invalid/x.svg", "ftp://example.invalid/x.svg"),
    ],
)
def test_render_pdf_refuses_files_outside_static_and_other_schemes(
    caplog, network_attempts, image_src, refused_url_end
):
    caplog.set_level(logging.WARNING)

    render_pdf(SAMPLE, {"heading": TEXT, "body": "", "image_src": image_src})

    refusals = _refusals(caplog)
    assert len(refusals) == 1
    assert refusals[0].endswith(refused_url_end)
    assert network_attempts == []


def test_render_pdf_loads_static_files_from_disk(caplog, network_attempts):
    caplog.set_level(logging.WARNING)

    render_pdf(SAMPLE, {"heading": TEXT, "body": "", "image_src": "img/favicon.svg"})

    assert [r.getMessage() for r in caplog.records] == []
    assert network_attempts == []


def _base_fonts(pdf: bytes) -> set[str]:
    fonts = PdfReader(BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    return {str(font.get_object()["/BaseFont"]).split("+", 1)[1] for font in fonts}


def test_render_pdf_embeds_the_fonts_shipped_in_static():
    pdf = render_pdf(SAMPLE, {"heading": TEXT, "body": "Tapering plan for Mr. Côté"})

    assert _base_fonts(pdf) == {"DejaVu-Sans-Latin", "DejaVu-Sans-Latin-Bold"}


def _page_size(pdf: bytes) -> list[float]:
    return [float(side) for side in PdfReader(BytesIO(pdf)).pages[0].mediabox]


def test_render_pdf_keeps_each_templates_own_page_style():
    landscape = render_pdf("pdf/certificate.html", {"certificate": None, "statements": [], "sessions": []})

    portrait = render_pdf(SAMPLE, {"heading": TEXT, "body": ""})

    assert _page_size(landscape) == [0, 0, 792, 612]
    assert _page_size(portrait) == [0, 0, 612, 792]


def test_a_stored_image_is_inlined_as_a_data_url_by_its_content(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 8
    storage.save("logo.png", BytesIO(png))
    storage.save("photo.jpg", BytesIO(jpeg))
    field = FileField(storage=storage)

    def stored(name: str) -> FieldFile:
        return FieldFile(None, field, name)

    assert stored_image_data_uri(stored("logo.png")).startswith("data:image/png;base64,iVBORw0KGgo")
    assert stored_image_data_uri(stored("photo.jpg")).startswith("data:image/jpeg;base64,/9j/")
    assert stored_image_data_uri(stored("")) == ""


def test_a_stored_image_gone_missing_is_left_out_with_a_warning(tmp_path, caplog):
    field = FileField(storage=FileSystemStorage(location=tmp_path))

    with caplog.at_level(logging.WARNING, logger="echo_hub.lib.pdf"):
        assert stored_image_data_uri(FieldFile(None, field, "accreditation/gone.png")) == ""

    assert "Stored image missing: accreditation/gone.png" in caplog.text
