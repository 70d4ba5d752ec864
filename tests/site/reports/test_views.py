import csv
import io
import json
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.factories import CycleFactory, ProgramFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "participant", "expert", "coordinator", "other_coordinator")
EXPECTED = (302, 404, 403, 403, 200, 404)
DENIED_HEADINGS = {403: "You can't do that here", 404: "We couldn't find that page"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.IGNORECASE)
DATA_CHART = re.compile(r'data-chart="([^"]*)"')


def _urls(program) -> dict[str, str]:
    slug = program.slug
    return {
        "page": reverse("reports:program", args=[slug]),
        "csv": reverse("reports:csv", args=[slug, "sessions"]),
    }


def _cycle_query(dataset) -> str:
    return f"?cycle={dataset.cycle.pk}"


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("which", ["page", "csv"])
@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, EXPECTED, strict=True)))
def test_report_views_permission_matrix(client, request, program, which, role, expected):
    url = _urls(program)[which]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get(url)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == f"{reverse('account_login')}?next={quote(url)}"
    elif expected in DENIED_HEADINGS:
        body = response.content.decode()
        assert DENIED_HEADINGS[expected] in body
        assert "Participant-hours" not in body


@pytest.mark.parametrize("which", ["page", "csv"])
def test_report_views_superuser_sees_any_program(client, program, which):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get(_urls(program)[which])

    assert response.status_code == 200


@pytest.mark.parametrize("which", ["page", "csv"])
def test_report_views_post_returns_405(client, coordinator, program, which):
    client.force_login(coordinator)

    response = client.post(_urls(program)[which])

    assert response.status_code == 405
    assert response["Allow"] == "GET"


def test_report_csv_unknown_table_returns_404(client, coordinator, program):
    client.force_login(coordinator)

    response = client.get(reverse("reports:csv", args=[program.slug, "salaries"]))

    assert response.status_code == 404


def test_report_page_shows_the_cycle_numbers(client, coordinator, dataset):
    client.force_login(coordinator)

    response = client.get(_urls(dataset.program)["page"] + _cycle_query(dataset))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Showing: <strong>Fall 2025</strong>" in html
    summary = html[html.index('id="summary"') : html.index("</dl>", html.index('id="summary"'))]
    numbers = re.findall(r'<dd class="fs-3 fw-semibold mb-0">([^<]*)</dd>', summary)
    assert numbers == ["3", "4", "10.9", "7.50", "3", "5.0", "3", "6"]
    assert "3 new · 7 attendances" in summary
    assert "certificates: 4 session, 1 cycle" in summary
    assert "MME went down in 1 of 2 cases (50%)" in summary
    assert "relevance 3.83 · quality 3.67 (of 5)" in summary
    assert '<td data-label="Participants" class="num">3</td>' in html
    assert '<td data-label="Faculty" class="num">2</td>' in html
    assert "hub faculty, counted apart: 2 people, 5.0 h" in summary
    assert '<td data-label="Organization">North Clinic</td>' in html


def test_report_page_charts_carry_the_table_numbers_without_inline_script(client, coordinator, dataset):
    client.force_login(coordinator)

    html = client.get(_urls(dataset.program)["page"] + _cycle_query(dataset)).content.decode()

    charts = [json.loads(raw.replace("&quot;", '"')) for raw in DATA_CHART.findall(html)]
    assert [(c["title"], c["labels"], c["series"][0]["data"]) for c in charts] == [
        ("Participants per session", ["10 Sep 2025", "17 Sep 2025", "24 Sep 2025"], [3, 2, 2]),
        ("Participants by profession", ["Family physician", "Nurse practitioner", "Pharmacist"], [2, 1, 1]),
        ("Participants by community type", ["Rural", "Remote", "Urban"], [2, 1, 1]),
        ("Sessions attended per participant", ["1", "2", "3"], [2, 1, 1]),
    ]
    assert 'src="/static/vendor/chartjs-4.6.1/chart.umd.js"' in html
    assert 'src="/static/js/charts.js"' in html
    assert INLINE_SCRIPT.findall(html) == []
    assert STYLE_ATTR.findall(html) == []
    assert len(re.findall(r"<h1[\s>]", html)) == 1


def test_report_chart_days_read_in_the_coordinators_language(client, coordinator, dataset):
    """The dates under the attendance chart are the product's short dates: « 10 sept. 2025 »
    in French (Django's "M" wrote "10 Sep 2025" there)."""
    coordinator.language = "fr-ca"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)

    html = client.get(_urls(dataset.program)["page"] + _cycle_query(dataset)).content.decode()

    attendance = json.loads(DATA_CHART.findall(html)[0].replace("&quot;", '"'))
    assert attendance["labels"] == ["10 sept. 2025", "17 sept. 2025", "24 sept. 2025"]


