import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.library import MmeBand, library_cases, set_case_tags
from cases.models import AgeBand, Case, CaseTag, RecommendationHeading
from tests.factories import (
    CaseFactory,
    CaseSlotFactory,
    EnrollmentFactory,
    FollowUpFactory,
    MedicationFactory,
    ProgramFactory,
    RecommendationFactory,
    SessionFactory,
    UserFactory,
    publish_to_library,
)
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db

TEXT = {
    "main_concern": "",
    "pain_location": "",
    "pain_duration": "",
    "question_1": "What would you change first?",
}


@dataclass
class Library:
    taper: Case
    sleep: Case
    knee: Case
    headache: Case
    hidden: list[Case]
    foreign: Case
    tag: CaseTag


def _presented(program, presenter, *, days_ago: int, status=Case.Status.PRESENTED, **fields) -> Case:
    case = CaseFactory(program=program, presenter=presenter, status=status, **(TEXT | fields))
    session = SessionFactory(program=program, starts_at=timezone.now() - timedelta(days=days_ago))
    CaseSlotFactory(case=case, session=session, position=1)
    return case


@pytest.fixture
def library(program, presenter, expert, coordinator, other_program):
    taper = _presented(
        program,
        presenter,
        days_ago=10,
        status=Case.Status.LETTER_SENT,
        title="Tapering high-dose oxycodone after a work injury",
        main_concern="Low back pain for years on oxycodone; function is poor.",
        age_band=AgeBand.AGE_50_59,
    )
    MedicationFactory(case=taper, drug="oxycodone", daily_dose=Decimal("120"))  # 180 MME
    RecommendationFactory(
        case=taper,
        author=expert,
        heading=RecommendationHeading.OPIOID,
        text="Offer a buprenorphine rotation.",
    )
    sleep = _presented(
        program,
        presenter,
        days_ago=20,
        title="Fibromyalgia with poor sleep",
        main_concern="Widespread pain and insomnia.",
        age_band=AgeBand.AGE_30_39,
    )
    MedicationFactory(case=sleep, drug="morphine", daily_dose=Decimal("30"))  # 30 MME
    RecommendationFactory(
        case=sleep,
        author=expert,
        heading=RecommendationHeading.NON_PHARM,
        text="Graded exercise, sleep hygiene.",
    )
    knee = _presented(
        program,
        presenter,
        days_ago=30,
        title="Knee osteoarthritis in an older adult",
        main_concern="Knee pain on walking.",
        age_band=AgeBand.AGE_70_79,
    )
    MedicationFactory(case=knee, drug="morphine", daily_dose=Decimal("50"))  # exactly 50 MME
    RecommendationFactory(
        case=knee, author=expert, heading=RecommendationHeading.REFERRALS, text="Refer to physiotherapy."
    )
    headache = _presented(
        program,
        presenter,
        days_ago=40,
        status=Case.Status.LETTER_SENT,
        title="Daily headache",
        main_concern="Medication overuse suspected.",
        age_band=AgeBand.AGE_40_49,
    )
    RecommendationFactory(
        case=headache, author=expert, heading=RecommendationHeading.DIFFERENTIAL, text="Rule out migraine."
    )
    # Every hidden case mentions oxycodone, buprenorphine and insomnia: a leak would match a search.
    leaky = {"main_concern": "oxycodone buprenorphine insomnia", "age_band": AgeBand.AGE_50_59}
    hidden = [
        CaseFactory(program=program, presenter=presenter, status=status, title=f"Hidden {status}", **leaky)
        for status in (Case.Status.DRAFT, Case.Status.SUBMITTED, Case.Status.RETURNED)
    ]
    scheduled = CaseFactory(
        program=program, presenter=presenter, status=Case.Status.SCHEDULED, title="Hidden scheduled", **leaky
    )
    CaseSlotFactory(case=scheduled, session=SessionFactory(program=program), position=1)
    hidden.append(scheduled)
    foreign = _presented(
        other_program, UserFactory(), days_ago=5, title="Another program's oxycodone case", **leaky
    )
    tag = CaseTag.objects.create(program=program, name="tapering")
    tag.cases.add(taper)
    for case in (taper, sleep, knee, headache):
        publish_to_library(case, by=coordinator)
    publish_to_library(foreign, by=UserFactory())
    return Library(taper, sleep, knee, headache, hidden, foreign, tag)


def _titles(cases) -> list[str]:
    return [c.title for c in cases]


