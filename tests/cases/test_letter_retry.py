"""A recommendation letter whose PDF could not be made is shown to the program's coordinators
on the case queue and the case page, why in plain words, with a Retry button."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from cases.models import Case, RecommendationLetter
from tests.factories import CaseSlotFactory, PastSessionFactory, RecommendationFactory
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """The rendered PDFs go to a folder of this test's own: no later test finds their names taken."""
    settings.MEDIA_ROOT = tmp_path


NO_FONTS = "OSError: cannot load font DejaVuSans"
TITLE = "Tapering high-dose oxycodone after a work injury"


def _messages(response) -> list[str]:
    return [message.message for message in get_messages(response.wsgi_request)]


@pytest.fixture
def failed_letter(program, presenter, expert, coordinator):
    case = CaseSlotFactory(
        session=PastSessionFactory(program=program),
        case__program=program,
        case__presenter=presenter,
        case__status=Case.Status.PRESENTED,
        case__title=TITLE,
    ).case
    RecommendationFactory(case=case, author=expert)
    return RecommendationLetter.objects.create(
        case=case,
        finalized_by=coordinator,
        status=RecommendationLetter.Status.FAILED,
        render_attempts=5,
        last_error=NO_FONTS,
    )


def _retry_url(program, letter) -> str:
    return reverse("cases:letter_retry", args=[program.slug, letter.case_id])


def _state(letter) -> tuple:
    letter.refresh_from_db()
    return letter.status, letter.render_attempts, letter.last_error


PLAIN_WORDS = (
    "A file the PDF needs could not be read or saved (a font, the logo, or the file storage). Tried 5 times."
)


def test_case_queue_shows_a_failed_letter_in_plain_words_with_retry(
    client, coordinator, program, failed_letter
):
    client.force_login(coordinator)

    response = client.get(reverse("cases:queue", args=[program.slug]))

    body = response.content.decode()
    assert response.status_code == 200
    assert '<h2 class="h6" id="failed-letters">Letters that could not be made</h2>' in body
    assert f'<a class="alert-link" href="/cases/{failed_letter.case_id}/">{TITLE}</a>' in body
    assert PLAIN_WORDS in body
    assert f'<form method="post" action="{_retry_url(program, failed_letter)}">' in body


@pytest.mark.parametrize(("role", "shown"), [("coordinator", True), ("expert", False), ("presenter", False)])
def test_case_page_shows_the_failure_and_retry_to_coordinators_only(
    client, request, program, failed_letter, role, shown
):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("cases:detail", args=[failed_letter.case_id]))

    body = response.content.decode()
    assert response.status_code == 200
    assert ("The letter could not be made." in body) is shown
    assert (PLAIN_WORDS in body) is shown
    assert (_retry_url(program, failed_letter) in body) is shown
    assert ("The letter is delayed; the program's coordinators are looking into it." in body) is not shown
    assert (NO_FONTS in body) is shown


def test_letter_retry_by_the_coordinator_renders_it_and_emails_the_presenter(
    client, coordinator, presenter, program, failed_letter, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_retry_url(program, failed_letter))

    failed_letter.case.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{failed_letter.case_id}/"
    assert _messages(response) == [
        "The letter is being made again; the presenter gets it by email when it is ready."
    ]
    assert _state(failed_letter) == (RecommendationLetter.Status.READY, 1, "")
    assert failed_letter.case.status == Case.Status.LETTER_SENT
    assert [m.to for m in mail.outbox] == [[presenter.email]]


def test_letter_retry_of_a_letter_being_prepared_changes_nothing(
    client, coordinator, program, failed_letter, django_capture_on_commit_callbacks
):
    RecommendationLetter.objects.filter(pk=failed_letter.pk).update(
        status=RecommendationLetter.Status.RENDERING, render_attempts=2
    )
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(_retry_url(program, failed_letter))

    assert response.status_code == 302
    assert _messages(response) == ["This letter is not waiting for a retry: it is ready or being prepared."]
    assert _state(failed_letter) == (RecommendationLetter.Status.RENDERING, 2, NO_FONTS)
    assert (callbacks, mail.outbox) == ([], [])


def test_letter_retry_by_another_programs_coordinator_returns_404_and_changes_nothing(
    client, other_coordinator, program, other_program, failed_letter
):
    client.force_login(other_coordinator)
    before = snapshot()

    responses = [
        client.post(reverse("cases:letter_retry", args=[slug, failed_letter.case_id]))
        for slug in (program.slug, other_program.slug)
    ]

    assert [r.status_code for r in responses] == [404, 404]
    assert all(escape(TITLE) not in r.content.decode() for r in responses)
    assert _state(failed_letter) == (RecommendationLetter.Status.FAILED, 5, NO_FONTS)
    assert changes_since(before) == {}


@pytest.mark.parametrize("role", ["expert", "presenter"])
def test_letter_retry_by_a_member_who_is_not_coordinator_is_403(
    client, request, program, failed_letter, role
):
    client.force_login(request.getfixturevalue(role))
    before = snapshot()

    response = client.post(_retry_url(program, failed_letter))

    assert response.status_code == 403
    assert _state(failed_letter) == (RecommendationLetter.Status.FAILED, 5, NO_FONTS)
    assert changes_since(before) == {}