def test_report_page_with_end_before_start_says_so_and_shows_all_sessions(client, coordinator, dataset):
    client.force_login(coordinator)

    response = client.get(_urls(dataset.program)["page"] + "?start=2025-09-30&end=2025-09-01")

    html = response.content.decode()
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in html
    assert 'value="2025-09-30"' in html
    assert "Showing: <strong>All sessions</strong>" in html


def test_report_csv_sessions_match_the_page(client, coordinator, dataset):
    client.force_login(coordinator)

    response = client.get(_urls(dataset.program)["csv"] + _cycle_query(dataset))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="report-{dataset.program.slug}-fall-2025-sessions.csv"'
    )
    assert _csv_rows(response) == [
        ["Date", "Session", "Didactic topic", "Status", "Participants", "Sites", "Participant-hours",
         "Faculty", "Cases presented", "Evaluations", "Relevance (1–5)", "Quality (1–5)"],
        ["2025-09-10", "Week 1", "Opioid tapering", "Held", "3", "2", "4.5", "2", "1", "3", "4.00", "3.33"],
        ["2025-09-17", "Week 2", "Opioid tapering", "Held", "2", "2", "3.7", "1", "1", "1", "4.00", "5.00"],
        ["2025-09-24", "Week 3", "Buprenorphine", "Held", "2", "1", "2.8", "0", "1", "2", "3.50", "3.50"],
        ["2025-10-01", "Week 4", "", "Cancelled", "0", "0", "0.0", "0", "0", "0", "", ""],
    ]  # fmt: skip


def test_report_csv_summary_and_reach_match_the_selector(client, coordinator, dataset):
    client.force_login(coordinator)
    slug = dataset.program.slug

    summary = _csv_rows(client.get(reverse("reports:csv", args=[slug, "summary"]) + _cycle_query(dataset)))
    reach = _csv_rows(
        client.get(reverse("reports:csv", args=[slug, "organizations"]) + _cycle_query(dataset))
    )

    assert summary[0] == ["Measure", "Value"]
    assert dict(summary[1:])["CPD credits earned"] == "7.50"
    assert dict(summary[1:])["Median days from session to letter"] == "5.0"
    assert dict(summary[1:])["Share of followed-up cases whose MME went down (%)"] == "50"
    assert reach == [
        ["Organization", "Participants", "Attendances", "Participant-hours"],
        ["North Clinic", "2", "3", "4.7"],
        ["Lake Station", "1", "3", "4.3"],
        ["Not given", "1", "1", "2.0"],
    ]


def test_report_page_escapes_what_people_typed(client, coordinator, dataset):
    session = dataset.sessions[1]
    session.title = '<img src=x onerror="alert(1)">'
    session.save()
    client.force_login(coordinator)

    html = client.get(_urls(dataset.program)["page"]).content.decode()

    assert '<img src=x onerror="alert(1)">' not in html
    assert escape('<img src=x onerror="alert(1)">') in html


def test_report_page_shows_the_latest_year_of_sessions_and_the_csv_all(client, coordinator, program):
    start = timezone.now() - timedelta(weeks=60)
    for week in range(55):
        SessionFactory(program=program, title=f"Week {week}", starts_at=start + timedelta(weeks=week))
    client.force_login(coordinator)

    html = client.get(_urls(program)["page"]).content.decode()
    rows = _csv_rows(client.get(_urls(program)["csv"]))

    assert html.count('<td data-label="Status">Held</td>') == 52
    assert '<td data-label="Session">Week 2</td>' not in html
    assert '<td data-label="Session">Week 3</td>' in html and '<td data-label="Session">Week 54</td>' in html
    assert "Showing 52 of 55; the CSV has them all." in html
    assert len(rows) == 56


def test_report_cycle_filter_offers_the_programs_cycles_newest_first_with_the_chosen_one_selected(
    client, coordinator, dataset
):
    CycleFactory(program=ProgramFactory(), name="Another program's cycle")
    client.force_login(coordinator)

    html = client.get(reverse("reports:program", args=[dataset.program.slug]) + _cycle_query(dataset)).content
    select = re.search(r'<select name="cycle"[^>]*>(.*?)</select>', html.decode(), re.DOTALL)

    assert select is not None
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select.group(1))
    assert [(label, bool(chosen)) for _value, chosen, label in options] == [
        ("All cycles", False),
        ("Winter 2026", False),
        ("Fall 2025", True),
    ]
