import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases import services
from cases.models import Case, CaseEvent, CaseSlot
from sessions.models import Role
from tests.concurrency import Contender
from tests.factories import CaseFactory, CaseSlotFactory, EnrollmentFactory, SessionFactory


@pytest.mark.parametrize("case_slots", [1, 3])
def test_coordinator_taking_the_last_slot_while_another_holds_it_waits_and_is_refused(
    postgresql, program, presenter, coordinator, case_slots
):
    colleague = EnrollmentFactory(program=program, role=Role.COORDINATOR).user
    session = SessionFactory(program=program, title="Session 9", case_slots=case_slots)
    for _ in range(case_slots - 1):
        CaseSlotFactory(session=session, case=CaseFactory(program=program, status=Case.Status.SCHEDULED))
    first, second = (
        CaseFactory(program=program, presenter=presenter, status=Case.Status.SUBMITTED) for _ in range(2)
    )

    # The first coordinator's "schedule" is still open when the colleague presses theirs.
    with transaction.atomic():
        slot = services.assign_case_to_session(case=first, session=session, by=coordinator)
        colleague_press = Contender(
            lambda: services.assign_case_to_session(case=second, session=session, by=colleague)
        )
        colleague_press.wait_until_blocked()
    refused = colleague_press.outcome()

    assert isinstance(refused, ValidationError), refused
    assert refused.messages == [f"Session 9 has no free case slot ({case_slots} of {case_slots} taken)."]
    assert (slot.case_id, slot.position) == (first.pk, case_slots)
    assert CaseSlot.objects.filter(session=session).count() == case_slots
    assert dict(Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "status")) == {
        first.pk: Case.Status.SCHEDULED,
        second.pk: Case.Status.SUBMITTED,
    }
    assert CaseEvent.objects.filter(case=second).count() == 0


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
