import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from cpd import selectors, services, survey_selectors
from cpd.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from echo_hub.notifications.models import Notification
from tests.factories import CycleFactory, EnrollmentFactory, UserFactory
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db

IDENTIFYING = "Thanks. Mrs. Jane Doe, OHIP 1234-567-890, is doing better."
LIKERT, CHOICE = SurveyQuestion.Kind.LIKERT, SurveyQuestion.Kind.CHOICE
NUMBER, TEXT = SurveyQuestion.Kind.NUMBER, SurveyQuestion.Kind.TEXT


@pytest.fixture
def cycle(program):
    return CycleFactory(program=program, name="Fall 2026")


@pytest.fixture
def survey(cycle, coordinator):
    for kind, text, choices in [
        (LIKERT, "I am confident I can taper a patient's opioid dose safely.", []),
        (CHOICE, "Restrict opioids for chronic non-cancer pain to less than:", ["50 MME", "90 MME"]),
        (NUMBER, "Patients on long-term opioids seen last month", []),
        (TEXT, "What would you most like to learn?", []),
    ]:
        services.add_survey_question(cycle=cycle, by=coordinator, kind=kind, text=text, choices=choices)
    survey = Survey.objects.get(cycle=cycle)
    services.send_survey_phase(survey=survey, phase="pre")
    services.send_survey_phase(survey=survey, phase="post")
    survey.refresh_from_db()
    return survey


def _questions(survey) -> dict[str, SurveyQuestion]:
    return {q.kind: q for q in survey.questions.all()}


def _answer(survey, user, phase, likert, choice, number, text=""):
    q = _questions(survey)
    services.submit_survey_response(
        survey=survey,
        user=user,
        phase=phase,
        answers={q[LIKERT].pk: likert, q[CHOICE].pk: choice, q[NUMBER].pk: number, q[TEXT].pk: text},
    )


def _new_participant(program, name: str):
    return EnrollmentFactory(program=program, user=UserFactory(full_name=name)).user


@pytest.fixture
def answered(survey, program, participant):
    """Two participants answered before and after; a third only before."""
    second = _new_participant(program, "Bea Second")
    third = _new_participant(program, "Cal Third")
    _answer(survey, participant, "pre", 2, "50 MME", "10", "Tapering")
    _answer(survey, participant, "post", 4, "90 MME", "6", "Buprenorphine")
    _answer(survey, second, "pre", 3, "90 MME", "4")
    _answer(survey, second, "post", 5, "90 MME", "3")
    _answer(survey, third, "pre", 1, "50 MME", "20")
    return [participant, second, third]


def _answer_url(survey, phase="pre") -> str:
    return reverse("cpd:survey_answer", args=[survey.cycle.program.slug, survey.pk, phase])


def _post_data(survey, likert="4", choice="90 MME", number="12", text="") -> dict:
    q = _questions(survey)
    return {f"q_{q[LIKERT].pk}": likert, f"q_{q[CHOICE].pk}": choice, f"q_{q[NUMBER].pk}": number} | {
        f"q_{q[TEXT].pk}": text
    }


def test_survey_results_compare_only_participants_who_answered_both(survey, answered):
    results = survey_selectors.survey_results(survey)

    by_kind = {r.question.kind: r for r in results.questions}
    assert results.pairs == 2
    assert [r.pairs for r in results.questions] == [2, 2, 2, 1]
    assert (by_kind[LIKERT].pre_mean, by_kind[LIKERT].post_mean) == (Decimal("2.50"), Decimal("4.50"))
    assert by_kind[LIKERT].distribution == [("1", 0, 0), ("2", 1, 0), ("3", 1, 0), ("4", 0, 1), ("5", 0, 1)]
    assert (by_kind[NUMBER].pre_mean, by_kind[NUMBER].post_mean) == (Decimal("7.00"), Decimal("4.50"))
    assert by_kind[CHOICE].distribution == [("50 MME", 1, 0), ("90 MME", 1, 2)]
    assert (by_kind[CHOICE].pre_mean, by_kind[TEXT].distribution) == (None, [])


