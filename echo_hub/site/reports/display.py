"""The report's tables as the page and the PDF print them."""

from dataclasses import dataclass
from datetime import date

from sessions.models import Program

from . import selectors
from .selectors import ProgramReport, Table


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


def cell_text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, date):
        return f"{value:%a %-d %b %Y}"
    return str(value)


def display_table(table: Table, limit: int | None = None) -> DisplayTable:
    rows = table.rows if limit is None else table.rows[:limit]
    cells = [
        [Cell(cell_text(v), c, isinstance(v, date)) for v, c in zip(row, table.columns, strict=True)]
        for row in rows
    ]
    return DisplayTable(table.name, table.title, table.columns, cells, len(table.rows))


def report_context(
    program: Program, report: ProgramReport, *, organizations_limit: int | None = None
) -> dict:
    tables = report.tables
    return {
        "program": program,
        "report": report,
        "scope": report.scope,
        "summary": report.summary,
        "tables": {
            name: display_table(table, organizations_limit if name == "organizations" else None)
            for name, table in tables.items()
        },
    }
