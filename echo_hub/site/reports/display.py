"""The report's tables as the page and the PDF print them."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

from echo_hub.lib import timefmt
from echo_hub.lib.markup import escaped
from sessions.models import Program

from . import selectors
from .selectors import ProgramReport, Table

ORGANIZATIONS_ON_PAGE = 15
# A year of weekly sessions: hundreds of rows made the page slow to render and to read.
SESSIONS_ON_PAGE = 52


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

    def body(self) -> SafeString:
        """The rows of the page's table, drawn here: the template's loop looked up each cell's
        column, its (lazily translated) label and its kind again, and for a year of sessions
        that drew slower than the report's queries ran. Each column is read once, each cell
        escaped once (echo_hub.lib.markup)."""
        columns = [(escaped(c.label), NUMERIC if c.numeric else None) for c in self.columns]
        rows = (
            "".join(
                f'<td data-label="{label}"{kind or (DATE if cell.is_date else "")}>{escaped(cell.text)}</td>'
                for cell, (label, kind) in zip(row, columns, strict=True)
            )
            for row in self.rows
        )
        return mark_safe("\n".join(f"<tr>{cells}</tr>" for cells in rows))


NUMERIC, DATE = mark_safe(' class="num"'), mark_safe(' class="text-nowrap"')


def cell_text(value) -> str:
    """A cell as people read it, in their language: « mer 7 oct. 2026 », « 13,2 » (the CSV
    files keep the raw values)."""
    if value is None:
        return "—"
    if isinstance(value, date):
        return timefmt.short_date(value, weekday=True)
    if isinstance(value, (Decimal, float)):
        return number_format(value)
    return str(value)


def display_table(table: Table, limit: int | None = None, latest: bool = False) -> DisplayTable:
    """The table's cells; with `limit`, only its first rows (its last, with `latest`)."""
    rows = table.rows if limit is None else (table.rows[-limit:] if latest else table.rows[:limit])
    cells = [
        [Cell(cell_text(v), c, isinstance(v, date)) for v, c in zip(row, table.columns, strict=True)]
        for row in rows
    ]
    return DisplayTable(table.name, table.title, table.columns, cells, len(table.rows))


def report_context(program: Program, report: ProgramReport, *, on_page: bool = False) -> dict:
    """The report's tables for the PDF (every row), or for the page (`on_page`): the largest
    organizations and the latest sessions only; the CSV files have them all."""
    tables = report.tables
    limits = {"organizations": (ORGANIZATIONS_ON_PAGE, False), "sessions": (SESSIONS_ON_PAGE, True)}
    return {
        "program": program,
        "report": report,
        "scope": report.scope,
        "summary": report.summary,
        "tables": {
            name: display_table(table, *limits[name]) if on_page and name in limits else display_table(table)
            for name, table in tables.items()
        },
    }
