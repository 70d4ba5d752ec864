from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services
from cases.mme import prescribing_warnings
from cases.models import Case, CaseEvent, CaseSlot
from echo_hub.audit.models import AuditEvent
from tests.factories import CaseFactory, CaseSlotFactory, MedicationFactory
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db


# the service


def test_withdraw_submitted_case_takes_it_out_of_the_queue_and_is_audited(presenter, submitted_case):
    case = services.withdraw_case(case=submitted_case, by=presenter)

    case.refresh_from_db()
    assert case.status == Case.Status.WITHDRAWN
    assert list(case.events.values_list("kind", "actor")) == [(CaseEvent.Kind.WITHDRAWN, presenter.pk)]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CASE_WITHDRAWN)
    assert (event.actor, event.object_id, event.program_id) == (presenter, case.pk, case.program_id)


def test_withdraw_scheduled_case_frees_its_slot_and_moves_the_later_cases_up(
    presenter, program, session, scheduled_case
):
    second = CaseSlotFactory(session=session, case__program=program).case
    third = CaseSlotFactory(session=session, case__program=program).case

    services.withdraw_case(case=scheduled_case, by=presenter)

    assert list(CaseSlot.objects.filter(session=session).values_list("case", "position")) == [
        (second.pk, 1),
        (third.pk, 2),
    ]
    assert AuditEvent.objects.get(action=AuditEvent.Action.CASE_WITHDRAWN).extra == {"session_id": session.pk}


def test_withdrawn_slot_can_be_given_to_another_case(
    coordinator, presenter, program, session, scheduled_case
):
    CaseSlotFactory(session=session, case__program=program)
    CaseSlotFactory(session=session, case__program=program)
    services.withdraw_case(case=scheduled_case, by=presenter)
    waiting = CaseFactory(program=program, status=Case.Status.SUBMITTED)

    slot = services.assign_case_to_session(case=waiting, session=session, by=coordinator)

    assert slot.position == 3


def test_withdraw_is_refused_once_the_session_has_started(presenter, scheduled_case, session, time_machine):
    time_machine.move_to(session.starts_at + timedelta(minutes=1))

    with pytest.raises(ValidationError, match="has started: the case counts as presented"):
        services.withdraw_case(case=scheduled_case, by=presenter)

    scheduled_case.refresh_from_db()
    assert scheduled_case.status == Case.Status.SCHEDULED
    assert CaseSlot.objects.filter(case=scheduled_case).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CASE_WITHDRAWN).exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Case.Status.DRAFT, "nothing to withdraw"),
        (Case.Status.PRESENTED, "can no longer be withdrawn"),
        (Case.Status.LETTER_SENT, "can no longer be withdrawn"),
    ],
)
def test_withdraw_is_refused_for_a_draft_or_a_presented_case(presenter, program, status, message):
    case = CaseFactory(program=program, presenter=presenter, status=status)

    with pytest.raises(ValidationError, match=message):
        services.withdraw_case(case=case, by=presenter)

    case.refresh_from_db()
    assert case.status == status


def test_withdraw_by_someone_else_is_refused(coordinator, submitted_case):
    with pytest.raises(ValidationError, match="Only the presenter"):
        services.withdraw_case(case=submitted_case, by=coordinator)

    submitted_case.refresh_from_db()
    assert submitted_case.status == Case.Status.SUBMITTED


def test_withdraw_twice_changes_nothing_the_second_time(presenter, submitted_case):
    services.withdraw_case(case=submitted_case, by=presenter)
    services.withdraw_case(case=submitted_case, by=presenter)

    assert AuditEvent.objects.filter(action=AuditEvent.Action.CASE_WITHDRAWN).count() == 1


# the views


def test_case_page_offers_the_presenter_to_withdraw(client, presenter, scheduled_case):
    client.force_login(presenter)

    body = client.get(reverse("cases:detail", args=[scheduled_case.pk])).content.decode()

    assert f'href="{reverse("cases:withdraw", args=[scheduled_case.pk])}">Withdraw this case</a>' in body


def test_case_page_offers_no_withdraw_once_the_session_started(
    client, presenter, scheduled_case, session_held
):
    client.force_login(presenter)

    body = client.get(reverse("cases:detail", args=[scheduled_case.pk])).content.decode()

    assert "Withdraw this case" not in body


