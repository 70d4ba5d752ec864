"""A cycle's survey as its coordinator reads it: the before/after comparison over the participants
who answered both phases, and the export of their paired answers under codes drawn afresh."""

import json
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F
from django.utils.translation import gettext

from .models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse


@dataclass
class QuestionResult:
    question: SurveyQuestion
    pairs: int = 0
    pre_mean: Decimal | None = None
    post_mean: Decimal | None = None
    # (label, answers before, answers after) among the pairs, for scale and choice questions.
    distribution: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def chart(self) -> str:
        spec = {
            "type": "bar",
            "title": "",
            "labels": [label for label, _, _ in self.distribution],
            "series": [
                {"label": gettext("Before"), "data": [pre for _, pre, _ in self.distribution]},
                {"label": gettext("After"), "data": [post for _, _, post in self.distribution]},
            ],
            "aspectRatio": 2.4,
        }
        return json.dumps(spec)


@dataclass
class SurveyResults:
    pairs: int
    questions: list[QuestionResult]


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _paired_answers(survey: Survey) -> tuple[set[int], dict[tuple[int, int, str], SurveyAnswer]]:
    """Users who answered both phases, and their answers keyed by (question, user, phase)."""
    phases = defaultdict(set)
    for user_id, phase in SurveyResponse.objects.filter(survey=survey).values_list("user_id", "phase"):
        phases[user_id].add(phase)
    paired = {user_id for user_id, seen in phases.items() if len(seen) == 2}
    answers = {}
    for answer in SurveyAnswer.objects.filter(response__survey=survey, response__user_id__in=paired).annotate(
        user_id=F("response__user_id"), phase=F("response__phase")
    ):
        answers[(answer.question_id, answer.user_id, answer.phase)] = answer
    return paired, answers


def survey_results(survey: Survey) -> SurveyResults:
    """Before/after comparison over the participants who answered both phases."""
    questions = list(survey.questions.all())
    paired, answers = _paired_answers(survey)
    results = []
    for q in questions:
        both = [
            (answers[(q.pk, u, "pre")], answers[(q.pk, u, "post")])
            for u in sorted(paired)
            if (q.pk, u, "pre") in answers and (q.pk, u, "post") in answers
        ]
        result = QuestionResult(question=q, pairs=len(both))
        if q.kind in (SurveyQuestion.Kind.LIKERT, SurveyQuestion.Kind.NUMBER):
            result.pre_mean = _mean([pre.value_number for pre, _ in both])
            result.post_mean = _mean([post.value_number for _, post in both])
        if q.kind == SurveyQuestion.Kind.LIKERT:
            keys = [(str(i), Decimal(i)) for i in range(1, 6)]
            result.distribution = [
                (label, sum(p.value_number == v for p, _ in both), sum(a.value_number == v for _, a in both))
                for label, v in keys
            ]
        elif q.kind == SurveyQuestion.Kind.CHOICE:
            result.distribution = [
                (c, sum(p.value_text == c for p, _ in both), sum(a.value_text == c for _, a in both))
                for c in q.choices
            ]
        results.append(result)
    return SurveyResults(pairs=len(paired), questions=results)


def _export_value(answer: SurveyAnswer | None):
    if answer is None:
        return ""
    return answer.value_number if answer.value_number is not None else answer.value_text


def survey_export_rows(survey: Survey) -> tuple[list[str], list[list]]:
    """One row per paired participant, under a code drawn afresh for each export."""
    questions = list(survey.questions.all())
    paired, answers = _paired_answers(survey)
    codes = {user_id: f"P-{secrets.token_hex(4)}" for user_id in paired}
    header = ["participant_code"] + [f"q{q.position}_{phase}" for q in questions for phase in ("pre", "post")]
    rows = []
    for user_id in paired:
        row = [codes[user_id]]
        for q in questions:
            for phase in ("pre", "post"):
                answer = answers.get((q.pk, user_id, phase))
                row.append(_export_value(answer))
        rows.append(row)
    # Sorting by the random code drops any order that could hint at who is who.
    return header, sorted(rows, key=lambda r: r[0])
