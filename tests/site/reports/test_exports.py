"""The report PDF is made by a worker after the request: the request saves a ReportExport and
returns at once, a page polls it, the file goes only to the program's coordinators, and a
render whose tries ran out is shown with a Retry button."""

import io
import math
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader
from pypdf.generic import ContentStream

from echo_hub.lib.renders import MAX_RENDER_ATTEMPTS
from echo_hub.site.models import ReportExport
from echo_hub.site.reports.exports import (
    REPORT_RENDERS,
    render_report_export,
    report_pdf,
    request_report_export,
    retry_report_export,
)
from echo_hub.site.reports.selectors import ReportScope, program_report
from echo_hub.site.tasks import render_report_export_task
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "participant", "expert", "coordinator", "other_coordinator")
DENIED_HEADINGS = {403: "You can't do that here", 404: "We couldn't find that page"}
NO_SPACE_WORDS = "A file the PDF needs could not be read or saved (a font, the logo, or the file storage)."


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _export(program, coordinator, **fields) -> ReportExport:
    return ReportExport.objects.create(program=program, requested_by=coordinator, **fields)


def _urls(program, export) -> dict[str, str]:
    args = [program.slug, export.pk]
    return {
        "export": reverse("reports:export", args=args),
        "download": reverse("reports:export_download", args=args),
        "retry": reverse("reports:export_retry", args=args),
    }


def _messages(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def test_report_pdf_request_returns_at_once_and_the_worker_renders_it(
    client, coordinator, dataset, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("reports:pdf", args=[dataset.program.slug]) + f"?cycle={dataset.cycle.pk}"

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url)

    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export", args=[dataset.program.slug, export.pk])
    assert (export.status, bool(export.file), export.cycle, export.requested_by) == (
        "pending",
        False,
        dataset.cycle,
        coordinator,
    )
    assert len(callbacks) == 1
    page = client.get(response["Location"]).content.decode()
    assert "Making the report…" in page and 'hx-trigger="every 2s"' in page

    callbacks[0]()

    export.refresh_from_db()
    assert (export.status, export.render_attempts, export.last_error) == ("ready", 1, "")
    page = client.get(response["Location"]).content.decode()
    assert "The report is ready." in page and "hx-trigger" not in page
    download = client.get(reverse("reports:export_download", args=[dataset.program.slug, export.pk]))
    assert (
        download["Content-Disposition"]
        == f'attachment; filename="report-{dataset.program.slug}-fall-2025.pdf"'
    )
    assert download["Cache-Control"] == "private, no-store"
    pages = _pdf_text(b"".join(download.streaming_content))
    report = program_report(ReportScope(program=dataset.program, cycle=dataset.cycle))
    assert len(pages) == 6
    assert "Program report: Chronic Pain & Opioid Stewardship" in pages[0]
    assert [f"{label} {value}" in pages[0] for label, value in report.summary.rows()] == [True] * 23
    assert "CPD credits earned 7.50" in pages[0]
    assert "Wed 10 Sep 2025 Week 1" in pages[1] and "Held 3 2 4.5 2 1 3 4.00 3.33" in pages[1]
    assert "Opioid tapering 2 4 4.00 3.75" in pages[2]
    assert "North Clinic 2 3 4.7" in pages[4] and "Not given 1 1 2.0" in pages[4]


def test_render_report_export_runs_once(coordinator, dataset, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = request_report_export(scope=ReportScope(program=dataset.program), by=coordinator)
    export.refresh_from_db()
    name = export.file.name

    assert render_report_export(export_id=export.pk) is False

    export.refresh_from_db()
    assert (export.status, export.file.name, export.cycle) == ("ready", name, None)


def test_export_htmx_poll_returns_only_the_panel(client, coordinator, program):
    export = _export(program, coordinator)
    client.force_login(coordinator)

    response = client.get(_urls(program, export)["export"], headers={"HX-Request": "true"})

    names = [t.name for t in response.templates]
    assert names[0] == "reports/export_panel.html" and "reports/export.html" not in names
    assert response.content.decode().startswith('<div id="export-panel" hx-get=')


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, (302, 404, 403, 403, 200, 404), strict=True)))
@pytest.mark.parametrize("which", ["export", "download"])
def test_export_pages_permission_matrix(client, request, program, coordinator, role, expected, which):
    export = _export(program, coordinator, status=ReportExport.Status.READY)
    export.file.save("report.pdf", io.BytesIO(b"%PDF-1.4 the report"), save=True)
    url = _urls(program, export)[which]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get(url)

    assert response.status_code == expected
    if expected == 200 and which == "download":
        assert b"".join(response.streaming_content) == b"%PDF-1.4 the report"
    elif expected == 200:
        assert "The report is ready." in response.content.decode()
    elif expected == 302:
        assert response["Location"] == f"{reverse('account_login')}?next={quote(url)}"
    else:
        assert DENIED_HEADINGS[expected] in response.content.decode()


