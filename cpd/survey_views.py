"""Manage › Surveys of a cycle: the coordinator builds the questions, sends each phase and reads the
results and the paired export; members answer each phase."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from echo_hub.lib.csv_export import csv_response
from sessions.models import Cycle
from sessions.permissions import get_program_for_coordinator

from . import services, survey_selectors
from .forms import SurveyAnswerForm, SurveyQuestionForm
from .models import Survey, SurveyAnswer, SurveyResponse
from .permissions import get_cycle_for_coordinator, get_survey_for_coordinator, get_survey_for_member


@login_required
@require_GET
def survey_list(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    cycles = Cycle.objects.filter(program=program).select_related("survey").order_by("-start_date")
    return render(request, "cpd/survey_list.html", {"program": program, "cycles": list(cycles)})


@login_required
@require_http_methods(["GET", "POST"])
def survey_build(request, slug, cycle_pk):
    cycle = get_cycle_for_coordinator(request.user, slug, cycle_pk)
    form = SurveyQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_survey_question(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Question added."))
            return redirect("cpd:survey_build", slug=slug, cycle_pk=cycle.pk)
    survey = Survey.objects.filter(cycle=cycle).first()
    questions = list(survey.questions.all()) if survey else []
    return render(
        request,
        "cpd/survey_build.html",
        {"program": cycle.program, "cycle": cycle, "survey": survey, "questions": questions, "form": form},
    )


@login_required
@require_POST
def survey_use_template(request, slug, cycle_pk):
    cycle = get_cycle_for_coordinator(request.user, slug, cycle_pk)
    try:
        services.start_survey_from_template(cycle=cycle, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The template questions are in. Add or review them before sending."))
    return redirect("cpd:survey_build", slug=slug, cycle_pk=cycle.pk)


@login_required
@require_POST
def survey_send(request, slug, cycle_pk, phase):
    survey = get_survey_for_coordinator(request.user, slug, cycle_pk)
    if phase not in Survey.Phase.values:
        raise Http404("No such phase.")
    try:
        sent = services.send_survey_phase(survey=survey, phase=phase)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(phase)s: survey sent to %(count)s participant.",
                "%(phase)s: survey sent to %(count)s participants.",
                sent,
            )
            % {"phase": Survey.Phase(phase).label, "count": sent},
        )
    return redirect("cpd:survey_build", slug=slug, cycle_pk=cycle_pk)


def _survey_initial(response: SurveyResponse) -> dict[str, object]:
    initial = {}
    for a in SurveyAnswer.objects.filter(response=response):
        number = a.value_number
        if number is not None and number == number.to_integral_value():
            # A whole number, so that the 1–5 scale finds its radio button.
            number = int(number)
        initial[f"q_{a.question_id}"] = number if number is not None else a.value_text
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request, slug, pk, phase):
    survey = get_survey_for_member(request.user, slug, pk, phase, write=request.method == "POST")
    questions = list(survey.questions.all())
    existing = SurveyResponse.objects.filter(survey=survey, user=request.user, phase=phase).first()
    initial = _survey_initial(existing) if existing else {}
    form = SurveyAnswerForm(request.POST or None, questions=questions, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.submit_survey_response(survey=survey, user=request.user, phase=phase, answers=form.answers())
        messages.success(
            request, _("Thank you: your answers are saved. You can change them here until the end.")
        )
        return redirect("home")
    findings = list(getattr(form, "identifier_findings", {}).values())
    return render(
        request,
        "cpd/survey_answer.html",
        {
            "program": survey.cycle.program,
            "survey": survey,
            "phase": Survey.Phase(phase),
            "form": form,
            "findings": findings,
            "editing": existing is not None,
        },
    )


@login_required
@require_GET
def survey_results(request, slug, cycle_pk):
    survey = get_survey_for_coordinator(request.user, slug, cycle_pk)
    return render(
        request,
        "cpd/survey_results.html",
        {
            "program": survey.cycle.program,
            "survey": survey,
            "results": survey_selectors.survey_results(survey),
        },
    )


@login_required
@require_GET
def survey_export(request, slug, cycle_pk):
    survey = get_survey_for_coordinator(request.user, slug, cycle_pk)
    header, rows = survey_selectors.survey_export_rows(survey)
    return csv_response(f"{survey.cycle.program.slug}-survey-{survey.cycle.pk}-paired.csv", header, rows)
