"""The case library's two gates, at the service level: the presenter's agreement to share
(changeable until the case is presented) and the coordinator's screening of the
recommendations (again after any change)."""

import pytest
from django.core.exceptions import ValidationError

from cases.library import (
    awaiting_screening,
    library_case,
    library_cases,
    recommendations_version,
    screen_case_for_library,
    set_library_sharing,
)
from cases.models import Case, LibraryScreening, Recommendation, RecommendationHeading
from cases.services import add_follow_up, save_case_draft, save_recommendations
from echo_hub.audit.models import AuditEvent
from tests.factories import CaseFactory, CaseSlotFactory, RecommendationFactory, publish_to_library

from .conftest import CASE_FIELDS

pytestmark = pytest.mark.django_db

A = AuditEvent.Action


@pytest.fixture
def presented(program, presenter, expert, past_session):
    case = CaseFactory(program=program, presenter=presenter, status=Case.Status.PRESENTED, title="Presented")
    CaseSlotFactory(case=case, session=past_session)
    RecommendationFactory(case=case, author=expert, text="Offer a buprenorphine rotation.")
    return case


def _share(case: Case) -> Case:
    Case.objects.filter(pk=case.pk).update(library_shared=True)
    case.refresh_from_db()
    return case


def _screen(case: Case, coordinator, *, publish: bool = True) -> Case:
    return screen_case_for_library(
        case=case, by=coordinator, publish=publish, version=recommendations_version(case)
    )


def _library(program) -> list[str]:
    return [c.title for c in library_cases(program)]


def _state(case: Case) -> tuple:
    case.refresh_from_db()
    return (case.library_shared, case.library_screening, case.library_screened_by_id)


# The library shows a case only when shared and screened


def test_a_presented_case_not_shared_is_not_in_the_library(presented, program):
    assert (_library(program), library_case(program, presented.pk)) == ([], None)


def test_a_case_created_without_a_choice_is_not_shared_and_awaits_no_screening(presented, program):
    assert (presented.library_shared, presented.library_screening) == (False, LibraryScreening.AWAITING)
    assert list(awaiting_screening(program)) == []


def test_a_shared_case_not_yet_screened_is_not_in_the_library_and_awaits_screening(presented, program):
    _share(presented)

    assert (_library(program), library_case(program, presented.pk)) == ([], None)
    assert list(awaiting_screening(program)) == [presented]


def test_a_shared_case_published_after_screening_is_in_the_library_with_recommendations(
    presented, program, coordinator
):
    _screen(_share(presented), coordinator)

    case = library_case(program, presented.pk)
    assert _library(program) == ["Presented"]
    assert [r.text for r in case.recommendations.all()] == ["Offer a buprenorphine rotation."]
    assert list(awaiting_screening(program)) == []


def test_a_shared_case_kept_out_after_screening_is_not_in_the_library(presented, program, coordinator):
    _screen(_share(presented), coordinator, publish=False)

    assert _state(presented) == (True, LibraryScreening.KEPT_OUT, coordinator.pk)
    assert (_library(program), list(awaiting_screening(program))) == ([], [])


# Screening


def test_screening_is_audited_with_the_decision_and_the_guard_findings(presented, coordinator):
    RecommendationFactory(
        case=presented, heading=RecommendationHeading.REFERRALS, text="Call her at 416-555-0199."
    )

    _screen(_share(presented), coordinator, publish=False)

    event = AuditEvent.objects.get(action=A.CASE_LIBRARY_SCREENED)
    assert (event.actor_id, event.object_id, event.program_id) == (
        coordinator.pk,
        presented.pk,
        presented.program_id,
    )
    assert event.extra == {"decision": "kept_out", "findings": 1}


def test_screening_twice_with_the_same_decision_changes_nothing_the_second_time(presented, coordinator):
    first = _screen(_share(presented), coordinator)

    second = _screen(presented, coordinator)

    assert second.library_screened_at == first.library_screened_at
    assert AuditEvent.objects.filter(action=A.CASE_LIBRARY_SCREENED).count() == 1


def test_screening_a_case_the_presenter_did_not_share_is_refused(presented, coordinator):
    with pytest.raises(ValidationError) as exc:
        _screen(presented, coordinator)

    assert exc.value.messages == ["The presenter has not agreed to share this case in the library."]
    assert _state(presented) == (False, LibraryScreening.AWAITING, None)


def test_screening_a_case_not_yet_presented_is_refused(program, presenter, coordinator):
    case = CaseFactory(
        program=program, presenter=presenter, status=Case.Status.SCHEDULED, library_shared=True
    )

    with pytest.raises(ValidationError) as exc:
        _screen(case, coordinator)

    assert exc.value.messages == ["A case can be screened for the library once it has been presented."]
    assert _state(case) == (True, LibraryScreening.AWAITING, None)


def test_screening_recommendations_that_changed_since_they_were_read_is_refused(
    presented, coordinator, expert
):
    read = recommendations_version(_share(presented))
    save_recommendations(case=presented, author=expert, texts={RecommendationHeading.OPIOID: "Changed."})

    with pytest.raises(ValidationError) as exc:
        screen_case_for_library(case=presented, by=coordinator, publish=True, version=read)

    assert exc.value.messages == [
        "The recommendations changed while you were reading them. Read them again, then decide."
    ]
    assert _state(presented) == (True, LibraryScreening.AWAITING, None)


