from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, Medication, RecommendationLetter
from cases.permissions import get_case_for_user
from echo_hub.lib.queries import related_or_none
from sessions.models import Role
from tests.factories import (
    CaseEventFactory,
    CaseFactory,
    CaseSlotFactory,
    EnrollmentFactory,
    FollowUpFactory,
    MedicationFactory,
    ProgramFactory,
    RecommendationFactory,
    RecommendationLetterFactory,
    SessionFactory,
    UserFactory,
)
from tests.querycount import capture_render, sql

pytestmark = pytest.mark.django_db

MARK = "Counted case"


def _capture(client, url: str, texts: dict[str, int]) -> CaptureQueriesContext:
    ctx, body = capture_render(client, url)
    assert {text: body.count(text) for text in texts} == texts
    return ctx


def _session(program, days: int):
    return SessionFactory(program=program, starts_at=timezone.now() + timedelta(days=days))


def _add_my_cases(presenter, count: int) -> None:
    for _ in range(count):
        program = ProgramFactory()
        EnrollmentFactory(user=presenter, program=program)
        CaseSlotFactory(
            session=_session(program, 7),
            case__program=program,
            case__presenter=presenter,
            case__title=MARK,
        )


def test_my_cases_query_count_is_constant(client, presenter):
    client.force_login(presenter)
    url = reverse("cases:mine")
    _add_my_cases(presenter, 1)
    ctx1 = _capture(client, url, {f">{MARK}</a>": 1})
    _add_my_cases(presenter, 2)

    ctx3 = _capture(client, url, {f">{MARK}</a>": 3})

    assert len(ctx1) == len(ctx3) == 5, sql(ctx1, ctx3)


def _add_queue_cases(program, count: int) -> None:
    for _ in range(count):
        original = CaseFactory(program=program, status=Case.Status.LETTER_SENT, title="Original case")
        RecommendationLetterFactory(
            case=original, status=RecommendationLetter.Status.FAILED, file="", last_error="OSError: disk full"
        )
        CaseSlotFactory(
            session=_session(program, 7 + program.sessions.count()),
            case__program=program,
            case__presenter=UserFactory(full_name="Queue Presenter"),
            case__follow_up_of=original,
            case__title=MARK,
        )


def test_case_queue_query_count_is_constant(client, coordinator, program):
    client.force_login(coordinator)
    url = reverse("cases:queue", kwargs={"slug": program.slug})
    _add_queue_cases(program, 1)
    ctx1 = _capture(
        client,
        url,
        {f">{MARK}</a>": 1, "Follow-up of “Original case”": 1, "Queue Presenter": 1, ">Retry<": 1},
    )
    _add_queue_cases(program, 2)

    ctx3 = _capture(
        client,
        url,
        {f">{MARK}</a>": 3, "Follow-up of “Original case”": 3, "Queue Presenter": 3, ">Retry<": 3},
    )

    # 11, the count of cases awaiting library screening and the failed letters.
    assert len(ctx1) == len(ctx3) == 10, sql(ctx1, ctx3)


def _add_overdue_cases(program, count: int) -> None:
    for _ in range(count):
        CaseSlotFactory(
            session=_session(program, -30 - program.sessions.count()),
            case__program=program,
            case__status=Case.Status.PRESENTED,
            case__title="Overdue case",
            case__presenter=UserFactory(full_name="Late Presenter", profession="pharmacist"),
        )


def test_case_queue_reads_only_what_it_shows_of_each_case(client, coordinator, program):
    """The queue and its overdue letters list read a few columns of each case, never its form
    (answers and texts), and no more queries for more cases."""
    client.force_login(coordinator)
    url = reverse("cases:queue", kwargs={"slug": program.slug})
    _add_queue_cases(program, 1)
    _add_overdue_cases(program, 1)
    ctx1 = _capture(client, url, {f">{MARK}</a>": 1, "Overdue case": 2, "Late Presenter": 1})
    _add_queue_cases(program, 2)
    _add_overdue_cases(program, 2)

    ctx3 = _capture(client, url, {f">{MARK}</a>": 3, "Overdue case": 6, "Late Presenter": 3})

    assert len(ctx1) == len(ctx3), sql(ctx1, ctx3)
    read = sql(ctx3)
    assert '"cases_case"."title"' in read
    for column in ("answers", "main_concern", "question_1"):
        assert f'"cases_case"."{column}"' not in read, column


def _add_review_cases(expert, count: int) -> None:
    for _ in range(count):
        program = ProgramFactory()
        EnrollmentFactory(user=expert, program=program, role=Role.EXPERT)
        case = CaseSlotFactory(session=_session(program, 7), case__program=program, case__title=MARK).case
        RecommendationFactory(case=case)


def test_review_list_query_count_is_constant(client, expert):
    client.force_login(expert)
    url = reverse("cases:review")
    _add_review_cases(expert, 1)
    ctx1 = _capture(client, url, {f">{MARK}</a>": 1, "1 recommendation written so far": 1})
    _add_review_cases(expert, 2)

    ctx3 = _capture(client, url, {f">{MARK}</a>": 3, "1 recommendation written so far": 3})

    assert len(ctx1) == len(ctx3) == 6, sql(ctx1, ctx3)
    assert '"cases_case"."answers"' not in sql(ctx3)  # the list reads no case's form


