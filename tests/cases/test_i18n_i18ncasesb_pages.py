"""The case library speaks Canadian French to a French speaker: its index, search (results, an
empty search, an empty library), a case, the coordinator's screening and tagging pages, the
library box on a case and the identifier guard's findings. Each page is rendered for the person
who sees it, once with an English profile and once with a French one: the French page holds no
English phrase of the catalogue, and no text of two words or more reads the same in both (a
string nobody marked). What people typed (titles, recommendations, tags) stays as typed."""

from dataclasses import dataclass
from itertools import pairwise

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cases.library import recommendations_version
from cases.models import Case, CaseTag, LibraryScreening, RecommendationHeading
from echo_hub.deid import explain, find_identifiers
from echo_hub.deid.forms import highlight
from tests.factories import (
    CaseFactory,
    CaseSlotFactory,
    FollowUpFactory,
    PastSessionFactory,
    RecommendationFactory,
    UserFactory,
)
from tests.i18n import HTML_FR, assert_french_page, english_left, same_in_both

pytestmark = pytest.mark.django_db

IDENTIFYING = "Call Dr. Smith at 416-555-0134 about the taper."


@dataclass
class World:
    program: object
    published: Case
    awaiting: Case
    draft: Case
    coordinator: object
    participant: object
    presenter: object
    outsider: object
    data: tuple[str, ...]


def _presented(program, presenter, title, text, **fields) -> Case:
    case = CaseFactory(
        program=program,
        presenter=presenter,
        status=Case.Status.PRESENTED,
        title=title,
        main_concern="Low back pain for years; function is poor.",
        library_shared=True,
        **fields,
    )
    CaseSlotFactory(case=case, session=PastSessionFactory(program=program, didactic_topic="Opioid tapering"))
    RecommendationFactory(case=case, heading=RecommendationHeading.OPIOID, text=text)
    return case


@pytest.fixture
def world(program, coordinator, participant, presenter, other_program):
    presenter.profession = "family_physician"
    presenter.community_type = "rural"
    presenter.save()
    published = _presented(
        program, presenter, "Tapering oxycodone after a work injury", "Offer a buprenorphine rotation."
    )
    FollowUpFactory(
        case=published, what_changed="Walking further.", pain_change="8 → 6", function_change="Back at work"
    )
    Case.objects.filter(pk=published.pk).update(
        library_screening=LibraryScreening.PUBLISHED,
        library_screened_at=timezone.now(),
        library_screened_by=coordinator,
    )
    published.refresh_from_db()
    tag = CaseTag.objects.create(program=program, name="tapering")
    tag.cases.add(published)
    awaiting = _presented(program, presenter, "Fibromyalgia with poor sleep", IDENTIFYING)
    draft = CaseFactory(program=program, presenter=presenter, title="Neuropathic foot pain")
    outsider = UserFactory(full_name="Nobody Here")
    data = (
        program.name,
        published.title,
        awaiting.title,
        draft.title,
        "tapering",
        "Offer a buprenorphine rotation.",
        IDENTIFYING,
        "Low back pain for years; function is poor.",
        "Walking further.",
        "Back at work",
        "Opioid tapering",
        presenter.get_full_name(),
        coordinator.get_full_name(),
        participant.get_full_name(),
        "Dr. Smith",
        published.pain_location,
        published.pain_duration,
        published.question_1,
        "about the taper.",
    )
    return World(program, published, awaiting, draft, coordinator, participant, presenter, outsider, data)


