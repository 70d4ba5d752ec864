import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from cases import services
from cases.models import Case, CaseEvent, CaseSlot
from tests.conftest import running_in_ci
from tests.factories import CaseFactory, CaseSlotFactory, SessionFactory


def _race_for_the_last_slot(session, cases, by) -> dict:
    """Each case's coordinator presses "schedule" at the same moment, on its own connection."""
    barrier = threading.Barrier(len(cases))
    outcomes = {}

    def take(case):
        try:
            barrier.wait(timeout=10)
            outcomes[case.pk] = services.assign_case_to_session(case=case, session=session, by=by)
        except Exception as exc:
            outcomes[case.pk] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _skip_where_writers_cannot_race(outcomes: list) -> None:
    """SQLite locks the whole table for the second writer instead of letting it wait on the
    session row: what the loser sees there is "database table is locked", not our refusal."""
    locked = [outcome for outcome in outcomes if "is locked" in str(outcome)]
    if not locked:
        return
    assert connection.vendor != "postgresql", locked
    assert not running_in_ci(), f"CI runs on PostgreSQL, where this race must run: {locked}"
    pytest.skip("SQLite serialises writers (“database table is locked”): the slot race needs PostgreSQL.")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case_slots", [1, 3])
def test_two_coordinators_taking_the_last_slot_at_once_get_one_slot(
    program, presenter, coordinator, case_slots
):
    session = SessionFactory(program=program, title="Session 9", case_slots=case_slots)
    for _ in range(case_slots - 1):
        CaseSlotFactory(session=session, case=CaseFactory(program=program, status=Case.Status.SCHEDULED))
    cases = [
        CaseFactory(program=program, presenter=presenter, status=Case.Status.SUBMITTED) for _ in range(2)
    ]

    outcomes = _race_for_the_last_slot(session, cases, coordinator)

    _skip_where_writers_cannot_race(list(outcomes.values()))
    won = [pk for pk, outcome in outcomes.items() if isinstance(outcome, CaseSlot)]
    lost = [pk for pk in outcomes if pk not in won]
    assert len(won) == 1, outcomes
    assert outcomes[won[0]].position == case_slots
    assert CaseSlot.objects.filter(session=session).count() == session.case_slots
    assert dict(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "status")) == {
        won[0]: Case.Status.SCHEDULED,
        lost[0]: Case.Status.SUBMITTED,
    }
    assert CaseEvent.objects.filter(case_id=lost[0]).count() == 0
    assert isinstance(outcomes[lost[0]], ValidationError), outcomes
    assert outcomes[lost[0]].messages == [
        f"Session 9 has no free case slot ({case_slots} of {case_slots} taken)."
    ]


@pytest.mark.django_db
def test_case_slot_with_a_taken_position_is_refused_by_the_database(program, session):
    CaseSlotFactory(
        session=session, case=CaseFactory(program=program, status=Case.Status.SCHEDULED), position=2
    )
    case = CaseFactory(program=program, status=Case.Status.SCHEDULED)

    with pytest.raises(IntegrityError), transaction.atomic():
        CaseSlot.objects.create(session=session, case=case, position=2)

    assert list(CaseSlot.objects.values_list("position", flat=True)) == [2]


@pytest.mark.django_db
@pytest.mark.parametrize("position", [0, 4])
def test_case_slot_outside_positions_1_to_3_is_refused_by_the_database(program, session, position):
    case = CaseFactory(program=program, status=Case.Status.SCHEDULED)

    with pytest.raises(IntegrityError), transaction.atomic():
        CaseSlot.objects.create(session=session, case=case, position=position)

    assert CaseSlot.objects.count() == 0


@pytest.mark.django_db
def test_case_holds_at_most_one_slot(program, session):
    slot = CaseSlotFactory(session=session, case=CaseFactory(program=program, status=Case.Status.SCHEDULED))
    later = SessionFactory(program=program)

    with pytest.raises(IntegrityError), transaction.atomic():
        CaseSlot.objects.create(session=later, case=slot.case, position=1)

    assert list(CaseSlot.objects.values_list("session", "case")) == [(session.pk, slot.case.pk)]
