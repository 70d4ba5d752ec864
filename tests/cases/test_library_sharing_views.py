"""The case library's two gates, through the pages: the presenter's tick and the
coordinator's "screen for library" step."""

import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.urls import reverse

from cases.library import recommendations_version
from cases.models import Case, LibraryScreening, RecommendationHeading
from echo_hub.audit.models import AuditEvent
from tests.factories import (
    CaseFactory,
    CaseSlotFactory,
    PastSessionFactory,
    RecommendationFactory,
    UserFactory,
    publish_to_library,
)
from tests.querycount import capture_render, sql
from tests.snapshot import changes_since, snapshot

from .conftest import CASE_FIELDS
from .test_views import _case_post

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "other_coordinator", "participant", "presenter", "expert", "coordinator")


@dataclass
class Shelf:
    unshared: Case
    unscreened: Case
    kept_out: Case
    published: Case


def _presented(program, presenter, title: str, recommendation: str, **fields) -> Case:
    case = CaseFactory(
        program=program,
        presenter=presenter,
        status=Case.Status.PRESENTED,
        title=title,
        main_concern=f"{title.lower()} concern",
        **fields,
    )
    CaseSlotFactory(case=case, session=PastSessionFactory(program=program))
    RecommendationFactory(case=case, heading=RecommendationHeading.OPIOID, text=recommendation)
    return case


@pytest.fixture
def shelf(program, presenter, coordinator):
    unshared = _presented(program, presenter, "Unshared case", "Zolpidemword taper.")
    unscreened = _presented(
        program, presenter, "Unscreened case", "Quetiapineword taper.", library_shared=True
    )
    kept_out = _presented(program, presenter, "Kept-out case", "Methadoneword taper.", library_shared=True)
    kept_out.library_screening = LibraryScreening.KEPT_OUT
    kept_out.save()
    published = _presented(program, presenter, "Published case", "Naloxoneword kit.")
    publish_to_library(published, by=coordinator)
    return Shelf(unshared, unscreened, kept_out, published)


def _get(client, user, url: str):
    client.force_login(user)
    return client.get(url)


# The library pages


def test_library_page_lists_only_the_published_case(client, participant, program, shelf):
    html = _get(client, participant, reverse("cases:library", args=[program.slug])).content.decode()

    assert [c.title for c in vars(shelf).values() if c.title in html] == ["Published case"]
    assert 'role="status">1 case</p>' in html


@pytest.mark.parametrize("which", ["unshared", "unscreened", "kept_out"])
def test_library_case_page_of_a_case_not_published_is_404(client, participant, program, shelf, which):
    case = getattr(shelf, which)

    response = _get(client, participant, reverse("cases:library_case", args=[program.slug, case.pk]))

    assert response.status_code == 404
    assert case.title not in response.content.decode()


def test_library_case_page_of_the_published_case_shows_its_recommendations(
    client, participant, program, shelf
):
    url = reverse("cases:library_case", args=[program.slug, shelf.published.pk])

    html = _get(client, participant, url).content.decode()

    assert '<h3 class="h6 mb-1">Opioid management</h3>' in html
    assert "Naloxoneword kit." in html


@pytest.mark.parametrize(
    "words",
    ["zolpidemword", "quetiapineword", "methadoneword", "unshared case concern", "unscreened", "kept-out"],
)
def test_library_search_never_finds_cases_not_published(client, participant, program, shelf, words):
    url = reverse("cases:library", args=[program.slug]) + "?q=" + quote(words)

    html = _get(client, participant, url).content.decode()

    assert "No case matches this search" in html
    assert [c.title for c in vars(shelf).values() if c.title in html] == []


def test_library_search_finds_the_published_case_by_its_recommendation(client, participant, program, shelf):
    url = reverse("cases:library", args=[program.slug]) + "?q=naloxoneword"

    html = _get(client, participant, url).content.decode()

    assert [c.title for c in vars(shelf).values() if c.title in html] == ["Published case"]


