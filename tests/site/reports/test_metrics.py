import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from echo_hub.site.reports.selectors import ReportScope, program_report
from echo_hub.site.reports.tables import average
from sessions.models import Role
from tests.factories import AttendanceFactory, CaseSlotFactory, EnrollmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _summary_dict(report) -> dict:
    return dict(report.summary.rows())


def test_program_report_whole_program_summary(dataset):
    report = program_report(ReportScope(program=dataset.program))

    assert _summary_dict(report) == {
        "Sessions held": 4,
        "Sessions cancelled": 1,
        "Sessions still to come": 1,
        "Unique participants": 4,
        "New participants (first session attended in this report)": 4,
        "Attendances": 8,
        "Participant-hours": Decimal("12.9"),
        "Faculty attending (coordinators and hub experts)": 2,
        "Faculty-hours": Decimal("5.0"),
        "CPD credits earned": Decimal("9.50"),
        "Session certificates issued": 5,
        "Cycle certificates issued": 1,
        "Case presentations": 4,
        "Follow-up presentations": 1,
        "Recommendation letters sent": 3,
        "Median days from session to letter": Decimal("7.0"),
        "Follow-ups reported": 4,
        "Cases with a follow-up": 3,
        "Cases whose MME went down at follow-up": 1,
        "Share of followed-up cases whose MME went down (%)": Decimal("33"),
        "Evaluations": 7,
        "Average relevance (1–5)": Decimal("4.00"),
        "Average quality (1–5)": Decimal("3.86"),
    }


def test_program_report_cycle_summary(dataset):
    report = program_report(ReportScope(program=dataset.program, cycle=dataset.cycle))

    assert _summary_dict(report) == {
        "Sessions held": 3,
        "Sessions cancelled": 1,
        "Sessions still to come": 1,
        "Unique participants": 4,
        "New participants (first session attended in this report)": 3,
        "Attendances": 7,
        "Participant-hours": Decimal("10.9"),
        "Faculty attending (coordinators and hub experts)": 2,
        "Faculty-hours": Decimal("5.0"),
        "CPD credits earned": Decimal("7.50"),
        "Session certificates issued": 4,
        "Cycle certificates issued": 1,
        "Case presentations": 3,
        "Follow-up presentations": 1,
        "Recommendation letters sent": 2,
        "Median days from session to letter": Decimal("5.0"),
        "Follow-ups reported": 3,
        "Cases with a follow-up": 2,
        "Cases whose MME went down at follow-up": 1,
        "Share of followed-up cases whose MME went down (%)": Decimal("50"),
        "Evaluations": 6,
        "Average relevance (1–5)": Decimal("3.83"),
        "Average quality (1–5)": Decimal("3.67"),
    }


def test_program_report_date_range_counts_local_dates_both_ends_included(dataset):
    scope = ReportScope(program=dataset.program, start=date(2025, 9, 17), end=date(2025, 9, 24))

    summary = program_report(scope).summary

    assert (summary.sessions_held, summary.sessions_cancelled, summary.sessions_upcoming) == (2, 0, 0)
    assert (summary.participants, summary.new_participants, summary.attendances) == (3, 1, 4)
    assert summary.participant_hours == Decimal("6.4")
    assert (summary.faculty, summary.faculty_hours) == (1, Decimal("2.0"))
    assert summary.credits == Decimal("4.00")
    assert (summary.session_certificates, summary.cycle_certificates) == (2, 0)
    assert (summary.case_presentations, summary.follow_up_presentations) == (2, 1)
    assert (summary.letters, summary.median_days_to_letter) == (1, Decimal("7.0"))
    assert (summary.cases_with_follow_up, summary.cases_mme_down, summary.mme_down_percent) == (
        1,
        0,
        Decimal("0"),
    )


def test_program_report_sessions_table_per_session(dataset):
    report = program_report(ReportScope(program=dataset.program, cycle=dataset.cycle))

    assert report.sessions.rows == [
        (date(2025, 9, 10), "Week 1", "Opioid tapering", "Held", 3, 2, Decimal("4.5"), 2, 1, 3,
         Decimal("4.00"), Decimal("3.33")),
        (date(2025, 9, 17), "Week 2", "Opioid tapering", "Held", 2, 2, Decimal("3.7"), 1, 1, 1,
         Decimal("4.00"), Decimal("5.00")),
        (date(2025, 9, 24), "Week 3", "Buprenorphine", "Held", 2, 1, Decimal("2.8"), 0, 1, 2,
         Decimal("3.50"), Decimal("3.50")),
        (date(2025, 10, 1), "Week 4", "", "Cancelled", 0, 0, Decimal("0.0"), 0, 0, 0, None, None),
    ]  # fmt: skip


def test_program_report_evaluations_by_topic(dataset):
    report = program_report(ReportScope(program=dataset.program))

    assert report.topics.rows == [
        ("Buprenorphine", 1, 2, Decimal("3.50"), Decimal("3.50")),
        ("Introduction to ECHO", 1, 1, Decimal("5.00"), Decimal("5.00")),
        ("Opioid tapering", 2, 4, Decimal("4.00"), Decimal("3.75")),
    ]


def test_program_report_reach_by_profession_community_and_organization(dataset):
    report = program_report(ReportScope(program=dataset.program, cycle=dataset.cycle))

    assert report.professions.rows == [
        ("Family physician", 2, 3, Decimal("5.7")),
        ("Nurse practitioner", 1, 3, Decimal("4.3")),
        ("Pharmacist", 1, 1, Decimal("1.0")),
    ]
    assert report.communities.rows == [
        ("Rural", 2, 3, Decimal("5.7")),
        ("Remote", 1, 3, Decimal("4.3")),
        ("Urban", 1, 1, Decimal("1.0")),
    ]
    assert report.organizations.rows == [
        ("North Clinic", 2, 3, Decimal("4.7")),
        ("Lake Station", 1, 3, Decimal("4.3")),
        ("Not given", 1, 1, Decimal("2.0")),
    ]


