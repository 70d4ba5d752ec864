"""Every case page speaks Canadian French to a French speaker: my cases, the case form (empty,
and posted with errors and an identifier finding), a case as its presenter, a hub expert and the
coordinator in each status, the recommendations, return, withdraw, follow-up and letter pages,
"present a case", the queue, the review list, a session's agenda and the case form editor. Each
page is rendered for the person who sees it with an English profile and with a French one: the
French page holds no English phrase of the catalogue and no text of two words or more reads the
same in both (a string nobody marked). What people typed (titles, names, notes) stays as typed.
The library pages are tested in test_i18n_i18ncasesb_pages.py."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, RecommendationHeading
from cases.services import current_form_version
from tests.factories import (
    CaseEventFactory,
    CaseFactory,
    CaseSlotFactory,
    EnrollmentFactory,
    FollowUpFactory,
    MedicationFactory,
    PastSessionFactory,
    RecommendationFactory,
    RecommendationLetterFactory,
)
from tests.i18n import HTML_FR, assert_french_page, english_left, same_in_both

pytestmark = pytest.mark.django_db

RETURN_COMMENT = "Please remove the name of the town."
RECOMMENDATION = "Taper oxycodone by 10% every 2–4 weeks. Offer a naloxone kit now."
FOLLOW_UP = "Switched to buprenorphine six weeks later; walking further."


@dataclass
class World:
    program: object
    session: object
    cases: dict
    coordinator: object
    expert: object
    presenter: object
    data: tuple[str, ...]


@pytest.fixture
def world(program, other_program, coordinator, expert, presenter, session):
    cases = {}
    for status in (Case.Status.DRAFT, Case.Status.SUBMITTED, Case.Status.RETURNED, Case.Status.WITHDRAWN):
        cases[status] = CaseFactory(
            program=program, presenter=presenter, status=status, title=f"Neck pain, {status} case"
        )
    Case.objects.filter(pk=cases[Case.Status.RETURNED].pk).update(return_comment=RETURN_COMMENT)
    CaseEventFactory(case=cases[Case.Status.SUBMITTED])
    scheduled = CaseSlotFactory(
        session=session,
        case=CaseFactory(
            program=program, presenter=presenter, status=Case.Status.SCHEDULED, title="Scheduled back pain"
        ),
    ).case
    MedicationFactory(case=scheduled)
    MedicationFactory(case=scheduled, drug="hydromorphone", daily_dose=30, schedule="15 mg BID")
    cases[Case.Status.SCHEDULED] = scheduled
    held = PastSessionFactory(program=program, title="Past session", didactic_topic="Opioid tapering")
    presented = CaseSlotFactory(
        session=held,
        case=CaseFactory(
            program=program, presenter=presenter, status=Case.Status.PRESENTED, title="Presented hip pain"
        ),
    ).case
    RecommendationFactory(case=presented, author=expert, text=RECOMMENDATION)
    RecommendationFactory(
        case=presented, author=expert, heading=RecommendationHeading.NON_PHARM, text=RECOMMENDATION
    )
    cases[Case.Status.PRESENTED] = presented
    sent = CaseSlotFactory(
        session=PastSessionFactory(program=program, title="Older session"),
        case=CaseFactory(
            program=program, presenter=presenter, status=Case.Status.LETTER_SENT, title="Sent knee pain"
        ),
    ).case
    RecommendationFactory(case=sent, author=expert, text=RECOMMENDATION)
    RecommendationLetterFactory(case=sent)
    FollowUpFactory(case=sent, what_changed=FOLLOW_UP, pain_change="8 → 6")
    cases[Case.Status.LETTER_SENT] = sent
    EnrollmentFactory(user=presenter, program=other_program)
    first = cases[Case.Status.DRAFT]
    data = (
        program.name,
        other_program.name,
        session.title,
        held.title,
        "Older session",
        "Opioid tapering",
        *(case.title for case in cases.values()),
        RETURN_COMMENT,
        RECOMMENDATION,
        FOLLOW_UP,
        "8 → 6",
        first.main_concern,
        first.pain_location,
        first.pain_duration,
        first.question_1,
        "60 mg CR q12h",
        "15 mg BID",
        presenter.get_full_name(),
        coordinator.get_full_name(),
        expert.get_full_name(),
        "Call Dr. Smith at 416-555-0134",
        "Dr. Smith",
    )
    return World(program, session, cases, coordinator, expert, presenter, data)


def _as(client, user, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def _args(w, args):
    return [a(w) if callable(a) else a for a in args]


def get(name, *args, query=""):
    return lambda client, w: client.get(reverse(name, args=_args(w, args)) + query)


def post(name, data, *args):
    return lambda client, w: client.post(reverse(name, args=_args(w, args)), data(w))


def case(status):
    return lambda w: w.cases[status].pk


def slug(w):
    return w.program.slug


def session(w):
    return w.session.pk


BAD_CASE = {
    "title": "",
    "main_concern": "Call Dr. Smith at 416-555-0134",
    "pain_intensity": "14",
    "submit": "1",
    "medications-TOTAL_FORMS": "1",
    "medications-INITIAL_FORMS": "0",
    "medications-0-drug": "oxycodone",
    "medications-0-daily_dose": "-3",
}

S = Case.Status
PAGES = {
    "my cases": ("presenter", get("cases:mine")),
    "new case form": ("presenter", get("cases:create", slug)),
    "new case form, errors": ("presenter", post("cases:create", lambda w: BAD_CASE, slug)),
    "edit a draft": ("presenter", get("cases:edit", case(S.DRAFT))),
    "present, choose": ("presenter", get("cases:present")),
    "draft, presenter": ("presenter", get("cases:detail", case(S.DRAFT))),
    "submitted, presenter": ("presenter", get("cases:detail", case(S.SUBMITTED))),
    "submitted, coordinator": ("coordinator", get("cases:detail", case(S.SUBMITTED))),
    "scheduled, presenter": ("presenter", get("cases:detail", case(S.SCHEDULED))),
    "scheduled, expert": ("expert", get("cases:detail", case(S.SCHEDULED))),
    "scheduled, coordinator": ("coordinator", get("cases:detail", case(S.SCHEDULED))),
    "presented, presenter": ("presenter", get("cases:detail", case(S.PRESENTED))),
    "presented, expert": ("expert", get("cases:detail", case(S.PRESENTED))),
    "presented, coordinator": ("coordinator", get("cases:detail", case(S.PRESENTED))),
    "letter sent, presenter": ("presenter", get("cases:detail", case(S.LETTER_SENT))),
    "letter sent, coordinator": ("coordinator", get("cases:detail", case(S.LETTER_SENT))),
    "returned, presenter": ("presenter", get("cases:detail", case(S.RETURNED))),
    "returned, coordinator": ("coordinator", get("cases:detail", case(S.RETURNED))),
    "withdrawn, presenter": ("presenter", get("cases:detail", case(S.WITHDRAWN))),
    "withdrawn, coordinator": ("coordinator", get("cases:detail", case(S.WITHDRAWN))),
    "recommendations": ("expert", get("cases:recommendations", case(S.SCHEDULED))),
    "recommendations, others'": ("expert", get("cases:recommendations", case(S.PRESENTED))),
    "recommendations, identifying": (
        "expert",
        post(
            "cases:recommendations", lambda w: {"opioid": "Call Dr. Smith at 416-555-0134"}, case(S.SCHEDULED)
        ),
    ),
    "return": ("coordinator", get("cases:return", case(S.SUBMITTED))),
    "return, no comment": ("coordinator", post("cases:return", lambda w: {}, case(S.SUBMITTED))),
    "withdraw": ("presenter", get("cases:withdraw", case(S.SCHEDULED))),
    "follow-up": ("presenter", get("cases:follow_up", case(S.LETTER_SENT))),
    "follow-up, errors": (
        "presenter",
        post(
            "cases:follow_up",
            lambda w: {"medications-TOTAL_FORMS": "0", "medications-INITIAL_FORMS": "0"},
            case(S.LETTER_SENT),
        ),
    ),
    "letter finalize": ("coordinator", get("cases:finalize", case(S.PRESENTED))),
    "letter finalize, unconfirmed": (
        "coordinator",
        post("cases:finalize", lambda w: {"action": "send", "opioid": RECOMMENDATION}, case(S.PRESENTED)),
    ),
    "queue": ("coordinator", get("cases:queue", slug)),
    "queue, filtered": ("coordinator", get("cases:queue", slug, query="?status=submitted")),
    "queue, filtered to nothing": (
        "coordinator",
        get("cases:queue", slug, query="?status=withdrawn&session=1"),
    ),
    "review list": ("expert", get("cases:review")),
    "session agenda, expert": ("expert", get("cases:session_agenda", slug, session)),
    "session agenda, presenter": ("presenter", get("cases:session_agenda", slug, session)),
}


@pytest.mark.parametrize("page", PAGES)
def test_case_pages_are_french_for_a_french_speaker(client, world, page):
    role, request = PAGES[page]
    user = getattr(world, role)
    english = request(_as(client, user, "en-ca"), world)
    assert english.status_code == 200, english
    english_body = english.content.decode()
    assert HTML_FR not in english_body
    french = request(_as(client, user, "fr-ca"), world)
    assert french.status_code == 200
    french_body = french.content.decode()
    # Named first for a readable failure; assert_french_page checks the same and the lang.
    assert (english_left(french_body), same_in_both(english_body, french_body, world.data)) == ([], [])
    assert_french_page(french_body, english_body, data=world.data)


def _stored_texts(value) -> set[str]:
    if isinstance(value, str):
        return {" ".join(value.split())}
    if isinstance(value, dict):
        return set().union(*map(_stored_texts, value.values()), set())
    if isinstance(value, list | tuple):
        return set().union(*map(_stored_texts, value), set())
    return set()


def test_the_case_form_editor_is_french_around_the_form_it_edits(client, world):
    """The editor's inputs hold the form as stored (the built-in template's English labels,
    help and choices, which the case pages translate on display): they are what the
    coordinator edits, and saving them in French would change the form for every presenter.
    Everything around them is French."""
    url = reverse("cases:form_editor", args=[world.program.slug])
    english = _as(client, world.coordinator, "en-ca").get(url).content.decode()
    french = _as(client, world.coordinator, "fr-ca").get(url).content.decode()
    assert "Champ 1" in french
    version = current_form_version(world.program)
    stored = _stored_texts(version.full_definition) | _stored_texts(version.headings)
    assert HTML_FR in french
    assert [phrase for phrase in english_left(french) if not any(phrase in text for text in stored)] == []
    stored_lines = tuple(sorted(stored, key=len, reverse=True))
    assert same_in_both(english, french, data=(*world.data, *stored_lines)) == []


@pytest.mark.parametrize("role", ["expert", "presenter"])
def test_empty_case_lists_are_french(client, program, other_program, role, request):
    user = request.getfixturevalue(role)
    name = "cases:review" if role == "expert" else "cases:mine"
    english = _as(client, user, "en-ca").get(reverse(name)).content.decode()
    french = _as(client, user, "fr-ca").get(reverse(name)).content.decode()
    assert_french_page(french, english, data=(program.name,))


def test_the_session_reminder_numbers_the_cases_in_each_recipients_language(
    program, presenter, participant, expert, django_capture_on_commit_callbacks
):
    """The beat task counts the agenda once for everyone; each reminder words it in its
    recipient's language."""
    from django.core import mail

    from echo_hub.site.tasks import sweep_due_messages_task
    from tests.factories import SessionFactory

    participant.language = "fr-ca"
    participant.save(update_fields=["language"])
    expert.language = "en-ca"
    expert.save(update_fields=["language"])
    session = SessionFactory(
        program=program, title="Session 4", starts_at=timezone.now() + timedelta(hours=23)
    )
    case = CaseSlotFactory(
        session=session, case=CaseFactory(program=program, presenter=presenter, status=Case.Status.SCHEDULED)
    ).case
    with django_capture_on_commit_callbacks(execute=True):
        sweep_due_messages_task()
    reminders = {m.to[0]: m for m in mail.outbox if str(session.title) in m.subject}
    french, english = reminders[participant.email], reminders[expert.email]
    assert f"  1. Cas no {case.pk}\n" in french.body
    assert f"<li>Cas no {case.pk}</li>" in french.alternatives[0][0]
    assert "Case #" not in french.body
    assert f"  1. Case #{case.pk}\n" in english.body
    assert f"<li>Case #{case.pk}</li>" in english.alternatives[0][0]


