"""The report page's table rows drawn in Python read as the template loop drew them."""

from datetime import date
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from echo_hub.site.reports.display import display_table
from echo_hub.site.reports.scope import Column, Table

# The loop the page's table template held before the rows were drawn in Python.
TEMPLATE_LOOP = Template(
    "{% for row in table.rows %}<tr>{% for cell in row %}"
    '<td data-label="{{ cell.column.label }}"{% if cell.column.numeric %} class="num"'
    '{% elif cell.is_date %} class="text-nowrap"{% endif %}>{{ cell.text }}</td>'
    "{% endfor %}</tr>{% endfor %}"
)


def _table() -> Table:
    return Table(
        name="sessions",
        title="Sessions",
        columns=[Column("Date"), Column('Session "title" & <topic>'), Column("Attended", numeric=True)],
        rows=[
            (date(2027, 1, 14), "Tapering <opioids> & “naloxone”", 12),
            (None, "Sleep", 0),
        ],
    )


def test_table_rows_drawn_in_python_match_the_template_loop():
    with translation.override("fr-ca"):
        table = display_table(_table())
        expected = TEMPLATE_LOOP.render(Context({"table": table}))
        drawn = "".join(str(table.body()).split("\n"))
    assert drawn == expected
    assert "&lt;opioids&gt; &amp;" in drawn
    assert '<td data-label="Attended" class="num">12</td>' in drawn
    assert drawn.count(' class="text-nowrap">') == 1  # the date; the empty cell reads "—"


def test_cells_read_in_the_readers_language():
    """Dates and decimals as the rest of the product writes them; the CSV keeps raw values."""
    table = Table(
        name="sessions",
        title="Sessions",
        columns=[Column("Date"), Column("Hours", numeric=True), Column("Attended", numeric=True)],
        rows=[(date(2026, 10, 7), Decimal("13.2"), 1200), (date(2026, 12, 1), Decimal("5.00"), 0)],
    )
    read = {}
    for language in ("en-ca", "fr-ca"):
        with translation.override(language):
            read[language] = [[cell.text for cell in row] for row in display_table(table).rows]

    assert read["en-ca"] == [["Wed 7 Oct 2026", "13.2", "1200"], ["Tue 1 Dec 2026", "5.00", "0"]]
    assert read["fr-ca"] == [["mer 7 oct. 2026", "13,2", "1200"], ["mar 1er déc. 2026", "5,00", "0"]]