def test_program_report_retention_distribution(dataset):
    cycle = program_report(ReportScope(program=dataset.program, cycle=dataset.cycle))
    whole = program_report(ReportScope(program=dataset.program))

    assert cycle.retention.rows == [
        (1, 2, Decimal("50.0")),
        (2, 1, Decimal("25.0")),
        (3, 1, Decimal("25.0")),
    ]
    assert whole.retention.rows == [
        (1, 2, Decimal("50.0")),
        (2, 0, Decimal("0.0")),
        (3, 2, Decimal("50.0")),
    ]


def test_program_report_empty_program_has_no_rows_and_no_averages(other_program):
    report = program_report(ReportScope(program=other_program))

    assert report.summary.participants == 0
    assert report.summary.credits == Decimal("0.00")
    assert report.summary.median_days_to_letter is None
    assert report.summary.mme_down_percent is None
    assert report.summary.relevance is None
    assert [t.rows for name, t in report.tables.items() if name != "summary"] == [[]] * 7


def test_program_report_scope_label_names_cycle_and_dates(dataset):
    scope = ReportScope(
        program=dataset.program, cycle=dataset.cycle, start=date(2025, 9, 1), end=date(2025, 9, 30)
    )

    assert scope.label == "Fall 2025, 1 Sep 2025 – 30 Sep 2025"
    assert ReportScope(program=dataset.program).label == "All sessions"


def test_program_report_counts_faculty_apart_by_their_role_in_this_program(program, other_program):
    session = SessionFactory(program=program, starts_at=timezone.now() - timedelta(days=2))
    expert_here = EnrollmentFactory(program=program, role=Role.EXPERT).user
    expert_elsewhere = EnrollmentFactory(program=other_program, role=Role.EXPERT).user
    EnrollmentFactory(program=program, user=expert_elsewhere, role=Role.PARTICIPANT)
    for user in (expert_here, expert_elsewhere):
        AttendanceFactory(session=session, user=user, minutes=90)

    report = program_report(ReportScope(program=program))

    summary = report.summary
    assert (summary.participants, summary.participant_hours) == (1, Decimal("1.5"))
    assert (summary.faculty, summary.faculty_hours) == (1, Decimal("1.5"))
    assert report.sessions.rows[0][4:8] == (1, 1, Decimal("1.5"), 1)
    assert report.professions.rows == [("Family physician", 1, 1, Decimal("1.5"))]


def test_program_report_holds_a_session_in_progress_until_it_ends(program, participant):
    live = SessionFactory(program=program, starts_at=timezone.now() - timedelta(minutes=30))
    AttendanceFactory(session=live, user=participant, minutes=30)

    report = program_report(ReportScope(program=program))

    summary = report.summary
    assert (summary.sessions_held, summary.sessions_upcoming, summary.participants) == (0, 1, 0)
    assert report.sessions.rows == []


def test_program_report_counts_cases_by_their_answers_to_choice_questions(program, coordinator, session_held):
    case_services.start_from_template(program=program, template="hepatitis_c", by=coordinator)
    for genotype, coinfection, oat in (("3", ["hiv"], True), ("1a", ["hiv", "hbv"], False), ("3", [], None)):
        answers = {"genotype": genotype, "coinfection": coinfection, "oat": oat}
        case = case_services.save_case_draft(
            presenter=coordinator,
            program=program,
            fields={"title": "A hepatitis C case"},
            answers={k: v for k, v in answers.items() if v not in (None, [])},
            medications=[],
        )
        Case.objects.filter(pk=case.pk).update(status=Case.Status.PRESENTED)
        CaseSlotFactory(session=session_held, case=case, position=Case.objects.count())

    report = program_report(ReportScope(program=program))

    assert report.tables["case_answers"].rows == [
        ("Co-infection", "HIV", 2),
        ("Co-infection", "Hepatitis B", 1),
        ("Genotype", "1a", 1),
        ("Genotype", "3", 2),
        ("On opioid agonist therapy", "No", 1),
        ("On opioid agonist therapy", "Yes", 1),
    ]


def test_report_pdf_prints_the_case_answers_only_where_there_are_some(program, coordinator, session_held):
    from pypdf import PdfReader

    from echo_hub.site.reports.exports import report_pdf

    scope = ReportScope(program=program)
    without = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report_pdf(scope))).pages)
    case_services.start_from_template(program=program, template="hepatitis_c", by=coordinator)
    case = case_services.save_case_draft(
        presenter=coordinator,
        program=program,
        fields={"title": "A hepatitis C case"},
        answers={"genotype": "3"},
        medications=[],
    )
    Case.objects.filter(pk=case.pk).update(status=Case.Status.PRESENTED)
    CaseSlotFactory(session=session_held, case=case, position=1)

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report_pdf(scope))).pages)

    assert "Case answers" not in without
    assert "Case answers" in text and "Genotype 3 1" in text


@pytest.mark.parametrize(
    ("total", "n", "expected"),
    [(13, 3, Decimal("4.33")), (877, 200, Decimal("4.39")), (9, 2, Decimal("4.50")), (None, 0, None)],
)
def test_a_mean_score_is_the_exact_quotient_rounded_half_up(total, n, expected):
    assert average(total, n) == expected