def test_library_cases_lists_only_presented_cases_of_the_program_newest_first(library, program):
    assert _titles(library_cases(program)) == [
        library.taper.title,
        library.sleep.title,
        library.knee.title,
        library.headache.title,
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("insomnia", ["sleep"]),
        ("buprenorphine", ["taper"]),  # only in the recommendations
        ("physiotherapy", ["knee"]),
        ("oxycodone", ["taper"]),
        ("knee walking", ["knee"]),
        ("nothing-like-this", []),
    ],
)
def test_library_cases_finds_by_word_in_case_or_recommendations(library, program, text, expected):
    assert _titles(library_cases(program, text=text)) == [getattr(library, n).title for n in expected]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"heading": RecommendationHeading.OPIOID}, ["taper"]),
        ({"heading": RecommendationHeading.REFERRALS}, ["knee"]),
        ({"mme_band": MmeBand.NONE}, ["headache"]),
        ({"mme_band": MmeBand.UNDER_50}, ["sleep"]),
        ({"mme_band": MmeBand.FROM_50}, ["knee"]),
        ({"mme_band": MmeBand.FROM_90}, ["taper"]),
        ({"age_band": AgeBand.AGE_70_79}, ["knee"]),
        ({"age_band": AgeBand.AGE_50_59}, ["taper"]),
        ({"heading": RecommendationHeading.OPIOID, "age_band": AgeBand.AGE_30_39}, []),
    ],
)
def test_library_cases_filters(library, program, filters, expected):
    assert _titles(library_cases(program, **filters)) == [getattr(library, n).title for n in expected]


def test_library_cases_filters_by_tag(library, program):
    assert _titles(library_cases(program, tag=library.tag)) == [library.taper.title]


def test_library_cases_band_uses_original_medications_not_follow_up(library, program):
    follow_up = FollowUpFactory(case=library.sleep)
    MedicationFactory(case=library.sleep, follow_up=follow_up, drug="morphine", daily_dose=Decimal("200"))

    assert _titles(library_cases(program, mme_band=MmeBand.UNDER_50)) == [library.sleep.title]
    assert _titles(library_cases(program, mme_band=MmeBand.FROM_90)) == [library.taper.title]


def test_library_page_search_never_shows_hidden_cases(client, participant, library, program):
    client.force_login(participant)

    html = client.get(reverse("cases:library", args=[program.slug]) + "?q=oxycodone").content.decode()

    assert library.taper.title in html
    assert "1 case found" in html
    for case in [*library.hidden, library.foreign]:
        assert case.title not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?heading=non_pharm", "sleep"),
        ("?mme_band=50-89", "knee"),
        ("?age_band=40-49", "headache"),
        ("?q=insomnia", "sleep"),
    ],
)
def test_library_page_filters_from_the_form(client, participant, library, program, query, expected):
    client.force_login(participant)

    html = client.get(reverse("cases:library", args=[program.slug]) + query).content.decode()

    shown = [c for c in (library.taper, library.sleep, library.knee, library.headache) if c.title in html]
    assert shown == [getattr(library, expected)]


def test_library_page_tag_filter_from_the_form(client, participant, library, program):
    client.force_login(participant)

    html = client.get(
        reverse("cases:library", args=[program.slug]) + f"?tag={library.tag.pk}"
    ).content.decode()

    assert library.taper.title in html
    assert library.sleep.title not in html
    assert '<span class="badge rounded-pill text-bg-light border me-1">tapering</span>' in html


@pytest.mark.parametrize("view", ["cases:library", "cases:library_case"])
def test_library_participant_sees_profession_and_community_not_the_presenter(
    client, participant, library, program, presenter, view
):
    client.force_login(participant)
    args = [program.slug] if view == "cases:library" else [program.slug, library.taper.pk]

    html = client.get(reverse(view, args=args)).content.decode()

    assert library.taper.title in html
    assert "Nurse practitioner, remote community" in html
    assert presenter.full_name not in html
    assert presenter.email not in html
    assert presenter.organization not in html


@pytest.mark.parametrize("role", ["expert", "coordinator"])
@pytest.mark.parametrize("view", ["cases:library", "cases:library_case"])
def test_library_hub_sees_the_presenter_name(client, request, library, program, presenter, role, view):
    client.force_login(request.getfixturevalue(role))
    args = [program.slug] if view == "cases:library" else [program.slug, library.taper.pk]

    html = client.get(reverse(view, args=args)).content.decode()

    assert presenter.full_name in html
    assert presenter.email not in html


def test_library_case_shows_recommendations_by_heading_and_follow_up_dose(
    client, participant, library, program
):
    follow_up = FollowUpFactory(case=library.taper, what_changed="Switched to buprenorphine.")
    MedicationFactory(case=library.taper, follow_up=follow_up, drug="oxycodone", daily_dose=Decimal("60"))
    client.force_login(participant)

    html = client.get(reverse("cases:library_case", args=[program.slug, library.taper.pk])).content.decode()

    assert '<h3 class="h6 mb-1">Opioid management</h3>' in html
    assert "Offer a buprenorphine rotation." in html
    assert "Switched to buprenorphine." in html
    assert "<strong>Opioid dose:</strong> 180 → 90 MME/day" in html
    assert library.taper.return_comment == ""


