import json
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from echo_hub.lib.csv_export import csv_response
from echo_hub.lib.pdf import render_pdf
from sessions.models import Program
from sessions.permissions import get_program_for_coordinator

from . import selectors
from .forms import ReportFilterForm
from .selectors import ProgramReport, ReportScope, Table

ORGANIZATIONS_ON_PAGE = 15
FILTER_FIELDS = ("cycle", "start", "end")
SUMMARY_SPLIT = 12  # attendance, faculty and credits on the left, cases and evaluations on the right
# One page (or more) per section, after the summary.
PDF_SECTIONS = (
    ("sessions",),
    ("topics",),
    ("professions", "communities"),
    ("organizations",),
    ("retention",),
)


@dataclass(frozen=True)
class Cell:
    text: str
    column: selectors.Column
    is_date: bool = False


@dataclass
class DisplayTable:
    name: str
    title: str
    columns: list[selectors.Column]
    rows: list[list[Cell]]
    total_rows: int


def _scope(request, program: Program) -> tuple[ReportFilterForm, ReportScope]:
    form = ReportFilterForm(request.GET or None, program=program)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, ReportScope(program=program, cycle=data["cycle"], start=data["start"], end=data["end"])
    return form, ReportScope(program=program)


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, date):
        return f"{value:%a %-d %b %Y}"
    return str(value)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return value


def _display(table: Table, limit: int | None = None) -> DisplayTable:
    rows = table.rows if limit is None else table.rows[:limit]
    cells = [
        [Cell(_cell(v), c, isinstance(v, date)) for v, c in zip(row, table.columns, strict=True)]
        for row in rows
    ]
    return DisplayTable(table.name, table.title, table.columns, cells, len(table.rows))


def _chart(kind: str, title: str, labels: list, series_label: str, data: list, **options) -> dict:
    spec = {"type": kind, "title": title, "labels": labels, "series": [{"label": series_label, "data": data}]}
    return {"spec": json.dumps(spec | options), "has_data": bool(labels)}


def _charts(report: ProgramReport) -> dict[str, dict]:
    """Chart specs for static/js/charts.js, drawn from the same rows as the tables."""
    held = [row for row in report.sessions.rows if row[3] == "Held"]
    professions = report.professions.rows
    return {
        "attendance": _chart(
            "line",
            "Participants per session",
            [f"{row[0]:%-d %b %Y}" for row in held],
            "Participants",
            [row[4] for row in held],
            aspectRatio=2.6,
        ),
        "professions": _chart(
            "hbar",
            "Participants by profession",
            [row[0] for row in professions],
            "Participants",
            [row[1] for row in professions],
            aspectRatio=max(1.1, 2.6 - 0.15 * len(professions)),
        ),
        "communities": _chart(
            "bar",
            "Participants by community type",
            [row[0] for row in report.communities.rows],
            "Participants",
            [row[1] for row in report.communities.rows],
            aspectRatio=1.6,
        ),
        "retention": _chart(
            "bar",
            "Sessions attended per participant",
            [str(row[0]) for row in report.retention.rows],
            "Participants",
            [row[1] for row in report.retention.rows],
            aspectRatio=2.2,
            xTitle="Sessions attended",
        ),
    }


def _filter_query(request) -> str:
    query = request.GET.copy()
    for key in list(query):
        if key not in FILTER_FIELDS:
            query.pop(key)
    return query.urlencode()


def _context(program: Program, report: ProgramReport, *, organizations_limit: int | None = None) -> dict:
    tables = report.tables
    return {
        "program": program,
        "report": report,
        "scope": report.scope,
        "summary": report.summary,
        "tables": {
            name: _display(table, organizations_limit if name == "organizations" else None)
            for name, table in tables.items()
        },
    }


@login_required
@require_GET
def program_report(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    form, scope = _scope(request, program)
    report = selectors.program_report(scope)
    context = _context(program, report, organizations_limit=ORGANIZATIONS_ON_PAGE)
    return render(
        request,
        "reports/program_report.html",
        context | {"form": form, "charts": _charts(report), "query": _filter_query(request)},
    )


def _filename(scope: ReportScope, extension: str, table: str = "") -> str:
    parts = ["report", scope.program.slug, slugify(scope.label), table]
    return "-".join(p for p in parts if p) + f".{extension}"


@login_required
@require_GET
def report_csv(request, slug, table):
    program = get_program_for_coordinator(request.user, slug)
    _, scope = _scope(request, program)
    found = selectors.program_report(scope).tables.get(table)
    if found is None:
        raise Http404("No such table.")
    rows = ([_csv_cell(v) for v in row] for row in found.rows)
    return csv_response(_filename(scope, "csv", table), found.header, rows)


@login_required
@require_GET
def report_pdf(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    _, scope = _scope(request, program)
    context = _context(program, selectors.program_report(scope))
    tables = context["tables"]
    sections = [[tables[name] for name in names] for names in PDF_SECTIONS]
    summary = tables["summary"].rows
    halves = [summary[:SUMMARY_SPLIT], summary[SUMMARY_SPLIT:]]
    pdf = render_pdf("pdf/report.html", context | {"sections": sections, "summary_halves": halves})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(scope, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response
