import json
from datetime import date
from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from echo_hub.lib import timefmt
from echo_hub.lib.csv_export import csv_response
from echo_hub.lib.storage import private_file_response
from sessions.models import Program
from sessions.permissions import get_program_for_coordinator

from ..models import ReportExport
from . import exports
from .cache import cached_program_report, report_key
from .display import report_context
from .forms import ReportFilterForm
from .selectors import ProgramReport, ReportScope
from .tables import HELD

FILTER_FIELDS = ("cycle", "start", "end")


def _scope(request, program: Program) -> tuple[ReportFilterForm, ReportScope]:
    form = ReportFilterForm(request.GET or None, program=program)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, ReportScope(program=program, cycle=data["cycle"], start=data["start"], end=data["end"])
    return form, ReportScope(program=program)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return value


def _chart(kind: str, title: str, labels: list, series_label: str, data: list, **options) -> dict:
    spec = {"type": kind, "title": title, "labels": labels, "series": [{"label": series_label, "data": data}]}
    return {"spec": json.dumps(spec | options), "has_data": bool(labels)}


def _charts(report: ProgramReport) -> dict[str, dict]:
    """Chart specs for static/js/charts.js, drawn from the same rows as the tables."""
    held = [row for row in report.sessions.rows if row[3] == HELD]
    professions = report.professions.rows
    return {
        "attendance": _chart(
            "line",
            _("Participants per session"),
            # timefmt keeps each formatted day: a year of sessions formatted anew on each drawing
            # cost more than the rest of the charts.
            [timefmt.short_date(row[0]) for row in held],
            _("Participants"),
            [row[4] for row in held],
            aspectRatio=2.6,
        ),
        "professions": _chart(
            "hbar",
            _("Participants by profession"),
            [str(row[0]) for row in professions],
            _("Participants"),
            [row[1] for row in professions],
            aspectRatio=max(1.1, 2.6 - 0.15 * len(professions)),
        ),
        "communities": _chart(
            "bar",
            _("Participants by community type"),
            [str(row[0]) for row in report.communities.rows],
            _("Participants"),
            [row[1] for row in report.communities.rows],
            aspectRatio=1.6,
        ),
        "retention": _chart(
            "bar",
            _("Sessions attended per participant"),
            [str(row[0]) for row in report.retention.rows],
            _("Participants"),
            [row[1] for row in report.retention.rows],
            aspectRatio=2.2,
            xTitle=_("Sessions attended"),
        ),
    }


def _filter_query(request) -> str:
    query = request.GET.copy()
    for key in list(query):
        if key not in FILTER_FIELDS:
            query.pop(key)
    return query.urlencode()


@login_required
@require_GET
def program_report(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    form, scope = _scope(request, program)
    key = report_key(scope)
    report = cache(lambda: cached_program_report(scope, key=key))
    # The page's numbers, tables and charts are drawn once per report key and language and
    # kept ({% cache %} in the template, keyed by report_key): while it is there, none of this
    # is computed.
    context = {
        "program": program,
        "scope": scope,
        "report_key": key,
        "summary": SimpleLazyObject(lambda: report().summary),
        "tables": SimpleLazyObject(lambda: report_context(program, report(), on_page=True)["tables"]),
        "charts": SimpleLazyObject(lambda: _charts(report())),
    }
    return render(
        request,
        "reports/program_report.html",
        context | {"form": form, "query": _filter_query(request)},
    )


@login_required
@require_GET
def report_csv(request, slug, table):
    program = get_program_for_coordinator(request.user, slug)
    _form, scope = _scope(request, program)
    found = cached_program_report(scope).tables.get(table)
    if found is None:
        raise Http404("No such table.")
    rows = ([_csv_cell(v) for v in row] for row in found.rows)
    return csv_response(exports.export_filename(scope, "csv", table), found.header, rows)


@login_required
@require_POST
def report_pdf(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    # The filters come with the form's query string, as on the page the button sits on.
    _form, scope = _scope(request, program)
    export = exports.request_report_export(scope=scope, by=request.user)
    return redirect("reports:export", slug=slug, pk=export.pk)


def _export_for_coordinator(request, slug: str, pk: int) -> tuple[Program, ReportExport]:
    program = get_program_for_coordinator(request.user, slug)
    export = get_object_or_404(ReportExport.objects.select_related("cycle"), program=program, pk=pk)
    return program, export


@login_required
@require_GET
def report_export(request, slug, pk):
    program, export = _export_for_coordinator(request, slug, pk)
    context = {"program": program, "export": export, "scope": exports.export_scope(export)}
    partial = request.headers.get("HX-Request")
    return render(request, "reports/export_panel.html" if partial else "reports/export.html", context)


@login_required
@require_GET
def report_export_download(request, slug, pk):
    _program, export = _export_for_coordinator(request, slug, pk)
    if export.status != ReportExport.Status.READY:
        raise Http404("The report is not ready yet.")
    return private_file_response(
        export.file, filename=exports.export_filename(exports.export_scope(export), "pdf")
    )


@login_required
@require_POST
def report_export_retry(request, slug, pk):
    _program, export = _export_for_coordinator(request, slug, pk)
    try:
        exports.retry_report_export(export=export)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The report is being made again."))
    return redirect("reports:export", slug=slug, pk=export.pk)
