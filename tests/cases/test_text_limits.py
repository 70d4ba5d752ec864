"""Every free-text field of a case, follow-up, recommendation and return comment has a length
limit, checked by the form (which also tells the browser, for the live counter) and again by the
service, whoever calls it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from cases import services
from cases.caseforms.build import AnswersForm
from cases.caseforms.templates_pain import pain_definition
from cases.forms import CaseForm, FollowUpForm, RecommendationsForm, ReturnCaseForm
from cases.models import Case, FollowUp, Recommendation
from tests.factories import CaseFactory

from .conftest import CASE_FIELDS, OXYCODONE

pytestmark = pytest.mark.django_db

LONG_FIELDS = (
    "main_concern",
    "function_goals",
    "treatments_tried",
    "investigations",
    "mental_health",
    "substance_use",
    "social_context",
)
QUESTIONS = ("question_1", "question_2", "question_3")
FOLLOW_UP = {
    "what_changed": "Switched to buprenorphine six weeks later; walking further.",
    "pain_change": "pain 8/10 → 6/10",
    "function_change": "Walks to the end of the road",
    "recommendations_acted_on": "Taper, naloxone kit",
}


def _too_long(limit: int, length: int) -> str:
    return f"Keep this to {limit} characters or fewer (it has {length})."


@pytest.fixture
def letter_sent_case(program, presenter):
    return CaseFactory(
        program=program, presenter=presenter, status=Case.Status.LETTER_SENT, main_concern="Low back pain."
    )


@pytest.mark.parametrize(
    ("field", "limit"), [*((f, 4000) for f in LONG_FIELDS), *((q, 1000) for q in QUESTIONS)]
)
def test_save_case_draft_refuses_a_field_over_its_limit_and_stores_nothing(program, presenter, field, limit):
    with pytest.raises(ValidationError) as caught:
        services.save_case_draft(
            presenter=presenter,
            program=program,
            fields=CASE_FIELDS | {field: "a" * (limit + 1)},
            medications=[],
        )

    assert caught.value.message_dict == {field: [_too_long(limit, limit + 1)]}
    assert Case.objects.count() == 0


def test_save_case_draft_refuses_a_short_field_over_its_column_too(program, presenter):
    with pytest.raises(ValidationError) as caught:
        services.save_case_draft(
            presenter=presenter,
            program=program,
            fields=CASE_FIELDS | {"pain_onset": "a" * 201},
            medications=[],
        )

    assert caught.value.message_dict == {"pain_onset": [_too_long(200, 201)]}


def test_save_case_draft_accepts_every_field_at_its_limit(program, presenter):
    fields = CASE_FIELDS | dict.fromkeys(LONG_FIELDS, "a" * 4000) | dict.fromkeys(QUESTIONS, "a" * 1000)

    case = services.save_case_draft(
        presenter=presenter, program=program, fields=fields, medications=[OXYCODONE]
    )

    case.refresh_from_db()
    assert [len(getattr(case, f)) for f in LONG_FIELDS + QUESTIONS] == [4000] * 7 + [1000] * 3


def test_save_recommendations_refuses_a_text_over_4000_characters(scheduled_case, expert):
    with pytest.raises(ValidationError) as caught:
        services.save_recommendations(
            case=scheduled_case, author=expert, texts={"opioid": "a" * 4001, "referrals": "Physiotherapy."}
        )

    assert caught.value.message_dict == {"opioid": [_too_long(4000, 4001)]}
    assert Recommendation.objects.count() == 0


def test_add_follow_up_refuses_a_field_over_its_limit(letter_sent_case, presenter):
    with pytest.raises(ValidationError) as caught:
        services.add_follow_up(
            case=letter_sent_case,
            author=presenter,
            fields=FOLLOW_UP | {"recommendations_acted_on": "a" * 4001, "function_change": "b" * 201},
            medications=[],
        )

    assert caught.value.message_dict == {
        "recommendations_acted_on": [_too_long(4000, 4001)],
        "function_change": [_too_long(200, 201)],
    }
    assert FollowUp.objects.count() == 0


def test_add_follow_up_presenting_again_keeps_the_new_case_within_the_concern_limit(
    letter_sent_case, presenter
):
    # The new case's concern is what changed, then the original concern (14 characters + 20 between).
    fits = "a" * (4000 - 14 - 20)

    with pytest.raises(ValidationError) as caught:
        services.add_follow_up(
            case=letter_sent_case,
            author=presenter,
            fields=FOLLOW_UP | {"what_changed": fits + "a"},
            medications=[],
            present_again=True,
        )
    services.add_follow_up(
        case=letter_sent_case,
        author=presenter,
        fields=FOLLOW_UP | {"what_changed": fits},
        medications=[],
        present_again=True,
    )

    assert caught.value.message_dict == {
        "what_changed": [
            "To present the case again, what changed goes before the original concern in the new case, "
            "and the two may hold 4000 characters together: keep this to 3966 characters or fewer "
            "(it has 3967)."
        ]
    }
    assert len(Case.objects.get(follow_up_of=letter_sent_case).main_concern) == 4000


def test_return_case_refuses_a_comment_over_2000_characters(submitted_case, coordinator):
    with pytest.raises(ValidationError) as caught:
        services.return_case(case=submitted_case, by=coordinator, comment="a" * 2001)

    submitted_case.refresh_from_db()
    assert caught.value.message_dict == {"comment": [_too_long(2000, 2001)]}
    assert submitted_case.status == Case.Status.SUBMITTED


def _counted(form, name: str, limit: int) -> bool:
    html = str(form[name])
    return html.startswith("<textarea ") and f'maxlength="{limit}"' in html and " data-char-count" in html


def test_forms_tell_the_browser_each_limit_and_ask_for_a_counter(program):
    case_form = CaseForm(program=program)
    answers_form = AnswersForm(definition=pain_definition())
    follow_up_form = FollowUpForm()

    assert _counted(case_form, "main_concern", 4000)
    assert [name for name in LONG_FIELDS[1:] if _counted(answers_form, name, 4000)] == list(LONG_FIELDS[1:])
    assert [name for name in QUESTIONS if _counted(case_form, name, 1000)] == list(QUESTIONS)
    assert _counted(follow_up_form, "what_changed", 4000)
    assert _counted(follow_up_form, "recommendations_acted_on", 4000)
    assert _counted(RecommendationsForm(headings={"opioid": "Opioid management"}), "opioid", 4000)
    assert _counted(ReturnCaseForm(), "comment", 2000)
    assert 'maxlength="120"' in str(case_form["title"])


def test_form_counts_a_line_break_as_one_character_as_the_browser_does(program):
    # Browsers count a line break in a textarea as one character and send it as two (CRLF).
    text = ("a" * 99 + "\r\n") * 40

    form = CaseForm(data=CASE_FIELDS | {"main_concern": text}, program=program)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["main_concern"] == (("a" * 99 + "\n") * 40).strip()


def test_case_form_over_the_limit_says_so_keeps_the_text_and_stores_nothing(client, presenter, program):
    client.force_login(presenter)
    history = "Long history. " * 400

    response = client.post(
        reverse("cases:create", kwargs={"slug": program.slug}),
        {
            **{k: v for k, v in CASE_FIELDS.items() if not isinstance(v, bool)},
            "social_context": history,
            "save": "save",
        },
    )

    assert response.status_code == 200
    assert response.context["answers"].errors == {"social_context": [_too_long(4000, len(history.strip()))]}
    assert f'id="id_social_context">\n{escape(history)}</textarea>' in response.content.decode()
    assert Case.objects.count() == 0