def _add_agenda_cases(session, count: int) -> None:
    for _ in range(count):
        CaseSlotFactory(
            session=session,
            case__program=session.program,
            case__presenter=UserFactory(),
            case__title=MARK,
        )


def test_session_agenda_query_count_is_constant(client, participant, program, session):
    client.force_login(participant)
    url = reverse("cases:session_agenda", kwargs={"slug": program.slug, "pk": session.pk})
    _add_agenda_cases(session, 1)
    ctx1 = _capture(client, url, {f">{MARK}</a>": 1, "from a rural community": 1})
    _add_agenda_cases(session, 2)

    ctx3 = _capture(client, url, {f">{MARK}</a>": 3, "from a rural community": 3})

    assert len(ctx1) == len(ctx3) == 6, sql(ctx1, ctx3)


def _grow_case(case, count: int) -> None:
    for _ in range(count):
        MedicationFactory(case=case, schedule="Counted schedule")
        RecommendationFactory(
            case=case, author=UserFactory(full_name="Counted Expert"), text="Counted recommendation"
        )
        CaseEventFactory(case=case, kind=CaseEvent.Kind.SCHEDULED, actor=UserFactory(), note="Counted event")
        follow_up = FollowUpFactory(case=case, author=case.presenter, what_changed="Counted follow-up")
        Medication.objects.create(
            case=case, follow_up=follow_up, drug="tramadol", daily_dose=100, mme=20, schedule="Follow-up dose"
        )


@pytest.mark.parametrize("viewer", ["presenter", "coordinator", "expert", "participant"])
def test_case_detail_query_count_is_constant(client, request, program, presenter, session, viewer):
    case = CaseSlotFactory(
        session=session, case__program=program, case__presenter=presenter, case__status=Case.Status.PRESENTED
    ).case
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("cases:detail", kwargs={"pk": case.pk})
    shown = 0 if viewer == "participant" else 1  # the hub's recommendations: not to other participants
    _grow_case(case, 1)
    ctx1 = _capture(
        client,
        url,
        {"Counted schedule": 1, "Counted recommendation": shown, "Counted event": 1, "Counted follow-up": 1},
    )
    _grow_case(case, 2)

    ctx3 = _capture(
        client,
        url,
        {
            "Counted schedule": 3,
            "Counted recommendation": 3 * shown,
            "Counted event": 3,
            "Counted follow-up": 3,
        },
    )

    assert len(ctx1) == len(ctx3), sql(ctx1, ctx3)
    # One of them is the audit trail's INSERT of the case_viewed event; the slot and the letter
    # come with the case.
    # The presenter and coordinators also read the text vouched for as not identifying.
    # A participant reading someone else's case reads no recommendations (they are not shown).
    assert len(ctx1) == {"presenter": 11, "coordinator": 11, "expert": 11, "participant": 9}[viewer], sql(
        ctx1
    )


@pytest.mark.parametrize("with_slot", [True, False])
@pytest.mark.parametrize("with_letter", [True, False])
def test_the_case_page_reads_its_slot_and_letter_with_the_case(
    program, coordinator, session, with_slot, with_letter
):
    case = CaseFactory(program=program, status=Case.Status.PRESENTED if with_slot else Case.Status.SUBMITTED)
    slot = CaseSlotFactory(session=session, case=case) if with_slot else None
    letter = RecommendationLetterFactory(case=case) if with_letter else None

    found, _role = get_case_for_user(coordinator, case.pk, related=("slot__session", "letter"))
    with CaptureQueriesContext(connection) as ctx:
        read = (related_or_none(found, "slot"), related_or_none(found, "letter"))
        session_title = read[0].session.title if read[0] else None

    assert ctx.captured_queries == []
    assert read == (slot, letter)
    assert session_title == (session.title if with_slot else None)
    # Read without them (other pages), each costs its own query and gives the same answer.
    plain, _role = get_case_for_user(coordinator, case.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert (related_or_none(plain, "slot"), related_or_none(plain, "letter")) == (
            slot,
            letter,
        )
    assert len(ctx.captured_queries) == 2


def test_recommendation_form_query_count_is_constant(client, program, presenter, expert, session):
    case = CaseSlotFactory(
        session=session, case__program=program, case__presenter=presenter, case__status=Case.Status.SCHEDULED
    ).case
    client.force_login(expert)
    url = reverse("cases:recommendations", kwargs={"pk": case.pk})
    _grow_case(case, 1)
    ctx1 = _capture(client, url, {"Counted schedule": 1, "Counted recommendation": 1, "Counted follow-up": 1})
    _grow_case(case, 2)

    ctx3 = _capture(client, url, {"Counted schedule": 3, "Counted recommendation": 3, "Counted follow-up": 3})

    assert len(ctx1) == len(ctx3), sql(ctx1, ctx3)
