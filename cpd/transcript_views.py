"""The signed-in person's CPD transcript as a PDF and a CSV. Built from request.user only,
never from an id in the URL, so nobody can download someone else's."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from echo_hub.lib.csv_export import csv_response
from echo_hub.lib.pdf import render_pdf
from echo_hub.lib.urls import absolute_url

from . import selectors, transcripts


def _filename(extension: str) -> str:
    return f"echo-hub-cpd-transcript-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
@require_GET
def transcript_pdf(request):
    context = {
        "person": request.user,
        "groups": selectors.transcript(request.user),
        "cycle_certificates": selectors.cycle_certificates(request.user),
        "generated": timezone.now(),
        "verify_url": absolute_url("cpd:verify_lookup"),
    }
    response = HttpResponse(render_pdf("pdf/transcript.html", context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename("pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def transcript_csv(request):
    rows = transcripts.csv_rows(selectors.transcript(request.user))
    return csv_response(_filename("csv"), transcripts.CSV_HEADER, rows)