def test_library_case_of_a_follow_up_does_not_name_an_earlier_case_outside_the_library(
    client, participant, program, presenter, coordinator, shelf
):
    again = _presented(
        program, presenter, "Follow-up presentation", "Keep going.", follow_up_of=shelf.unshared
    )
    publish_to_library(again, by=coordinator)

    html = _get(
        client, participant, reverse("cases:library_case", args=[program.slug, again.pk])
    ).content.decode()

    assert "A follow-up presentation of an earlier case." in html
    assert shelf.unshared.title not in html


# The coordinator's screening page


def test_screening_page_highlights_what_the_identifier_guard_finds(client, coordinator, shelf):
    RecommendationFactory(
        case=shelf.unscreened, heading=RecommendationHeading.REFERRALS, text="Call her at 416-555-0199 soon."
    )

    html = _get(
        client, coordinator, reverse("cases:library_screen", args=[shelf.unscreened.pk])
    ).content.decode()

    assert "The identifier guard highlighted 1 passage" in html
    assert 'Call her at <mark title="Phone or fax number">416-555-0199</mark> soon.' in html
    assert "Quetiapineword taper." in html
    assert f'name="version" value="{recommendations_version(shelf.unscreened)}"' in html
    assert 'value="publish"' in html
    assert 'value="keep_out"' in html


def test_screening_page_of_an_unshared_case_offers_no_decision(client, coordinator, shelf):
    html = _get(
        client, coordinator, reverse("cases:library_screen", args=[shelf.unshared.pk])
    ).content.decode()

    assert "Only cases whose presenter agreed to share them can go into the library." in html
    assert 'value="publish"' not in html


@pytest.mark.parametrize(("decision", "expected"), [("publish", "published"), ("keep_out", "kept_out")])
def test_screening_post_records_the_decision_and_returns_to_the_waiting_list(
    client, coordinator, program, shelf, decision, expected
):
    client.force_login(coordinator)
    url = reverse("cases:library_screen", args=[shelf.unscreened.pk])

    response = client.post(
        url, {"decision": decision, "version": recommendations_version(shelf.unscreened)}, follow=True
    )

    shelf.unscreened.refresh_from_db()
    assert response.redirect_chain == [(reverse("cases:queue", args=[program.slug]) + "?status=library", 302)]
    verb = "is published in" if decision == "publish" else "is kept out of"
    assert f"“Unscreened case” {verb} the case library." in response.content.decode()
    assert (shelf.unscreened.library_screening, shelf.unscreened.library_screened_by_id) == (
        expected,
        coordinator.pk,
    )
    library = client.get(reverse("cases:library", args=[program.slug])).content.decode()
    assert ("Unscreened case" in library) is (decision == "publish")


def test_screening_post_after_the_recommendations_changed_says_so_and_changes_nothing(
    client, coordinator, shelf
):
    client.force_login(coordinator)
    url = reverse("cases:library_screen", args=[shelf.unscreened.pk])
    read = recommendations_version(shelf.unscreened)
    RecommendationFactory(case=shelf.unscreened, heading=RecommendationHeading.REFERRALS, text="New advice.")

    response = client.post(url, {"decision": "publish", "version": read}, follow=True)

    shelf.unscreened.refresh_from_db()
    assert response.redirect_chain == [(url, 302)]
    assert "The recommendations changed while you were reading them." in response.content.decode()
    assert "New advice." in response.content.decode()
    assert shelf.unscreened.library_screening == LibraryScreening.AWAITING


def test_screening_post_without_a_decision_asks_for_one(client, coordinator, shelf):
    client.force_login(coordinator)
    url = reverse("cases:library_screen", args=[shelf.unscreened.pk])

    response = client.post(url, {"version": recommendations_version(shelf.unscreened)}, follow=True)

    shelf.unscreened.refresh_from_db()
    assert "Choose “Publish to library” or “Keep out of library”." in response.content.decode()
    assert shelf.unscreened.library_screening == LibraryScreening.AWAITING


