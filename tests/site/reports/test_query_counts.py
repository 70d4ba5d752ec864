from datetime import timedelta
from decimal import Decimal

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from tests.factories import (
    AttendanceFactory,
    CaseFactory,
    CaseSlotFactory,
    CertificateFactory,
    CycleFactory,
    EvaluationFactory,
    FollowUpFactory,
    MedicationFactory,
    RecommendationLetterFactory,
    SessionFactory,
    UserFactory,
)
from tests.querycount import capture_render, sql

pytestmark = pytest.mark.django_db


def _capture(client, url: str, text: str, times: int) -> CaptureQueriesContext:
    ctx, body = capture_render(client, url)
    assert body.count(text) == times
    return ctx


def _add_session_with_a_participant(program, cycle) -> None:
    """A held session with one new participant who evaluates it, earns a certificate and
    presents a case that gets a letter and a follow-up."""
    starts_at = timezone.now() - timedelta(days=30 - program.sessions.count())
    session = SessionFactory(program=program, cycle=cycle, starts_at=starts_at, didactic_topic="Tapering")
    person = UserFactory(organization=f"Site {session.pk}")
    AttendanceFactory(session=session, user=person, minutes=120)
    EvaluationFactory(session=session, user=person)
    CertificateFactory(session=session, user=person)
    case = CaseFactory(
        program=program, presenter=person, status=Case.Status.LETTER_SENT, title="Counted case"
    )
    CaseSlotFactory(case=case, session=session, position=1)
    MedicationFactory(case=case, drug="morphine", daily_dose=Decimal("60"))
    RecommendationLetterFactory(case=case, rendered_at=starts_at + timedelta(days=4))
    follow_up = FollowUpFactory(case=case)
    MedicationFactory(case=case, follow_up=follow_up, drug="morphine", daily_dose=Decimal("30"))


@pytest.mark.parametrize("query", ["", "cycle", "dates"])
def test_report_page_query_count_is_constant(client, coordinator, program, query):
    cycle = CycleFactory(program=program, name="This cycle")
    client.force_login(coordinator)
    today = timezone.localdate()
    scopes = {
        "": "",
        "cycle": f"?cycle={cycle.pk}",
        "dates": f"?start={today - timedelta(days=60)}&end={today}",
    }
    url = reverse("reports:program", args=[program.slug]) + scopes[query]
    _add_session_with_a_participant(program, cycle)
    ctx1 = _capture(client, url, '<td data-label="Status">Held</td>', 1)
    _add_session_with_a_participant(program, cycle)
    _add_session_with_a_participant(program, cycle)

    ctx3 = _capture(client, url, '<td data-label="Status">Held</td>', 3)

    # One of them reads the program's credit types, for the credit totals.
    assert len(ctx1) == len(ctx3) == (27 if query == "cycle" else 26), sql(ctx1, ctx3)


def test_report_csv_query_count_is_constant(client, coordinator, program):
    cycle = CycleFactory(program=program)
    client.force_login(coordinator)
    url = reverse("reports:csv", args=[program.slug, "organizations"])
    _add_session_with_a_participant(program, cycle)
    ctx1 = _capture(client, url, "Site ", 1)
    _add_session_with_a_participant(program, cycle)
    _add_session_with_a_participant(program, cycle)

    ctx3 = _capture(client, url, "Site ", 3)

    assert len(ctx1) == len(ctx3) == 22, sql(ctx1, ctx3)