@pytest.mark.parametrize(
    "texts",
    [
        {RecommendationHeading.OPIOID: "Offer a buprenorphine rotation; see her in 2 weeks."},
        {RecommendationHeading.REFERRALS: "Refer to physiotherapy."},
        {RecommendationHeading.OPIOID: ""},
    ],
    ids=["edited", "added", "removed"],
)
def test_changed_recommendations_take_a_published_case_out_until_screened_again(
    presented, program, coordinator, expert, texts
):
    _screen(_share(presented), coordinator)

    save_recommendations(case=presented, author=expert, texts=texts)

    assert _state(presented) == (True, LibraryScreening.AWAITING, None)
    assert (_library(program), list(awaiting_screening(program))) == ([], [presented])
    _screen(presented, coordinator)
    assert _library(program) == ["Presented"]


def test_saving_the_same_recommendations_again_keeps_the_case_published(
    presented, program, coordinator, expert
):
    _screen(_share(presented), coordinator)

    save_recommendations(
        case=presented, author=expert, texts={RecommendationHeading.OPIOID: "Offer a buprenorphine rotation."}
    )

    assert _state(presented) == (True, LibraryScreening.PUBLISHED, coordinator.pk)
    assert _library(program) == ["Presented"]


def test_a_recommendation_edited_outside_the_services_takes_the_case_out_of_the_library(
    presented, program, coordinator
):
    _screen(_share(presented), coordinator)
    recommendation = Recommendation.objects.get(case=presented)
    recommendation.text = "Edited in the admin."
    recommendation.save()

    assert (_library(program), list(awaiting_screening(program))) == ([], [presented])


# The presenter's agreement


@pytest.mark.parametrize("status", [Case.Status.DRAFT, Case.Status.SUBMITTED, Case.Status.SCHEDULED])
def test_the_presenter_can_share_and_unshare_until_the_case_is_presented(program, presenter, status):
    case = CaseFactory(program=program, presenter=presenter, status=status)

    set_library_sharing(case=case, by=presenter, shared=True)
    shared = _state(case)
    set_library_sharing(case=case, by=presenter, shared=False)

    assert (shared, _state(case)) == (
        (True, LibraryScreening.AWAITING, None),
        (False, LibraryScreening.AWAITING, None),
    )
    assert [e.extra for e in AuditEvent.objects.filter(action=A.CASE_EDITED).order_by("pk")] == [
        {"library_shared": True},
        {"library_shared": False},
    ]


@pytest.mark.parametrize("status", [Case.Status.PRESENTED, Case.Status.LETTER_SENT])
@pytest.mark.parametrize("shared", [True, False])
def test_the_presenter_cannot_change_sharing_once_the_case_is_presented(program, presenter, status, shared):
    case = CaseFactory(program=program, presenter=presenter, status=status, library_shared=not shared)

    with pytest.raises(ValidationError) as exc:
        set_library_sharing(case=case, by=presenter, shared=shared)

    assert exc.value.messages == [
        "This case has been presented, so whether it is shared in the library can no longer be changed."
    ]
    assert _state(case) == (not shared, LibraryScreening.AWAITING, None)


def test_only_the_presenter_can_change_sharing(program, presenter, coordinator):
    case = CaseFactory(program=program, presenter=presenter, status=Case.Status.SUBMITTED)

    with pytest.raises(ValidationError) as exc:
        set_library_sharing(case=case, by=coordinator, shared=True)

    assert exc.value.messages == ["Only the presenter decides whether a case is shared in the library."]
    assert _state(case) == (False, LibraryScreening.AWAITING, None)


@pytest.mark.parametrize("ticked", [True, False])
def test_the_tick_on_the_case_form_is_saved_with_the_draft(program, presenter, ticked):
    case = save_case_draft(
        presenter=presenter, program=program, fields=CASE_FIELDS | {"library_shared": ticked}, medications=[]
    )

    case.refresh_from_db()
    assert case.library_shared is ticked


def test_a_draft_saved_without_the_tick_is_not_shared(program, presenter):
    case = save_case_draft(presenter=presenter, program=program, fields=CASE_FIELDS, medications=[])

    case.refresh_from_db()
    assert case.library_shared is False


def test_a_case_published_through_the_test_helper_is_the_real_thing(presented, program, coordinator):
    publish_to_library(presented, by=coordinator)

    assert _state(presented) == (True, LibraryScreening.PUBLISHED, coordinator.pk)
    assert _library(program) == ["Presented"]


def test_a_follow_up_presentation_is_not_shared_until_its_presenter_ticks_it(presented, presenter, program):
    _share(presented)

    add_follow_up(
        case=presented,
        author=presenter,
        fields={"what_changed": "Tapered by half."},
        medications=[],
        present_again=True,
    )

    again = Case.objects.get(follow_up_of=presented)
    assert (again.status, again.library_shared) == (Case.Status.SUBMITTED, False)
