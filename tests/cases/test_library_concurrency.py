from django.core.exceptions import ValidationError
from django.db import transaction

from cases.library import library_cases, recommendations_version, screen_case_for_library
from cases.models import Case, LibraryScreening, RecommendationHeading
from cases.services import save_recommendations
from tests.concurrency import Contender
from tests.factories import CaseFactory, CaseSlotFactory, RecommendationFactory


def test_publishing_while_an_expert_saves_new_recommendations_is_refused(
    postgresql, program, presenter, expert, coordinator, past_session
):
    case = CaseFactory(
        program=program, presenter=presenter, status=Case.Status.PRESENTED, library_shared=True
    )
    CaseSlotFactory(case=case, session=past_session)
    RecommendationFactory(case=case, author=expert, text="Offer a buprenorphine rotation.")
    read = recommendations_version(case)

    # The coordinator presses "Publish" on what they read while the expert's save is still open.
    with transaction.atomic():
        save_recommendations(
            case=case, author=expert, texts={RecommendationHeading.OPIOID: "Taper more slowly."}
        )
        publish = Contender(
            lambda: screen_case_for_library(case=case, by=coordinator, publish=True, version=read)
        )
        publish.wait_until_blocked()
    refused = publish.outcome()

    assert isinstance(refused, ValidationError), refused
    assert refused.messages == [
        "The recommendations changed while you were reading them. Read them again, then decide."
    ]
    case.refresh_from_db()
    assert case.library_screening == LibraryScreening.AWAITING
    assert list(library_cases(program)) == []