def test_case_page_offers_no_withdraw_to_the_coordinator(client, coordinator, scheduled_case):
    client.force_login(coordinator)

    body = client.get(reverse("cases:detail", args=[scheduled_case.pk])).content.decode()

    assert "Withdraw this case" not in body


def test_withdraw_page_asks_for_confirmation_and_changes_nothing(client, presenter, scheduled_case, session):
    client.force_login(presenter)
    before = snapshot()

    response = client.get(reverse("cases:withdraw", args=[scheduled_case.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"It is case 1 on the agenda of {session.title}" in body
    assert '<button type="submit" class="btn btn-danger">Withdraw this case</button>' in body
    assert changes_since(before) == {}


def test_withdraw_post_withdraws_and_says_so(client, presenter, scheduled_case):
    client.force_login(presenter)

    response = client.post(reverse("cases:withdraw", args=[scheduled_case.pk]), follow=True)

    scheduled_case.refresh_from_db()
    body = response.content.decode()
    assert scheduled_case.status == Case.Status.WITHDRAWN
    assert "Your case is withdrawn. The hub will not discuss it." in body
    assert "You withdrew this case: the hub will not discuss it." in body
    assert "Withdraw this case" not in body


def test_withdraw_post_after_the_session_started_explains_and_keeps_the_case(
    client, presenter, scheduled_case, session, time_machine
):
    time_machine.move_to(session.starts_at + timedelta(minutes=5))
    client.force_login(presenter)
    before = snapshot()

    response = client.post(reverse("cases:withdraw", args=[scheduled_case.pk]), follow=True)

    assert "has started: the case counts as presented" in response.content.decode()
    assert changes_since(before) == {}


def test_withdrawn_case_reads_as_withdrawn_in_the_coordinators_queue(
    client, presenter, coordinator, program, submitted_case
):
    services.withdraw_case(case=submitted_case, by=presenter)
    client.force_login(coordinator)

    queue = client.get(reverse("cases:queue", args=[program.slug]), {"status": "withdrawn"}).content.decode()
    detail = client.get(reverse("cases:detail", args=[submitted_case.pk])).content.decode()

    assert submitted_case.title in queue
    assert "The presenter withdrew this case." in detail


# prescribing warnings


def test_prescribing_warnings_follow_the_letters_thresholds():
    assert [w.headline for w in prescribing_warnings(total_mme=Decimal("90"), benzodiazepine=False)] == [
        "At or above 90 MME/day."
    ]
    assert [w.headline for w in prescribing_warnings(total_mme=Decimal("50"), benzodiazepine=False)] == [
        "At or above 50 MME/day."
    ]
    assert prescribing_warnings(total_mme=Decimal("49.9"), benzodiazepine=False) == []
    assert prescribing_warnings(total_mme=None, benzodiazepine=False) == []


def test_prescribing_warnings_flag_a_benzodiazepine_with_an_opioid_as_danger():
    with_opioid = prescribing_warnings(total_mme=None, benzodiazepine=True, drugs=["buprenorphine"])
    without = prescribing_warnings(total_mme=None, benzodiazepine=True, drugs=["other"])

    assert [(w.level, w.headline) for w in with_opioid] == [
        ("danger", "A benzodiazepine or other sedative is co-prescribed.")
    ]
    assert "raises the risk of fatal overdose" in with_opioid[0].advice
    assert [w.level for w in without] == ["warning"]
    assert "No opioid is listed" in without[0].advice


def test_case_page_warns_about_high_mme_and_benzodiazepine_together(client, presenter, draft_case):
    Case.objects.filter(pk=draft_case.pk).update(benzodiazepine_coprescribed=True)
    MedicationFactory(case=draft_case, drug="oxycodone", daily_dose=Decimal("120"))
    client.force_login(presenter)

    body = client.get(reverse("cases:detail", args=[draft_case.pk])).content.decode()

    assert '<section class="prescribing-warnings" aria-label="Prescribing safety">' in body
    assert '<p class="alert alert-danger py-2"><strong>At or above 90 MME/day.</strong>' in body
    assert (
        '<p class="alert alert-danger py-2"><strong>A benzodiazepine or other sedative is co-prescribed.</strong>'
        " Together with an opioid" in body
    )


def test_case_page_without_risk_shows_no_warnings(client, presenter, draft_case):
    MedicationFactory(case=draft_case, drug="oxycodone", daily_dose=Decimal("20"))
    client.force_login(presenter)

    body = client.get(reverse("cases:detail", args=[draft_case.pk])).content.decode()

    assert "prescribing-warnings" not in body