def _as(client, user, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def get(name, *args, query=""):
    def request(client, w):
        return client.get(reverse(name, args=[a(w) if callable(a) else a for a in args]) + query)

    return request


def post(name, data, *args):
    def request(client, w):
        return client.post(
            reverse(name, args=[a(w) if callable(a) else a for a in args]), data(w), follow=True
        )

    return request


def slug(w):
    return w.program.slug


def published(w):
    return w.published.pk


def awaiting(w):
    return w.awaiting.pk


PAGES = {
    "library index, no program": ("outsider", get("cases:library_index")),
    "library search, results": ("participant", get("cases:library", slug)),
    "library search, found": ("participant", get("cases:library", slug, query="?mme_band=50-89")),
    "library search, nothing found": ("participant", get("cases:library", slug, query="?q=zzzzqqq")),
    "library search, bad filter": ("participant", get("cases:library", slug, query="?mme_band=nonsense")),
    "library case, participant": ("participant", get("cases:library_case", slug, published)),
    "library case, coordinator": ("coordinator", get("cases:library_case", slug, published)),
    "screening, findings": ("coordinator", get("cases:library_screen", awaiting)),
    "screening, published": ("coordinator", get("cases:library_screen", published)),
    "tags": ("coordinator", get("cases:tags", awaiting)),
    "tags, too long": ("coordinator", post("cases:tags", lambda w: {"new_tags": "x" * 50}, awaiting)),
    "tags, identifying": ("coordinator", post("cases:tags", lambda w: {"new_tags": "Dr. Smith"}, awaiting)),
    "screening, no decision": ("coordinator", post("cases:library_screen", lambda w: {}, awaiting)),
}


@pytest.mark.parametrize("page", PAGES)
def test_library_pages_are_french_for_a_french_speaker(client, world, page):
    role, request = PAGES[page]
    user = getattr(world, role)
    english = request(_as(client, user, "en-ca"), world)
    assert english.status_code == 200
    english_body = english.content.decode()
    assert HTML_FR not in english_body
    french = request(_as(client, user, "fr-ca"), world)
    assert french.status_code == 200
    french_body = french.content.decode()
    assert HTML_FR in french_body
    assert english_left(french_body) == []
    assert same_in_both(english_body, french_body, world.data) == []


def test_the_library_index_lists_programs_in_french(client, world, other_program):
    from tests.factories import EnrollmentFactory

    EnrollmentFactory(user=world.participant, program=other_program)
    english = _as(client, world.participant, "en-ca").get(reverse("cases:library_index")).content.decode()
    french = _as(client, world.participant, "fr-ca").get(reverse("cases:library_index")).content.decode()
    assert "Bibliothèque de cas" in french
    assert_french_page(french, english, data=(*world.data, other_program.name))


def test_an_empty_library_is_explained_in_french(client, other_program, other_coordinator):
    english = _as(client, other_coordinator, "en-ca").get(reverse("cases:library", args=[other_program.slug]))
    french = _as(client, other_coordinator, "fr-ca").get(reverse("cases:library", args=[other_program.slug]))
    body = french.content.decode()
    assert "La bibliothèque est vide pour l'instant" in body
    assert_french_page(body, english.content.decode(), data=(other_program.name,))


def test_the_french_messages_of_the_library(client, world):
    version = recommendations_version(world.published)
    response = _as(client, world.coordinator, "fr-ca").post(
        reverse("cases:library_screen", args=[world.published.pk]),
        {"decision": "publish", "version": version},
        follow=True,
    )
    assert "« Tapering oxycodone after a work injury » est publié dans la bibliothèque de cas." in (
        response.content.decode()
    )
    response = _as(client, world.presenter, "fr-ca").post(
        reverse("cases:library_sharing", args=[world.draft.pk]), {"shared": "yes"}, follow=True
    )
    assert "Merci : une fois présenté" in response.content.decode()
    response = _as(client, world.coordinator, "fr-ca").post(
        reverse("cases:tags", args=[world.awaiting.pk]), {"new_tags": "sleep"}, follow=True
    )
    assert "Étiquettes de la bibliothèque enregistrées : sleep." in response.content.decode()
    response = _as(client, world.coordinator, "fr-ca").post(
        reverse("cases:library_screen", args=[world.awaiting.pk]),
        {"decision": "keep_out", "version": recommendations_version(world.awaiting)},
        follow=True,
    )
    assert (
        "« Fibromyalgia with poor sleep » est gardé hors de la bibliothèque de cas."
        in response.content.decode()
    )


@pytest.mark.parametrize(
    ("role", "case"),
    [
        ("presenter", "draft"),
        ("presenter", "published"),
        ("coordinator", "published"),
        ("coordinator", "awaiting"),
        ("coordinator", "draft"),
        ("participant", "awaiting"),
    ],
)
def test_the_library_box_on_a_case_is_french(world, role, case):
    """The box is part of the case page (another slice); it is checked on its own here."""
    the_case = getattr(world, case)
    if case == "draft" and role == "presenter":
        the_case.library_shared = True
    context = {
        "case": the_case,
        "is_presenter": role == "presenter",
        "is_coordinator": role == "coordinator",
    }
    with translation.override("en-ca"):
        english = render_to_string("cases/case_detail_library.html", context)
    with translation.override("fr-ca"):
        french = render_to_string("cases/case_detail_library.html", context)
    assert english_left(french) == []
    assert same_in_both(english, french) == []


def _findings(text: str, vouchable: bool) -> list[dict]:
    found = find_identifiers(text)
    from echo_hub.deid import FIX_ADVICE, KIND_LABELS

    return [
        {
            "field": {"id_for_label": "id_main_concern", "label": "Notes"},
            "highlighted": highlight(text, found),
            "items": [(f.text, KIND_LABELS[f.kind], FIX_ADVICE[f.kind]) for f in found],
            "vouchable": vouchable,
            "box": "not_identifier_main_concern",
            "reason_box": "not_identifier_reason_main_concern",
            "ticked": vouchable,
            "reason": "",
            "problem": "",
        }
    ]


@pytest.mark.parametrize("vouchable", [True, False])
def test_the_identifier_findings_are_french(vouchable):
    text = "Mr. John Smith, 416-555-0134, 12 Main Street, health card 1234-567-890-AB."
    with translation.override("en-ca"):
        english = render_to_string(
            "partials/identifier_findings.html", {"findings": _findings(text, vouchable)}
        )
    with translation.override("fr-ca"):
        french = render_to_string(
            "partials/identifier_findings.html", {"findings": _findings(text, vouchable)}
        )
    assert "Rien n'a été enregistré" in french
    assert "Numéro de téléphone ou de télécopieur" in french
    assert english_left(french) == []
    found = find_identifiers(text)
    # What the person typed, cut by the highlighted findings, stays as typed.
    typed = [text[a.end : b.start] for a, b in pairwise(found)]
    typed += [text[: found[0].start], text[found[-1].end :], *(f.text for f in found)]
    assert same_in_both(english, french, data=(text, "Notes", *typed)) == []


def test_the_guard_explains_in_the_active_language_and_finds_the_same_things():
    text = "Mme Tremblay, née le 14 mars 1962, carte santé 1234-567-890."
    with translation.override("en-ca"):
        english = [explain(f) for f in find_identifiers(text)]
    with translation.override("fr-ca"):
        found = find_identifiers(text)
        french = [explain(f) for f in found]
    assert len(english) == len(french) > 0
    assert all("« " in line and " » : " in line for line in french)
    assert english != french
