"""Text the guard flags that the presenter says identifies nobody ("not an identifier", with a
reason): kept for a coordinator, who accepts it or returns the case; until then no expert or
participant sees the case and it cannot be scheduled."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services
from cases.models import Case, IdentifierOverride
from cases.permissions import visible_cases
from echo_hub.audit.models import AuditEvent
from echo_hub.deid import Vouch, find_identifiers

from .conftest import CASE_FIELDS, OXYCODONE

pytestmark = pytest.mark.django_db

# A real self-management course the guard reads as a surname.
COURSE = "Completed the Stanford chronic pain self-management course; sleeps a little better."
REASON = "Name of a self-management course, not a person"
NAMED = "Mrs. Tremblay completed the Stanford chronic pain self-management course."


def _vouch(text: str = COURSE, reason: str = REASON) -> Vouch:
    findings = find_identifiers(text)
    return Vouch(
        reason=reason, snippets=tuple(f.text for f in findings), kinds=tuple(f.kind for f in findings)
    )


def _draft(program, presenter, *, text=COURSE, vouches=None, case=None):
    return services.save_case_draft(
        presenter=presenter,
        program=program,
        fields=CASE_FIELDS | {"treatments_tried": text},
        medications=[OXYCODONE],
        case=case,
        vouches=vouches,
    )


def _submitted_with_vouch(program, presenter) -> Case:
    case = _draft(program, presenter, vouches={"treatments_tried": _vouch()})
    return services.submit_case(case=case, by=presenter)


def test_the_course_name_is_flagged_so_the_tests_below_mean_something():
    assert [f.text for f in find_identifiers(COURSE)] == ["Stanford"]


def test_flagged_text_without_a_vouch_is_refused_and_nothing_is_stored(program, presenter):
    with pytest.raises(ValidationError) as refused:
        _draft(program, presenter)

    assert "treatments_tried" in refused.value.message_dict
    assert (Case.objects.count(), IdentifierOverride.objects.count()) == (0, 0)


def test_a_vouch_keeps_the_text_and_waits_for_a_coordinator(program, presenter):
    case = _draft(program, presenter, vouches={"treatments_tried": _vouch()})

    override = case.identifier_overrides.get()
    assert case.treatments_tried == COURSE
    assert (override.field, override.snippets, override.kinds, override.reason) == (
        "treatments_tried",
        ["Stanford"],
        ["name"],
        REASON,
    )
    assert (override.status, override.created_by) == (IdentifierOverride.Status.PENDING, presenter)


def test_a_vouch_covers_only_the_text_it_was_given_for(program, presenter):
    case = _draft(program, presenter, vouches={"treatments_tried": _vouch()})

    with pytest.raises(ValidationError) as refused:
        _draft(program, presenter, text=NAMED, case=case)

    assert [e.code for e in refused.value.error_dict["treatments_tried"]] == ["identifier_name"]
    case.refresh_from_db()
    assert case.treatments_tried == COURSE


def test_saving_again_without_the_flagged_text_drops_the_waiting_vouch(program, presenter):
    case = _draft(program, presenter, vouches={"treatments_tried": _vouch()})

    _draft(program, presenter, text="Completed a chronic pain self-management course.", case=case)

    assert not IdentifierOverride.objects.exists()


def test_a_waiting_case_is_hidden_from_experts_and_cannot_be_scheduled(
    program, presenter, coordinator, expert, session
):
    case = _submitted_with_vouch(program, presenter)

    assert list(visible_cases(coordinator)) == [case]
    assert list(visible_cases(presenter)) == [case]
    assert list(visible_cases(expert)) == []
    with pytest.raises(ValidationError, match="marked as not identifying"):
        services.assign_case_to_session(case=case, session=session, by=coordinator)
    assert Case.objects.get().status == Case.Status.SUBMITTED


def test_accepting_shows_the_case_to_experts_and_lets_it_be_scheduled(
    program, presenter, coordinator, expert, session
):
    case = _submitted_with_vouch(program, presenter)

    assert services.accept_overrides(case=case, by=coordinator) == 1
    slot = services.assign_case_to_session(case=case, session=session, by=coordinator)

    override = IdentifierOverride.objects.get()
    assert (override.status, override.decided_by) == (IdentifierOverride.Status.ACCEPTED, coordinator)
    assert list(visible_cases(expert)) == [case]
    assert slot.session == session
    event = AuditEvent.objects.get(action=AuditEvent.Action.CASE_OVERRIDES_ACCEPTED)
    assert (event.actor, event.object_id, event.extra) == (coordinator, case.pk, {"accepted": 1})


def test_nothing_to_accept_is_said_and_changes_nothing(program, presenter, coordinator, submitted_case):
    with pytest.raises(ValidationError, match="Nothing on this case is waiting"):
        services.accept_overrides(case=submitted_case, by=coordinator)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CASE_OVERRIDES_ACCEPTED).exists()


def test_returning_the_case_withdraws_the_vouch_until_the_presenter_gives_it_again(
    program, presenter, coordinator
):
    case = _submitted_with_vouch(program, presenter)

    case = services.return_case(
        case=case, by=coordinator, comment="Please describe the course without its name."
    )

    assert IdentifierOverride.objects.get().status == IdentifierOverride.Status.RETURNED
    with pytest.raises(ValidationError):
        _draft(program, presenter, case=case)
    with pytest.raises(ValidationError):
        services.submit_case(case=case, by=presenter)
    _draft(
        program,
        presenter,
        case=case,
        vouches={"treatments_tried": _vouch(reason="A course offered by a university")},
    )
    assert list(case.identifier_overrides.values_list("status", flat=True)) == ["returned", "pending"]


# Through the pages.


def _form_data(**extra) -> dict:
    data = {name: ("on" if value is True else value) for name, value in CASE_FIELDS.items()}
    data |= {
        "medications-TOTAL_FORMS": "1",
        "medications-INITIAL_FORMS": "0",
        "medications-MIN_NUM_FORMS": "0",
        "medications-MAX_NUM_FORMS": "12",
        "medications-0-drug": "oxycodone",
        "medications-0-daily_dose": "120",
        "medications-0-schedule": "60 mg CR q12h",
        "treatments_tried": COURSE,
        "save": "draft",
    }
    return data | extra


def _create(client, program, data):
    return client.post(reverse("cases:create", args=[program.slug]), data)


def test_the_form_offers_to_vouch_for_flagged_text(client, program, presenter):
    client.force_login(presenter)

    body = _create(client, program, _form_data()).content.decode()

    assert 'name="not_identifier_treatments_tried"' in body
    assert 'form="case-form"' in body
    assert 'name="not_identifier_reason_treatments_tried"' in body
    assert not Case.objects.exists()


def test_vouching_in_the_form_saves_the_case_for_a_coordinator_to_check(client, program, presenter):
    client.force_login(presenter)

    response = _create(
        client,
        program,
        _form_data(not_identifier_treatments_tried="1", not_identifier_reason_treatments_tried=REASON),
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert case.treatments_tried == COURSE
    assert case.identifier_overrides.get().reason == REASON


@pytest.mark.parametrize(
    "reason, error",
    [
        ("", "Say in a few words why the highlighted text does not identify the patient."),
        ("x" * 201, "Keep the reason under 200 characters (it has 201)."),
        ("She lives in Kapuskasing", "The reason itself looks identifying"),
    ],
)
def test_a_vouch_without_a_usable_reason_is_refused_and_keeps_what_was_typed(
    client, program, presenter, reason, error
):
    client.force_login(presenter)

    response = _create(
        client,
        program,
        _form_data(not_identifier_treatments_tried="1", not_identifier_reason_treatments_tried=reason),
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert error in body
    assert "checked" in body.split('name="not_identifier_treatments_tried"')[1].split(">")[0]
    assert (Case.objects.count(), IdentifierOverride.objects.count()) == (0, 0)


def test_the_coordinator_sees_the_marked_text_and_accepts_it(client, program, presenter, coordinator):
    case = _submitted_with_vouch(program, presenter)
    client.force_login(coordinator)

    page = client.get(case.get_absolute_url()).content.decode()
    queue = client.get(reverse("cases:queue", args=[program.slug])).content.decode()
    response = client.post(reverse("cases:accept_overrides", args=[case.pk]))

    assert '<mark title="Name of a person">Stanford</mark>' in page
    assert REASON in page
    assert "Accept: this text identifies nobody" in page
    assert "Check marked text" in queue
    assert response.status_code == 302
    assert IdentifierOverride.objects.get().status == IdentifierOverride.Status.ACCEPTED


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 302),
        ("other_coordinator", 404),
        ("expert", 404),
        ("participant", 404),
        ("presenter", 403),
        ("outsider", 404),
    ],
)
def test_only_the_programs_coordinators_accept_marked_text(client, request, program, presenter, who, status):
    case = _submitted_with_vouch(program, presenter)
    client.force_login(request.getfixturevalue(who))
    before = list(IdentifierOverride.objects.values_list("status", "decided_by"))

    response = client.post(reverse("cases:accept_overrides", args=[case.pk]))

    assert response.status_code == status
    if status != 302:
        assert list(IdentifierOverride.objects.values_list("status", "decided_by")) == before
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.CASE_OVERRIDES_ACCEPTED).exists()
