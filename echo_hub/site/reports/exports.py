"""The report as a PDF, made by a worker: rendering it takes seconds, far too long to hold a
web request. The coordinator's request only saves a ReportExport row; the page it leads to
polls the row until the file is ready, and the file is served only to the program's
coordinators."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from echo_hub.lib.pdf import render_pdf
from echo_hub.lib.renders import Renders

from ..models import ReportExport
from . import selectors
from .display import report_context
from .selectors import ReportScope

RENDER_TASK = "echo_hub.render_report_export"
REPORT_RENDERS = Renders(
    model=ReportExport,
    status_field="status",
    waiting=ReportExport.Status.PENDING,
    failed=ReportExport.Status.FAILED,
    created_field="created_at",
    task_name=RENDER_TASK,
    id_name="export_id",
)
SUMMARY_SPLIT = 12  # attendance, faculty and credits on the left, cases and evaluations on the right
# One page (or more) per section, after the summary.
PDF_SECTIONS = (
    ("sessions",),
    ("topics",),
    ("professions", "communities"),
    ("organizations",),
    ("retention",),
    ("case_answers",),
)
# Sections left out when they have nothing to show: a chronic pain program's case answers live
# in its form's own columns and are never counted there.
PDF_OPTIONAL = {"case_answers"}


def export_scope(export: ReportExport) -> ReportScope:
    return ReportScope(program=export.program, cycle=export.cycle, start=export.start, end=export.end)


def export_filename(scope: ReportScope, extension: str, table: str = "") -> str:
    parts = ["report", scope.program.slug, slugify(scope.label), table]
    return "-".join(p for p in parts if p) + f".{extension}"


@transaction.atomic
def request_report_export(*, scope: ReportScope, by) -> ReportExport:
    """Save the request and hand it to a worker once it commits."""
    export = ReportExport.objects.create(
        program=scope.program, cycle=scope.cycle, start=scope.start, end=scope.end, requested_by=by
    )
    REPORT_RENDERS.enqueue(export.pk)
    return export


def report_pdf(scope: ReportScope) -> bytes:
    context = report_context(scope.program, selectors.program_report(scope))
    tables = context["tables"]
    sections = [
        [tables[name] for name in names]
        for names in PDF_SECTIONS
        if any(name not in PDF_OPTIONAL or tables[name].rows for name in names)
    ]
    summary = tables["summary"].rows
    halves = [summary[:SUMMARY_SPLIT], summary[SUMMARY_SPLIT:]]
    return render_pdf("pdf/report.html", context | {"sections": sections, "summary_halves": halves})


def render_report_export(*, export_id: int) -> bool:
    """Render the report as it stands now and store it; a second run of a ready export does
    nothing. The numbers are those of the moment the worker renders, seconds after the ask."""
    export = (
        ReportExport.objects.select_related("program", "cycle", "requested_by").filter(pk=export_id).first()
    )
    if export is None or export.status == ReportExport.Status.READY:
        return False
    scope = export_scope(export)
    # In the language of the coordinator who asked for it, whoever's worker renders it.
    language = export.requested_by.language if export.requested_by else settings.LANGUAGE_CODE
    with timezone.override(export.program.zone), translation.override(language):
        pdf = report_pdf(scope)
    with transaction.atomic():
        export = ReportExport.objects.select_for_update().get(pk=export_id)
        if export.status == ReportExport.Status.READY:
            return False
        export.file.save(f"report-{export.pk}.pdf", ContentFile(pdf), save=False)
        export.status = ReportExport.Status.READY
        export.rendered_at = timezone.now()
        export.last_error = ""
        export.save()
    return True


def retry_report_export(*, export: ReportExport) -> None:
    """A coordinator asks for another try at a report whose tries ran out."""
    if not REPORT_RENDERS.restart(export.pk, failed_only=True):
        raise ValidationError(_("This report is not waiting for a retry: it is ready or being prepared."))