@pytest.mark.parametrize("which", ["hidden", "foreign"])
def test_library_case_of_a_hidden_or_foreign_case_returns_404(client, coordinator, library, program, which):
    client.force_login(coordinator)
    cases = library.hidden if which == "hidden" else [library.foreign]

    statuses = [
        client.get(reverse("cases:library_case", args=[program.slug, c.pk])).status_code for c in cases
    ]

    assert statuses == [404] * len(cases)


ROLES = ("anonymous", "outsider", "pending_user", "participant", "expert", "coordinator", "other_coordinator")


@pytest.mark.parametrize("view", ["cases:library", "cases:library_case"])
@pytest.mark.parametrize(
    ("role", "expected"), list(zip(ROLES, (302, 404, 404, 200, 200, 200, 404), strict=True))
)
def test_library_views_permission_matrix(client, request, library, program, view, role, expected):
    args = [program.slug] if view == "cases:library" else [program.slug, library.taper.pk]
    url = reverse(view, args=args)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get(url)

    assert response.status_code == expected
    body = response.content.decode()
    if expected == 302:
        assert response["Location"] == f"{reverse('account_login')}?next={quote(url)}"
    elif expected == 404:
        assert library.taper.title not in body
    else:
        assert library.taper.title in body


@pytest.mark.parametrize("view", ["cases:library", "cases:library_case", "cases:library_index"])
def test_library_views_post_returns_405(client, participant, library, program, view):
    args = {"cases:library": [program.slug], "cases:library_case": [program.slug, library.taper.pk]}
    client.force_login(participant)

    response = client.post(reverse(view, args=args.get(view, [])))

    assert response.status_code == 405