def test_screening_post_of_an_unshared_case_is_refused_with_a_message(client, coordinator, shelf):
    client.force_login(coordinator)
    url = reverse("cases:library_screen", args=[shelf.unshared.pk])

    response = client.post(
        url, {"decision": "publish", "version": recommendations_version(shelf.unshared)}, follow=True
    )

    shelf.unshared.refresh_from_db()
    assert "The presenter has not agreed to share this case in the library." in response.content.decode()
    assert (shelf.unshared.library_shared, shelf.unshared.library_screening) == (False, "awaiting")


@pytest.mark.parametrize(
    ("role", "get_status", "post_status"),
    list(zip(ROLES, (302, 404, 404, 403, 403, 403, 200), (302, 404, 404, 403, 403, 403, 302), strict=True)),
)
def test_screening_permission_matrix(client, request, shelf, role, get_status, post_status):
    url = reverse("cases:library_screen", args=[shelf.unscreened.pk])
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    before = snapshot()

    get = client.get(url)
    post = client.post(url, {"decision": "publish", "version": recommendations_version(shelf.unscreened)})

    shelf.unscreened.refresh_from_db()
    assert (get.status_code, post.status_code) == (get_status, post_status)
    if role == "anonymous":
        assert post["Location"] == f"{reverse('account_login')}?next={quote(url)}"
    screened = AuditEvent.objects.filter(
        action=AuditEvent.Action.CASE_LIBRARY_SCREENED, object_id=shelf.unscreened.pk
    ).count()
    if role == "coordinator":
        assert (shelf.unscreened.library_screening, screened) == (LibraryScreening.PUBLISHED, 1)
    else:
        assert (shelf.unscreened.library_screening, screened) == (LibraryScreening.AWAITING, 0)
        assert "Quetiapineword" not in get.content.decode()
        assert changes_since(before) == {}


def test_screening_put_returns_405(client, coordinator, shelf):
    client.force_login(coordinator)

    response = client.put(reverse("cases:library_screen", args=[shelf.unscreened.pk]))

    assert (response.status_code, response["Allow"]) == (405, "GET, POST")


# What awaits screening: the case queue


def test_case_queue_counts_and_lists_cases_awaiting_library_screening(client, coordinator, program, shelf):
    client.force_login(coordinator)
    queue = reverse("cases:queue", args=[program.slug])

    overview = client.get(queue).content.decode()
    awaiting = client.get(queue + "?status=library").content.decode()

    assert "1 presented case awaits screening for the case library." in overview
    assert [c.title for c in vars(shelf).values() if c.title in awaiting] == ["Unscreened case"]
    assert reverse("cases:library_screen", args=[shelf.unscreened.pk]) in awaiting


def _add_awaiting(program, count: int) -> None:
    for _ in range(count):
        _presented(program, UserFactory(), "Counted awaiting", "Advice.", library_shared=True)


def test_case_queue_awaiting_library_query_count_is_constant(client, coordinator, program):
    client.force_login(coordinator)
    url = reverse("cases:queue", args=[program.slug]) + "?status=library"
    _add_awaiting(program, 1)
    ctx1, first = capture_render(client, url)
    _add_awaiting(program, 2)

    ctx3, third = capture_render(client, url)

    assert (first.count(">Counted awaiting</a>"), third.count(">Counted awaiting</a>")) == (1, 3)
    assert len(ctx1) == len(ctx3) == 10, sql(ctx1, ctx3)


# The presenter's tick


def test_case_form_tick_shares_the_new_case(client, presenter, program):
    client.force_login(presenter)

    client.post(reverse("cases:create", args=[program.slug]), _case_post(library_shared=True))

    assert list(Case.objects.values_list("title", "library_shared")) == [(CASE_FIELDS["title"], True)]