def test_a_case_presented_again_is_titled_in_its_presenters_language(world):
    """The service writes the new case's title and concern for the presenter: in their language,
    whoever's request it runs in."""
    from django.utils import translation

    from cases import services

    world.presenter.language = "fr-ca"
    world.presenter.save(update_fields=["language"])
    case = world.cases[Case.Status.LETTER_SENT]
    with translation.override("en-ca"):
        services.add_follow_up(
            case=case,
            author=world.presenter,
            fields={"what_changed": "Walking further."},
            medications=[],
            present_again=True,
        )
    again = Case.objects.get(follow_up_of=case)
    assert again.title == f"Suivi : {case.title}"
    assert again.main_concern == f"Walking further.\n\nMotif initial : {case.main_concern}"


def test_the_text_a_presenter_vouched_for_is_labelled_in_french(client, program, presenter, coordinator):
    """The coordinator's check of vouched text names the field in their language, a field of
    the pain form with a column of its own too (it read "pain location", the model field's name)."""
    from cases import services

    from .conftest import CASE_FIELDS, OXYCODONE
    from .test_identifier_overrides import REASON, _vouch

    text = "Low back, worse since the Stanford course"
    case = services.save_case_draft(
        presenter=presenter,
        program=program,
        fields=CASE_FIELDS | {"pain_location": text},
        medications=[OXYCODONE],
        vouches={"pain_location": _vouch(text)},
    )
    services.submit_case(case=case, by=presenter)
    english = _as(client, coordinator, "en-ca").get(case.get_absolute_url()).content.decode()
    french = _as(client, coordinator, "fr-ca").get(case.get_absolute_url()).content.decode()
    assert '<p class="small fw-semibold mb-1">Pain location <span' in english
    assert '<p class="small fw-semibold mb-1">Siège de la douleur <span' in french
    # Answers of one word ("man", "yes") would be cut out of other words.
    typed = tuple(v for v in CASE_FIELDS.values() if isinstance(v, str) and " " in v)
    names = (presenter.get_full_name(), coordinator.get_full_name(), program.name, "60 mg CR q12h")
    # The text is cut by the highlighted finding ("Stanford").
    data = (*typed, text, REASON, *names, "Low back, worse since the", "course")
    assert (english_left(french), same_in_both(english, french, data)) == ([], [])
    assert_french_page(french, english, data=data)