def test_other_programs_coordinator_cannot_reach_an_export_through_their_own_program(
    client, program, coordinator, other_program, other_coordinator
):
    export = _export(program, coordinator, status=ReportExport.Status.READY)
    export.file.save("report.pdf", io.BytesIO(b"%PDF-1.4 the report"), save=True)
    client.force_login(other_coordinator)

    response = client.get(reverse("reports:export_download", args=[other_program.slug, export.pk]))

    assert response.status_code == 404


def test_download_of_an_export_not_ready_is_404(client, program, coordinator):
    export = _export(program, coordinator)
    client.force_login(coordinator)

    response = client.get(_urls(program, export)["download"])

    assert response.status_code == 404


@pytest.mark.parametrize(("role", "expected"), [("participant", 403), ("other_coordinator", 404)])
def test_report_pdf_request_by_a_non_coordinator_saves_nothing(client, request, program, role, expected):
    client.force_login(request.getfixturevalue(role))
    before = snapshot()

    response = client.post(reverse("reports:pdf", args=[program.slug]))

    assert response.status_code == expected
    assert changes_since(before) == {}


def test_report_pdf_get_returns_405(client, program, coordinator):
    client.force_login(coordinator)

    assert client.get(reverse("reports:pdf", args=[program.slug])).status_code == 405


def test_failed_export_is_shown_in_plain_words_and_retried(
    client, program, coordinator, full_disk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = request_report_export(scope=ReportScope(program=program), by=coordinator)
    for _ in range(MAX_RENDER_ATTEMPTS - 1):
        assert render_report_export_task(export_id=export.pk) is False
    export.refresh_from_db()
    assert (export.status, export.render_attempts, export.last_error) == (
        "failed",
        MAX_RENDER_ATTEMPTS,
        "OSError: [Errno 28] No space left on device",
    )
    client.force_login(coordinator)
    urls = _urls(program, export)
    page = client.get(urls["export"]).content.decode()
    assert "The report could not be made." in page and NO_SPACE_WORDS in page
    assert f'<form method="post" action="{urls["retry"]}">' in page
    full_disk.free()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls["retry"])

    export.refresh_from_db()
    assert response["Location"] == urls["export"]
    assert _messages(response) == ["The report is being made again."]
    assert (export.status, export.render_attempts, export.last_error) == ("ready", 1, "")


def test_retry_of_an_export_that_did_not_fail_changes_nothing(client, program, coordinator):
    export = _export(program, coordinator)
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(_urls(program, export)["retry"])

    assert _messages(response) == ["This report is not waiting for a retry: it is ready or being prepared."]
    assert changes_since(before) == {}


@pytest.mark.parametrize(("role", "expected"), [("participant", 403), ("other_coordinator", 404)])
def test_retry_by_a_non_coordinator_changes_nothing(client, request, program, coordinator, role, expected):
    export = _export(program, coordinator, status=ReportExport.Status.FAILED, render_attempts=5)
    client.force_login(request.getfixturevalue(role))
    before = snapshot()

    response = client.post(_urls(program, export)["retry"])

    assert response.status_code == expected
    assert changes_since(before) == {}


def test_retry_service_refuses_a_ready_export(program, coordinator):
    export = _export(program, coordinator, status=ReportExport.Status.READY)

    with pytest.raises(Exception, match="not waiting for a retry"):
        retry_report_export(export=export)


def test_sweep_hands_over_an_export_the_broker_lost(program, coordinator, time_machine):
    export = _export(program, coordinator)
    time_machine.move_to(timezone.now() + timedelta(minutes=6))

    assert REPORT_RENDERS.sweep() == [export.pk]

    export.refresh_from_db()
    assert export.status == "ready"


@pytest.mark.parametrize("language", ["en-ca", "fr-ca"])
def test_report_pdf_sessions_table_keeps_all_its_columns_on_the_page(dataset, language):
    """Its twelve columns' widths added up to 100 % without their padding: Relevance and
    Quality were drawn past the page's right edge. Every run of text on the sessions page
    starts inside the page (WeasyPrint places each with a text matrix, in CSS pixels)."""
    with translation.override(language):
        pdf = report_pdf(ReportScope(program=dataset.program, cycle=dataset.cycle))
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[1]
    operations = ContentStream(page.get_contents(), reader).operations
    scale = math.prod(float(operands[0]) for operands, op in operations if op == b"cm")
    starts = [float(operands[4]) * scale for operands, op in operations if op == b"Tm"]

    assert ("Sessions" if language == "en-ca" else "Séances") in page.extract_text()
    assert len(starts) > 40  # the headings and every cell of the table
    assert max(starts) < float(page.mediabox.width)