def test_survey_results_page_shows_aggregates_and_chart_without_names(client, coordinator, survey, answered):
    client.force_login(coordinator)

    response = client.get(reverse("cpd:survey_results", args=[survey.cycle.program.slug, survey.cycle.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "2 participants answered both before and after." in body
    assert '<dt class="col-sm-3">Mean before</dt><dd class="col-sm-9 num">2.50</dd>' in body
    assert '<dt class="col-sm-3">Mean after</dt><dd class="col-sm-9 num">4.50</dd>' in body
    assert escape('"labels": ["50 MME", "90 MME"]') in body
    assert escape('{"label": "After", "data": [0, 2]}') in body
    assert '<td>90 MME</td><td class="num">1</td><td class="num">2</td>' in body
    assert "<script>" not in body
    for user in answered:
        assert user.email not in body
        assert escape(user.full_name) not in body
    assert "Tapering" not in body


def test_survey_export_has_codes_and_paired_answers_but_no_emails_or_names(
    client, coordinator, survey, answered
):
    client.force_login(coordinator)
    url = reverse("cpd:survey_export", args=[survey.cycle.program.slug, survey.cycle.pk])

    first, second = client.get(url), client.get(url)

    text = first.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert first["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0] == [
        "participant_code",
        *[f"q{n}_{phase}" for n in range(1, 5) for phase in ("pre", "post")],
    ]
    assert sorted(r[1:] for r in rows[1:]) == [
        ["2.00", "4.00", "50 MME", "90 MME", "10.00", "6.00", "Tapering", "Buprenorphine"],
        ["3.00", "5.00", "90 MME", "90 MME", "4.00", "3.00", "", ""],
    ]
    codes = {r[0] for r in rows[1:]}
    assert len(codes) == 2
    assert codes.isdisjoint(r[0] for r in csv.reader(io.StringIO(second.content.decode("utf-8-sig"))))
    for user in answered:
        assert user.email not in text
        assert user.full_name not in text
        assert str(user.pk) not in {r[0] for r in rows}


def test_survey_answer_twice_edits_the_same_response(client, survey, participant):
    client.force_login(participant)

    client.post(_answer_url(survey), _post_data(survey, likert="2", number="5", text="Tapering"))
    response = client.post(_answer_url(survey), _post_data(survey, likert="5", number="8"))

    q = _questions(survey)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert SurveyResponse.objects.filter(survey=survey, user=participant).count() == 1
    answers = {
        a.question_id: (a.value_number, a.value_text)
        for a in SurveyAnswer.objects.filter(response__user=participant)
    }
    assert answers == {
        q[LIKERT].pk: (Decimal("5.00"), ""),
        q[CHOICE].pk: (None, "90 MME"),
        q[NUMBER].pk: (Decimal("8.00"), ""),
    }
    page = client.get(_answer_url(survey)).content.decode()
    assert f'name="q_{q[LIKERT].pk}" value="5"  id="id_q_{q[LIKERT].pk}_4" required checked>' in page
    assert "You answered already" in page


def test_survey_answer_with_identifier_highlights_it_and_stores_nothing(client, survey, participant):
    client.force_login(participant)

    response = client.post(_answer_url(survey), _post_data(survey, text=IDENTIFYING))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved: remove or generalise the highlighted text." in body
    assert '<mark title="Name of a person">Mrs. Jane Doe</mark>' in body
    assert SurveyResponse.objects.exists() is False
    assert SurveyAnswer.objects.exists() is False


def test_survey_answer_service_refuses_identifying_text(survey, participant):
    with pytest.raises(ValidationError) as exc:
        _answer(survey, participant, "pre", 3, "90 MME", "1", IDENTIFYING)

    assert list(exc.value.message_dict) == [f"q_{_questions(survey)[TEXT].pk}"]
    assert SurveyResponse.objects.exists() is False


def test_survey_answer_of_phase_not_sent_returns_404(client, cycle, coordinator, participant):
    services.start_survey_from_template(cycle=cycle, by=coordinator)
    survey = Survey.objects.get(cycle=cycle)
    client.force_login(participant)

    response = client.get(_answer_url(survey, "pre"))

    assert response.status_code == 404


def test_survey_send_queues_one_email_per_approved_participant_once(
    client, coordinator, cycle, participant, expert, pending_user, program, django_capture_on_commit_callbacks
):
    services.start_survey_from_template(cycle=cycle, by=coordinator)
    client.force_login(coordinator)
    url = reverse("cpd:survey_send", args=[program.slug, cycle.pk, "pre"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        client.post(url)

    survey = Survey.objects.get(cycle=cycle)
    rows = list(Notification.objects.values_list("email", "kind", "object_key"))
    assert rows == [(participant.email, "survey_pre", f"survey:{survey.pk}:pre")]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([participant.email], "Before Fall 2026 starts: a five-minute survey")
    ]
    assert _answer_url(survey) in mail.outbox[0].body
    assert survey.pre_opens_at is not None and survey.post_opens_at is None


def test_survey_template_fills_an_empty_survey_once(client, coordinator, cycle, program):
    client.force_login(coordinator)
    url = reverse("cpd:survey_use_template", args=[program.slug, cycle.pk])

    client.post(url)
    client.post(url)

    survey = Survey.objects.get(cycle=cycle)
    assert list(survey.questions.values_list("position", "kind")) == [
        (i, q["kind"]) for i, q in enumerate(services.SURVEY_TEMPLATE, start=1)
    ]
    assert "I am confident I can taper a patient's opioid dose safely." in [
        q["text"] for q in services.SURVEY_TEMPLATE
    ]
    assert (survey.title, survey.created_by) == ("Fall 2026 survey", coordinator)


def test_survey_build_adds_a_choice_question_and_refuses_one_choice(client, coordinator, cycle, program):
    client.force_login(coordinator)
    url = reverse("cpd:survey_build", args=[program.slug, cycle.pk])

    bad = client.post(url, {"kind": "choice", "text": "Naloxone for whom?", "choices": "Everyone"})
    good = client.post(
        url, {"kind": "choice", "text": "Naloxone for whom?", "choices": "Everyone\n\nNo one\n"}
    )

    assert bad.status_code == 200
    assert bad.context["form"].errors == {"choices": ["Write at least two choices, one per line."]}
    assert good["Location"] == url
    question = SurveyQuestion.objects.get()
    assert (question.position, question.kind, question.choices) == (1, "choice", ["Everyone", "No one"])


def test_survey_questions_are_fixed_once_sent(client, coordinator, survey, program):
    client.force_login(coordinator)

    response = client.post(
        reverse("cpd:survey_build", args=[program.slug, survey.cycle.pk]), {"kind": "text", "text": "More?"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The questions are fixed once the survey has been sent."
    ]
    assert survey.questions.count() == 4


@pytest.mark.parametrize(
    "name", ["cpd:survey_build", "cpd:survey_results", "cpd:survey_export", "cpd:survey_use_template"]
)
def test_survey_manage_views_of_other_programs_cycle_return_404(
    client, coordinator, program, other_program, name
):
    other_cycle = CycleFactory(program=other_program, name="Other cycle")
    Survey.objects.create(cycle=other_cycle, title="Other survey")
    client.force_login(coordinator)
    send = client.post if name == "cpd:survey_use_template" else client.get

    own_slug = send(reverse(name, args=[program.slug, other_cycle.pk]))
    other_slug = send(reverse(name, args=[other_program.slug, other_cycle.pk]))

    assert (own_slug.status_code, other_slug.status_code) == (404, 404)
    assert "Other survey" not in own_slug.content.decode()
    assert SurveyQuestion.objects.exists() is False


def test_survey_answer_of_other_programs_survey_returns_404(client, participant, program, other_program):
    other_cycle = CycleFactory(program=other_program)
    other = Survey.objects.create(cycle=other_cycle, title="Other survey", pre_opens_at="2026-01-01T00:00Z")
    client.force_login(participant)

    own_slug = client.get(reverse("cpd:survey_answer", args=[program.slug, other.pk, "pre"]))
    other_slug = client.get(reverse("cpd:survey_answer", args=[other_program.slug, other.pk, "pre"]))

    assert (own_slug.status_code, other_slug.status_code) == (404, 404)


def test_survey_results_query_count_is_constant(client, coordinator, survey, program):
    client.force_login(coordinator)
    url = reverse("cpd:survey_results", args=[program.slug, survey.cycle.pk])
    users = [_new_participant(program, f"Person {n}") for n in range(3)]
    for user in users[:1]:
        _answer(survey, user, "pre", 3, "50 MME", "2")
        _answer(survey, user, "post", 4, "90 MME", "1")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        first = client.get(url)
    for user in users[1:]:
        _answer(survey, user, "pre", 3, "50 MME", "2")
        _answer(survey, user, "post", 4, "90 MME", "1")

    with CaptureQueriesContext(connection) as three:
        second = client.get(url)

    assert "1 participant answered both" in first.content.decode()
    assert "3 participants answered both" in second.content.decode()
    sql = "\n\n----\n\n".join("\n".join(q["sql"] for q in c.captured_queries) for c in (one, three))
    assert (len(one), len(three)) == (9, 9), sql


def test_survey_answer_by_a_coordinator_is_refused(client, coordinator, survey, program):
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(_answer_url(survey), _post_data(survey))

    assert response.status_code == 403
    assert SurveyResponse.objects.exists() is False
    assert changes_since(before) == {}


def test_survey_answer_page_is_a_preview_for_a_coordinator(client, coordinator, survey):
    client.force_login(coordinator)

    body = client.get(_answer_url(survey)).content.decode()

    assert "This is a preview: only the program's participants answer the survey." in body
    assert "Save my answers" not in body


# The dashboard's to-do: the survey phase a participant has not answered yet.


@pytest.fixture
def unsent_survey(cycle, coordinator):
    services.add_survey_question(
        cycle=cycle, by=coordinator, kind=LIKERT, text="I feel confident managing chronic pain.", choices=[]
    )
    return Survey.objects.get(cycle=cycle)


def _due(user) -> list[tuple[int, str]]:
    return [(due.survey.pk, due.phase) for due in selectors.surveys_to_answer(user)]


def test_dashboard_lists_the_sent_phase_until_it_is_answered(client, unsent_survey, participant):
    survey = unsent_survey
    assert _due(participant) == []

    services.send_survey_phase(survey=survey, phase="pre")
    client.force_login(participant)
    page = client.get(reverse("home")).content.decode()

    url = reverse("cpd:survey_answer", args=[survey.cycle.program.slug, survey.pk, "pre"])
    assert "Surveys to answer" in page
    assert f'href="{url}"' in page
    assert "Before the cycle" in page

    question = survey.questions.get()
    services.submit_survey_response(survey=survey, user=participant, phase="pre", answers={question.pk: 4})
    assert _due(participant) == []
    assert "Surveys to answer" not in client.get(reverse("home")).content.decode()

    services.send_survey_phase(survey=survey, phase="post")
    assert _due(participant) == [(survey.pk, "post")]


def test_once_the_post_phase_is_sent_an_unanswered_pre_is_no_longer_asked(unsent_survey, participant):
    services.send_survey_phase(survey=unsent_survey, phase="pre")
    services.send_survey_phase(survey=unsent_survey, phase="post")

    assert _due(participant) == [(unsent_survey.pk, "post")]


def test_surveys_are_not_listed_for_experts_nor_other_programs_members(unsent_survey, expert, other_program):
    services.send_survey_phase(survey=unsent_survey, phase="pre")
    elsewhere = EnrollmentFactory(program=other_program).user

    assert _due(expert) == []
    assert _due(elsewhere) == []


def test_surveys_to_answer_is_one_query_for_any_number_of_surveys(program, coordinator, participant):
    def add_sent_survey(name):
        cycle = CycleFactory(program=program, name=name)
        services.add_survey_question(cycle=cycle, by=coordinator, kind=LIKERT, text="Confident?", choices=[])
        services.send_survey_phase(survey=Survey.objects.get(cycle=cycle), phase="pre")

    add_sent_survey("Winter")
    with CaptureQueriesContext(connection) as one:
        assert len(selectors.surveys_to_answer(participant)) == 1
    add_sent_survey("Spring")
    add_sent_survey("Summer")
    with CaptureQueriesContext(connection) as three:
        assert len(selectors.surveys_to_answer(participant)) == 3

    assert len(one) == len(three) == 1


@pytest.mark.parametrize(
    ("language", "coordinator_language", "title_start", "question_start"),
    [
        ("fr-ca", "en-ca", "Sondage", "Je "),
        ("en-ca", "fr-ca", "Cycle", "I am confident"),
        ("bilingual", "fr-ca", "Sondage", "Je "),
    ],
)
def test_survey_template_is_written_in_the_programs_language_whoever_starts_it(
    cycle, coordinator, language, coordinator_language, title_start, question_start
):
    cycle.name = "Cycle 2027"
    cycle.save(update_fields=["name"])
    cycle.program.language = language
    cycle.program.save(update_fields=["language"])
    with translation.override(coordinator_language):
        survey = services.start_survey_from_template(cycle=cycle, by=coordinator)
    assert survey.title.startswith(title_start), survey.title
    assert survey.questions.order_by("position").first().text.startswith(question_start)


def test_surveys_to_answer_read_from_the_programs_in_hand(unsent_survey, participant, program, expert):
    """The dashboard passes the programs the user takes part in: the same answer, and no query
    at all for someone who takes part in none (hub experts, coordinators)."""
    services.send_survey_phase(survey=unsent_survey, phase="pre")

    given = selectors.surveys_to_answer(participant, programs=[program])
    assert [(due.survey.pk, due.phase) for due in given] == _due(participant) == [(unsent_survey.pk, "pre")]
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.surveys_to_answer(expert, programs=[]) == []
    assert len(ctx) == 0
