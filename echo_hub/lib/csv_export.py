"""CSV downloads that open safely in a spreadsheet."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a text cell starting with = + - @
    is prefixed with a quote so Excel shows it instead of running it."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(target, header: Sequence[str], rows: Iterable[Sequence], *, delimiter: str = ",") -> None:
    """Write a spreadsheet-safe CSV (or, with delimiter="\t", tab-delimited text) to a text
    file-like `target`, with the BOM Excel needs to read UTF-8."""
    target.write("\ufeff")
    writer = csv.writer(target, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    write_csv(buffer, header, rows)
    return buffer.getvalue().encode("utf-8")


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence], *, delimiter: str = ","
) -> HttpResponse:
    content_type = "text/tab-separated-values" if delimiter == "\t" else "text/csv"
    response = HttpResponse(content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    write_csv(response, header, rows, delimiter=delimiter)
    return response
