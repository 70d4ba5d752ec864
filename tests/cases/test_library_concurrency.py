import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from cases.library import library_cases, recommendations_version, screen_case_for_library
from cases.models import Case, LibraryScreening, RecommendationHeading
from cases.services import save_recommendations
from tests.conftest import running_in_ci
from tests.factories import CaseFactory, CaseSlotFactory, RecommendationFactory


@pytest.mark.django_db(transaction=True)
def test_publishing_while_an_expert_saves_new_recommendations_is_refused(
    program, presenter, expert, coordinator, past_session
):
    case = CaseFactory(
        program=program, presenter=presenter, status=Case.Status.PRESENTED, library_shared=True
    )
    CaseSlotFactory(case=case, session=past_session)
    RecommendationFactory(case=case, author=expert, text="Offer a buprenorphine rotation.")
    read = recommendations_version(case)
    outcome = []

    def publish():
        try:
            outcome.append(screen_case_for_library(case=case, by=coordinator, publish=True, version=read))
        except Exception as exc:
            outcome.append(exc)
        finally:
            connection.close()

    # The coordinator presses "Publish" on what they read while the expert's save is still open.
    with transaction.atomic():
        save_recommendations(
            case=case, author=expert, texts={RecommendationHeading.OPIOID: "Taper more slowly."}
        )
        thread = threading.Thread(target=publish)
        thread.start()
        time.sleep(0.5)
    thread.join(timeout=30)

    assert not thread.is_alive()
    if "is locked" in str(outcome[0]):
        assert connection.vendor != "postgresql" and not running_in_ci(), outcome
        pytest.skip("SQLite refuses the second writer outright: this race needs PostgreSQL.")
    assert isinstance(outcome[0], ValidationError), outcome
    assert outcome[0].messages == [
        "The recommendations changed while you were reading them. Read them again, then decide."
    ]
    case.refresh_from_db()
    assert case.library_screening == LibraryScreening.AWAITING
    assert list(library_cases(program)) == []
