import codecs
import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from echo_hub.accounts.models import Profession
from echo_hub.lib.csv_export import safe_cell
from sessions.models import Role, Session
from tests.factories import (
    AttendanceFactory,
    CreditTypeFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "session",
    "session_start",
    "certifying_body_id",
    "email",
    "full_name",
    "profession",
    "credentials",
    "organization",
    "minutes",
    "source",
    "verified",
    "evaluation_done",
    "eligible",
    "credits",
    "credit_type",
    "licensing_body",
    "licence_number",
    "cfpc_number",
    "npi",
    "birth_month",
    "birth_day",
    "nabp_eprofile_id",
]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("@cmd", "'@cmd"),
        ("-2+3", "'-2+3"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-5", "-5"),
        ("+5", "+5"),
        ("-1.5", "-1.5"),
        (-5, "-5"),
        (Decimal("1.50"), "1.50"),
        (97, "97"),
        ("Ana Lopez", "Ana Lopez"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_cell_quotes_formulas_and_keeps_numbers(value, cell):
    assert safe_cell(value) == cell


def _member(program, **fields):
    return EnrollmentFactory(program=program, user=UserFactory(**fields)).user


def _rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.fixture
def held(program):
    """Three held sessions, two in the Fall 2025 cycle, and who attended them."""
    CreditTypeFactory(program=program)
    cycle = CycleFactory(program=program, name="Fall 2025")
    sessions = {
        "september": SessionFactory(
            program=program,
            cycle=cycle,
            title="Tapering basics",
            starts_at=datetime(2025, 9, 10, 16, tzinfo=UTC),
            accreditation_id="240117001",
        ),
        "october": SessionFactory(
            program=program,
            cycle=cycle,
            title="Buprenorphine starts",
            starts_at=datetime(2025, 10, 8, 16, tzinfo=UTC),
        ),
        "november": SessionFactory(
            program=program, title="Naloxone for all", starts_at=datetime(2025, 11, 5, 17, tzinfo=UTC)
        ),
    }
    ana = _member(
        program,
        email="ana@example.org",
        full_name="Ana Lopez",
        profession=Profession.NURSE_PRACTITIONER,
        credentials="NP-PHC",
        organization="Hearst CHC",
    )
    ben = _member(
        program,
        email="ben@example.org",
        full_name="Ben Okafor",
        profession=Profession.FAMILY_PHYSICIAN,
        credentials="MD, CCFP",
        organization="Moose Factory FHT",
        licensing_body="CPSO",
        licence_number="98765",
        cfpc_number="123456",
    )
    AttendanceFactory(session=sessions["september"], user=ana, minutes=97)
    EvaluationFactory(session=sessions["september"], user=ana)
    AttendanceFactory(session=sessions["september"], user=ben, minutes=60)
    AttendanceFactory(session=sessions["october"], user=ana, minutes=120)
    AttendanceFactory(session=sessions["november"], user=ben, minutes=120)
    EvaluationFactory(session=sessions["november"], user=ben)
    cancelled = SessionFactory(
        program=program,
        cycle=cycle,
        title="Cancelled",
        starts_at=datetime(2025, 10, 1, 16, tzinfo=UTC),
        status=Session.Status.CANCELLED,
    )
    AttendanceFactory(session=cancelled, user=ana, minutes=120)
    return {"cycle": cycle, **sessions}


SEPTEMBER = [
    [
        "Tapering basics",
        "2025-09-10T12:00:00-04:00",
        "240117001",
        "ana@example.org",
        "Ana Lopez",
        "Nurse practitioner",
        "NP-PHC",
        "Hearst CHC",
        "97",
        "report",
        "yes",
        "yes",
        "yes",
        "1.5",
        "hours of attendance",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "Tapering basics",
        "2025-09-10T12:00:00-04:00",
        "240117001",
        "ben@example.org",
        "Ben Okafor",
        "Family physician",
        "MD, CCFP",
        "Moose Factory FHT",
        "60",
        "report",
        "yes",
        "no",
        "no",
        "0",
        "Mainpro+ Certified",
        "CPSO",
        "98765",
        "123456",
        "",
        "",
        "",
        "",
    ],
]
OCTOBER = [
    [
        "Buprenorphine starts",
        "2025-10-08T12:00:00-04:00",
        "",
        "ana@example.org",
        "Ana Lopez",
        "Nurse practitioner",
        "NP-PHC",
        "Hearst CHC",
        "120",
        "report",
        "yes",
        "no",
        "no",
        "0",
        "hours of attendance",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
]
NOVEMBER = [
    [
        "Naloxone for all",
        "2025-11-05T12:00:00-05:00",
        "",
        "ben@example.org",
        "Ben Okafor",
        "Family physician",
        "MD, CCFP",
        "Moose Factory FHT",
        "120",
        "report",
        "yes",
        "yes",
        "yes",
        "2",
        "Mainpro+ Certified",
        "CPSO",
        "98765",
        "123456",
        "",
        "",
        "",
        "",
    ]
]


def _export(client, program, **params):
    return client.get(reverse("cpd:export_attendance", args=[program.slug]), params)


def test_export_of_one_session_is_a_private_csv_download(client, program, coordinator, held):
    client.force_login(coordinator)

    response = _export(client, program, session=held["september"].pk, download=1)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="chronic-pain-attendance.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(codecs.BOM_UTF8)
    assert _rows(response) == [HEADER, *SEPTEMBER]


def test_export_of_a_cycle_leaves_out_other_and_cancelled_sessions(client, program, coordinator, held):
    client.force_login(coordinator)

    response = _export(client, program, cycle=held["cycle"].pk)

    assert _rows(response) == [HEADER, *SEPTEMBER, *OCTOBER]


def test_export_of_a_date_range_includes_both_ends(client, program, coordinator, held):
    client.force_login(coordinator)

    response = _export(client, program, start="2025-10-08", end="2025-11-05")

    assert _rows(response) == [HEADER, *OCTOBER, *NOVEMBER]


def test_export_of_everything(client, program, coordinator, held, other_program):
    AttendanceFactory(session=SessionFactory(program=other_program), user=UserFactory())
    client.force_login(coordinator)

    response = _export(client, program, download=1)

    assert _rows(response) == [HEADER, *SEPTEMBER, *OCTOBER, *NOVEMBER]


def test_export_quotes_cells_that_would_run_as_formulas(client, program, coordinator, past_session):
    formulas = [
        _member(program, email="a@example.org", full_name='=HYPERLINK("http://x")', organization="Clinic"),
        _member(program, email="b@example.org", full_name="B", organization="+SUM(A1)"),
        _member(program, email="c@example.org", full_name="C", organization="@cmd", credentials="-2+3"),
        _member(program, email="d@example.org", full_name="D", organization="-5"),
    ]
    for user in formulas:
        AttendanceFactory(session=past_session, user=user, minutes=90)
    client.force_login(coordinator)

    response = _export(client, program, session=past_session.pk)

    rows = [(r[4], r[6], r[7], r[8]) for r in _rows(response)[1:]]
    assert rows == [
        ('\'=HYPERLINK("http://x")', "", "Clinic", "90"),
        ("B", "", "'+SUM(A1)", "90"),
        ("C", "'-2+3", "'@cmd", "90"),
        ("D", "", "-5", "90"),
    ]


def test_export_with_the_end_before_the_start_shows_the_form_again(client, program, coordinator, held):
    client.force_login(coordinator)

    response = _export(client, program, start="2025-11-05", end="2025-10-01")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.context["form"].errors == {"end": ["The end date must be on or after the start date."]}


def test_export_of_another_program_session_is_refused(client, program, coordinator, other_session):
    AttendanceFactory(session=other_session, user=UserFactory(email="elsewhere@example.org"))
    client.force_login(coordinator)

    response = _export(client, program, session=other_session.pk)

    assert response.context["form"].errors == {
        "session": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert "elsewhere@example.org" not in response.content.decode()


def test_export_without_parameters_shows_the_form(client, program, coordinator, held):
    client.force_login(coordinator)

    response = _export(client, program)

    assert response.status_code == 200
    assert "<h1>Export attendance and credits</h1>" in response.content.decode()
    assert response.context["form"].is_bound is False


def test_export_by_a_participant_or_expert_is_403(client, program, participant, expert, held):
    for user in (participant, expert):
        client.force_login(user)

        response = _export(client, program, download=1)

        assert response.status_code == 403


def test_export_by_another_program_coordinator_or_outsider_is_404(
    client, program, other_coordinator, outsider
):
    for user in (other_coordinator, outsider):
        client.force_login(user)

        response = _export(client, program, download=1)

        assert response.status_code == 404


def test_export_anonymous_goes_to_login(client, program):
    url = reverse("cpd:export_attendance", args=[program.slug])

    response = client.get(url)

    assert (response.status_code, response.url) == (302, f"{reverse('account_login')}?next={url}")


def test_export_post_is_405(client, program, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("cpd:export_attendance", args=[program.slug]))

    assert (response.status_code, response["Allow"]) == (405, "GET")


def test_export_date_range_reads_dates_in_the_program_zone(client, program, coordinator):
    # 23:30 in Toronto on 30 September is already 1 October in UTC.
    late = SessionFactory(program=program, title="Late", starts_at=datetime(2025, 10, 1, 3, 30, tzinfo=UTC))
    AttendanceFactory(session=late, user=_member(program, email="late@example.org"))
    client.force_login(coordinator)

    september = _export(client, program, start="2025-09-30", end="2025-09-30")
    october = _export(client, program, start="2025-10-01", end="2025-10-31")

    assert [r[3] for r in _rows(september)[1:]] == ["late@example.org"]
    assert _rows(october) == [HEADER]


def test_export_role_of_the_coordinator_is_checked_per_program(client, program, other_program, participant):
    EnrollmentFactory(program=other_program, user=participant, role=Role.COORDINATOR)
    client.force_login(participant)

    response = _export(client, program, download=1)

    assert response.status_code == 403