def test_case_form_without_the_tick_does_not_share(client, presenter, program):
    client.force_login(presenter)

    client.post(reverse("cases:create", args=[program.slug]), _case_post())

    assert list(Case.objects.values_list("title", "library_shared")) == [(CASE_FIELDS["title"], False)]


@pytest.mark.parametrize(
    ("data", "expected"), [({"shared": "yes"}, True), ({"shared": ""}, False), ({}, False)]
)
def test_presenter_changes_sharing_of_a_scheduled_case(client, presenter, scheduled_case, data, expected):
    Case.objects.filter(pk=scheduled_case.pk).update(library_shared=not expected)
    client.force_login(presenter)

    response = client.post(reverse("cases:library_sharing", args=[scheduled_case.pk]), data, follow=True)

    scheduled_case.refresh_from_db()
    assert response.redirect_chain == [(scheduled_case.get_absolute_url(), 302)]
    assert scheduled_case.library_shared is expected
    message = "Thank you: once presented" if expected else "This case will not be shared in the case library."
    assert message in response.content.decode()


def test_presenter_cannot_change_sharing_once_presented_and_is_told_why(client, presenter, shelf):
    client.force_login(presenter)

    response = client.post(
        reverse("cases:library_sharing", args=[shelf.unshared.pk]), {"shared": "yes"}, follow=True
    )

    shelf.unshared.refresh_from_db()
    assert (
        "This case has been presented, so whether it is shared in the library can no longer be changed."
        in response.content.decode()
    )
    assert shelf.unshared.library_shared is False


@pytest.mark.parametrize(
    ("role", "expected"), list(zip(ROLES, (302, 404, 404, 403, 302, 403, 403), strict=True))
)
def test_sharing_permission_matrix(client, request, scheduled_case, role, expected):
    url = reverse("cases:library_sharing", args=[scheduled_case.pk])
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    before = snapshot()

    response = client.post(url, {"shared": "yes"})

    scheduled_case.refresh_from_db()
    assert response.status_code == expected
    assert scheduled_case.library_shared is (role == "presenter")
    assert (changes_since(before) == {}) is (role != "presenter")


def test_sharing_get_returns_405(client, presenter, scheduled_case):
    client.force_login(presenter)

    response = client.get(reverse("cases:library_sharing", args=[scheduled_case.pk]))

    assert (response.status_code, response["Allow"]) == (405, "POST")


# The case page


def test_case_page_offers_the_presenter_the_tick_until_presented(client, presenter, scheduled_case, shelf):
    client.force_login(presenter)
    sharing = reverse("cases:library_sharing", args=[scheduled_case.pk])

    before = client.get(scheduled_case.get_absolute_url()).content.decode()
    after = client.get(shelf.unshared.get_absolute_url()).content.decode()

    assert sharing in before
    assert "You can change this until the case is presented." in before
    assert reverse("cases:library_sharing", args=[shelf.unshared.pk]) not in after
    assert "You did not share this case in the program's case library." in after


def test_case_page_links_the_coordinator_to_screening_of_a_shared_presented_case(client, coordinator, shelf):
    client.force_login(coordinator)

    shared = client.get(shelf.unscreened.get_absolute_url()).content.decode()
    unshared = client.get(shelf.unshared.get_absolute_url()).content.decode()

    assert reverse("cases:library_screen", args=[shelf.unscreened.pk]) in shared
    assert "Screen for library…" in shared
    assert reverse("cases:library_screen", args=[shelf.unshared.pk]) not in unshared
    assert "The presenter did not agree to share this case in the library." in unshared


def test_screening_page_markup_has_one_h1_and_nothing_inline(client, coordinator, shelf):
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    style_attr = re.compile(r"\sstyle\s*=", re.IGNORECASE)

    html = _get(
        client, coordinator, reverse("cases:library_screen", args=[shelf.unscreened.pk])
    ).content.decode()

    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert inline_script.findall(html) + style_attr.findall(html) == []
