"""Cycle surveys: questions from a template or the coordinator, phases sent, answers kept."""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from echo_hub.deid import explain, find_identifiers
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.services import Message, queue_many
from sessions.models import Cycle, Enrollment, Role, program_scope

from ..models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

LIKERT = SurveyQuestion.Kind.LIKERT
SURVEY_TEMPLATE: list[dict] = [
    {"kind": LIKERT, "text": _("I am confident I can assess chronic pain and its effect on function.")},
    {"kind": LIKERT, "text": _("I am confident I can taper a patient's opioid dose safely.")},
    {"kind": LIKERT, "text": _("I am confident I can recognise and manage opioid use disorder.")},
    {
        "kind": LIKERT,
        "text": _("I am confident I can talk with a patient about the risks of long-term opioids."),
    },
    {"kind": LIKERT, "text": _("I am confident I can offer non-drug treatments for chronic pain.")},
    {
        "kind": SurveyQuestion.Kind.CHOICE,
        "text": _("The 2017 Canadian guideline for chronic non-cancer pain restricts opioids to less than:"),
        "choices": ["50 MME", "90 MME", "120 MME", "200 MME"],
    },
    {
        "kind": SurveyQuestion.Kind.CHOICE,
        "text": _("Which patient on opioids should be offered a naloxone kit?"),
        "choices": [
            _("Only those with a past overdose"),
            _("Only those above 90 MME"),
            _("Every patient on opioids"),
        ],
    },
    {
        "kind": SurveyQuestion.Kind.NUMBER,
        "text": _("How many patients on long-term opioids did you see in the past month?"),
    },
    {"kind": SurveyQuestion.Kind.TEXT, "text": _("What would you most like to learn in this cycle?")},
]


def _in_program_language(cycle: Cycle):
    """Words the hub writes into a survey its participants read are stored in the program's
    language (a bilingual program's: the coordinator's), not whoever clicked's."""
    return translation.override(cycle.program.written_language or translation.get_language())


def _survey_for_cycle(cycle: Cycle, by) -> Survey:
    with _in_program_language(cycle):
        title = gettext("%(cycle)s survey") % {"cycle": cycle.name}
    survey, _ = Survey.objects.get_or_create(cycle=cycle, defaults={"title": title, "created_by": by})
    if survey.is_locked:
        raise ValidationError(gettext("The questions are fixed once the survey has been sent."))
    return survey


@transaction.atomic
def add_survey_question(*, cycle: Cycle, by, kind: str, text: str, choices: list[str]) -> SurveyQuestion:
    survey = _survey_for_cycle(cycle, by)
    if kind == SurveyQuestion.Kind.CHOICE and len(choices) < 2:
        raise ValidationError(gettext("A single-choice question needs at least two choices."))
    position = (survey.questions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return SurveyQuestion.objects.create(
        survey=survey,
        position=position,
        kind=kind,
        text=text,
        choices=choices if kind == SurveyQuestion.Kind.CHOICE else [],
    )


@transaction.atomic
def start_survey_from_template(*, cycle: Cycle, by) -> Survey:
    """Fill an empty questionnaire with SURVEY_TEMPLATE; one that has questions is left alone."""
    survey = _survey_for_cycle(cycle, by)
    if survey.questions.exists():
        raise ValidationError(
            gettext("This survey already has questions; the template only fills an empty one.")
        )
    with _in_program_language(cycle):
        questions = [
            SurveyQuestion(
                survey=survey,
                position=i,
                choices=[str(c) for c in q.get("choices", [])],
                kind=q["kind"],
                text=str(q["text"]),
            )
            for i, q in enumerate(SURVEY_TEMPLATE, start=1)
        ]
    SurveyQuestion.objects.bulk_create(questions)
    return survey


@transaction.atomic
def send_survey_phase(*, survey: Survey, phase: str, now=None) -> int:
    """Open a phase and email every approved participant once; sending again reaches only
    those enrolled since. Returns how many emails this call queued."""
    if not survey.questions.exists():
        raise ValidationError(gettext("Add at least one question before sending the survey."))
    field = "pre_opens_at" if phase == Survey.Phase.PRE else "post_opens_at"
    Survey.objects.filter(pk=survey.pk, **{f"{field}__isnull": True}).update(**{field: now or timezone.now()})
    survey.refresh_from_db(fields=[field])
    program = survey.cycle.program
    enrollments = Enrollment.objects.filter(
        program=program, role=Role.PARTICIPANT, status=Enrollment.Status.APPROVED
    ).select_related("user")
    answer_url = absolute_url("cpd:survey_answer", slug=program.slug, pk=survey.pk, phase=phase)
    messages = [
        Message(
            email=e.user.email,
            user=e.user,
            kind=f"survey_{phase}",
            object_key=f"survey:{survey.pk}:{phase}",
            template="survey_request",
            context={"survey": survey, "program": program, "phase": phase, "answer_url": answer_url},
            scope=program_scope(program.pk),
        )
        for e in enrollments
    ]
    return queue_many(messages)


def _answer_values(question: SurveyQuestion, value) -> tuple[Decimal | None, str]:
    if value in (None, ""):
        return None, ""
    if question.kind in (SurveyQuestion.Kind.LIKERT, SurveyQuestion.Kind.NUMBER):
        return Decimal(value), ""
    return None, str(value)


@transaction.atomic
def submit_survey_response(
    *, survey: Survey, user, phase: str, answers: Mapping[int, object]
) -> SurveyResponse:
    """Record or replace a participant's answers for one phase; identifying free text is refused."""
    questions = list(survey.questions.all())
    errors = {}
    for q in questions:
        if q.kind == SurveyQuestion.Kind.TEXT:
            findings = find_identifiers(str(answers.get(q.pk) or ""))
            if findings:
                errors[f"q_{q.pk}"] = [explain(f) for f in findings]
    if errors:
        raise ValidationError(errors)
    response, created = SurveyResponse.objects.get_or_create(survey=survey, user=user, phase=phase)
    if not created:
        response.save(update_fields=["updated_at"])
        response.answers.all().delete()
    rows = []
    for q in questions:
        number, text = _answer_values(q, answers.get(q.pk))
        if number is not None or text:
            rows.append(SurveyAnswer(response=response, question=q, value_number=number, value_text=text))
    SurveyAnswer.objects.bulk_create(rows)
    return response