def test_library_index_redirects_a_member_of_one_program(client, participant, program):
    client.force_login(participant)

    response = client.get(reverse("cases:library_index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:library", args=[program.slug])


def test_library_index_lists_programs_of_a_member_of_several(client, participant, program):
    second = ProgramFactory(name="Addiction Medicine ECHO")
    EnrollmentFactory(user=participant, program=second)
    client.force_login(participant)

    html = client.get(reverse("cases:library_index")).content.decode()

    assert reverse("cases:library", args=[program.slug]) in html
    assert reverse("cases:library", args=[second.slug]) in html


def test_library_index_for_someone_in_no_program_says_how_to_join(client, outsider):
    client.force_login(outsider)

    html = client.get(reverse("cases:library_index")).content.decode()

    assert "No library to show yet" in html


def _add_library_case(program, presenter, expert, coordinator) -> None:
    case = _presented(program, presenter, days_ago=3, title="Counted library case")
    MedicationFactory(case=case)
    RecommendationFactory(case=case, author=expert)
    publish_to_library(case, by=coordinator)
    tag, _ = CaseTag.objects.get_or_create(program=program, name=f"tag {case.pk}")
    tag.cases.add(case)


@pytest.mark.parametrize("query", ["", "?q=oxycodone&heading=opioid&mme_band=90-plus&age_band=50-59"])
def test_library_page_query_count_is_constant(
    client, participant, presenter, expert, coordinator, program, query
):
    client.force_login(participant)
    url = reverse("cases:library", args=[program.slug]) + query
    _add_library_case(program, presenter, expert, coordinator)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx1:
        first = client.get(url).content.decode()
    _add_library_case(program, presenter, expert, coordinator)
    _add_library_case(program, presenter, expert, coordinator)

    with CaptureQueriesContext(connection) as ctx3:
        third = client.get(url).content.decode()

    assert (first.count("Counted library case"), third.count("Counted library case")) == (1, 3)
    sql = "\n".join(q["sql"] for q in [*ctx1.captured_queries, "----", *ctx3.captured_queries] if q != "----")
    # One of them reads the program's case form, for the headings to filter by.
    assert len(ctx1) == len(ctx3) == 10, sql


def test_library_case_query_count_does_not_grow_with_follow_ups(
    client, participant, coordinator, library, program
):
    client.force_login(participant)
    url = reverse("cases:library_case", args=[program.slug, library.taper.pk])
    FollowUpFactory(case=library.taper)
    client.get(url)  # the first request after signing in starts the session clocks
    with CaptureQueriesContext(connection) as ctx1:
        client.get(url)
    FollowUpFactory.create_batch(2, case=library.taper)
    RecommendationFactory(case=library.taper, author=UserFactory(), heading=RecommendationHeading.REFERRALS)
    publish_to_library(library.taper, by=coordinator)

    with CaptureQueriesContext(connection) as ctx3:
        client.get(url)

    # 10 reads and the audit trail's INSERT of the case_viewed event.
    assert len(ctx1) == len(ctx3) == 10, "\n".join(q["sql"] for q in ctx3.captured_queries)


# Tags


def test_set_case_tags_creates_new_names_and_reuses_existing_ones_case_insensitively(library):
    tags = set_case_tags(
        case=library.sleep, tags=[], new_names=["Tapering", " sleep  hygiene ", "Sleep Hygiene"]
    )

    assert [t.name for t in tags] == ["sleep hygiene", "tapering"]
    assert tags[1].pk == library.tag.pk
    assert sorted(library.sleep.tags.values_list("name", flat=True)) == ["sleep hygiene", "tapering"]
    assert CaseTag.objects.filter(program=library.sleep.program).count() == 2


def test_set_case_tags_twice_changes_nothing_the_second_time(library):
    set_case_tags(case=library.knee, tags=[library.tag], new_names=["knee"])
    set_case_tags(case=library.knee, tags=list(library.knee.tags.all()), new_names=["knee"])

    assert sorted(library.knee.tags.values_list("name", flat=True)) == ["knee", "tapering"]
    assert CaseTag.objects.count() == 2


def test_case_tags_post_by_coordinator_saves_and_returns_to_the_library(
    client, coordinator, library, program
):
    client.force_login(coordinator)

    response = client.post(
        reverse("cases:tags", args=[library.sleep.pk]),
        {"tags": [library.tag.pk], "new_tags": "sleep, fibromyalgia"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:library_case", args=[program.slug, library.sleep.pk])
    assert sorted(library.sleep.tags.values_list("name", flat=True)) == ["fibromyalgia", "sleep", "tapering"]


def test_case_tags_post_removes_unticked_tags(client, coordinator, library):
    client.force_login(coordinator)

    client.post(reverse("cases:tags", args=[library.taper.pk]), {"new_tags": ""})

    assert list(library.taper.tags.all()) == []
    assert CaseTag.objects.filter(pk=library.tag.pk).exists()


def test_case_tags_refuses_an_identifying_name_and_keeps_the_input(client, coordinator, library):
    client.force_login(coordinator)

    response = client.post(reverse("cases:tags", args=[library.sleep.pk]), {"new_tags": "call 555-123-4567"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="call 555-123-4567"' in html
    assert "Please fix this problem" in html
    assert list(library.sleep.tags.all()) == []


def test_case_tags_refuses_a_tag_of_another_program(client, coordinator, library, other_program):
    foreign_tag = CaseTag.objects.create(program=other_program, name="elsewhere")
    client.force_login(coordinator)

    response = client.post(reverse("cases:tags", args=[library.sleep.pk]), {"tags": [foreign_tag.pk]})

    assert response.status_code == 200
    assert list(library.sleep.tags.all()) == []


@pytest.mark.parametrize(
    ("role", "expected"), list(zip(ROLES, (302, 404, 404, 403, 403, 200, 404), strict=True))
)
def test_case_tags_permission_matrix(client, request, library, role, expected):
    url = reverse("cases:tags", args=[library.sleep.pk])
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    before = snapshot()

    get = client.get(url)
    post = client.post(url, {"new_tags": "sneaky"})

    assert get.status_code == expected
    assert post.status_code == (302 if expected == 200 else expected)
    assert list(CaseTag.objects.filter(name="sneaky").values_list("name", flat=True)) == (
        ["sneaky"] if expected == 200 else []
    )
    assert (changes_since(before) == {}) is (expected != 200)


def test_case_tags_put_returns_405(client, coordinator, library):
    client.force_login(coordinator)

    response = client.put(reverse("cases:tags", args=[library.sleep.pk]))

    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"


def test_case_detail_links_coordinators_to_library_tags(client, coordinator, participant, library):
    url = reverse("cases:detail", args=[library.sleep.pk])
    tags_url = reverse("cases:tags", args=[library.sleep.pk])

    client.force_login(coordinator)
    as_coordinator = client.get(url).content.decode()
    client.force_login(participant)
    as_participant = client.get(url).content.decode()

    assert tags_url in as_coordinator
    assert tags_url not in as_participant


def test_library_pages_markup_has_one_h1_and_nothing_inline(client, coordinator, library, program):
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    style_attr = re.compile(r"\sstyle\s*=", re.IGNORECASE)
    client.force_login(coordinator)
    urls = [
        reverse("cases:library", args=[program.slug]),
        reverse("cases:library_case", args=[program.slug, library.taper.pk]),
        reverse("cases:tags", args=[library.taper.pk]),
    ]

    pages = [client.get(url).content.decode() for url in urls]

    assert [len(re.findall(r"<h1[\s>]", html)) for html in pages] == [1, 1, 1]
    assert [inline_script.findall(html) + style_attr.findall(html) for html in pages] == [[], [], []]
