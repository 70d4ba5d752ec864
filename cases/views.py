from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from echo_hub.audit.services import Action, record
from echo_hub.lib.forms import add_service_errors
from echo_hub.lib.pagination import paginate
from echo_hub.lib.queries import related_or_none
from sessions.models import Role
from sessions.permissions import (
    get_program_for_coordinator,
    get_session_for_member,
    get_visible_program,
)

from . import selectors, services
from .caseforms.build import AnswersForm, form_sections
from .caseforms.definition import MEDICATIONS, fields, has_attachments, heading_labels
from .caseforms.display import answer_sections
from .forms import (
    AssignForm,
    CaseForm,
    QueueFilterForm,
    RecommendationsForm,
    ReturnCaseForm,
    medication_formset,
    medication_rows,
)
from .mme import mme_level, prescribing_warnings
from .models import Case
from .permissions import (
    can_present_in,
    can_read_letter,
    get_case_for_coordinator,
    get_case_for_expert,
    get_case_for_presenter,
    get_case_for_user,
)


def _findings(*forms) -> list[dict]:
    found = []
    for form in forms:
        found.extend(getattr(form, "identifier_findings", {}).values())
    return found


@login_required
@require_GET
def my_cases(request):
    page = paginate(request, selectors.my_cases(request.user))
    return render(request, "cases/my_cases.html", {"page": page})


def _case_form_page(request, *, program, case=None):
    vouched = services.vouched_keys(case)
    form = CaseForm(request.POST or None, instance=case, program=program, vouched_before=vouched)
    definition = (
        services.case_definition(case) if case else services.current_form_version(program).full_definition
    )
    answers = AnswersForm(
        request.POST or None,
        request.FILES or None,
        definition=definition,
        case=case,
        submitting="submit" in request.POST,
        vouched_before=vouched,
    )
    medication_field = next((f for f in fields(definition) if f["type"] == MEDICATIONS), None)
    meds = medication_formset(
        request.POST or None, medications=case.medications.filter(follow_up=None) if case else ()
    )
    if request.method == "POST":
        forms_valid = form.is_valid() & answers.is_valid() & (medication_field is None or meds.is_valid())
        if forms_valid:
            try:
                case = services.save_case_draft(
                    presenter=request.user,
                    program=program,
                    fields={**form.cleaned_data, **answers.columns()},
                    answers=answers.answers(),
                    uploads=answers.uploads(),
                    medications=medication_rows(meds) if medication_field else [],
                    case=case,
                    vouches={**form.vouches, **answers.vouches},
                )
                if form.vouches or answers.vouches:
                    messages.info(
                        request,
                        _(
                            "A coordinator will read the text you marked as not identifying before anyone "
                            "else sees the case."
                        ),
                    )
                if "submit" in request.POST:
                    services.submit_case(case=case, by=request.user)
                    messages.success(
                        request, _("Your case is submitted. A coordinator will screen it and give it a slot.")
                    )
                else:
                    messages.success(request, _("Draft saved. Only you can see it."))
                return redirect(case)
            except ValidationError as exc:
                add_service_errors(form, exc)
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "answers": answers,
            "sections": form_sections(definition, answers),
            "meds": meds,
            "medication_field": medication_field,
            "has_attachment_field": has_attachments(definition),
            "program": program,
            "case": case,
            "findings": _findings(form, answers, *meds.forms),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request, slug):
    program, role = get_visible_program(request.user, slug)
    if role is None or not can_present_in(request.user, program):
        raise Http404("No such program.")
    return _case_form_page(request, program=program)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case = get_case_for_presenter(request.user, pk)
    if not case.is_editable:
        raise PermissionDenied(_("This case is with the hub and can no longer be edited."))
    return _case_form_page(request, program=case.program, case=case)


@login_required
@require_POST
def case_submit(request, pk):
    case = get_case_for_presenter(request.user, pk)
    try:
        services.submit_case(case=case, by=request.user)
    except ValidationError as exc:
        messages.error(request, _("Before submitting: %(problems)s") % {"problems": " ".join(exc.messages)})
        return redirect("cases:edit", pk=case.pk)
    messages.success(request, _("Your case is submitted."))
    return redirect(case)


def _case_body(case: Case, lists: dict) -> dict:
    """What templates/cases/case_body.html and case_follow_ups.html show: the medications with
    their total MME and the prescribing warnings the letter gives, and each follow-up's dose."""
    total = services.total_mme(lists["medications"])
    for follow_up in lists["follow_ups"]:
        follow_up.total_mme = services.total_mme(
            [m for m in lists["follow_up_medications"] if m.follow_up_id == follow_up.pk]
        )
    definition = services.case_definition(case)
    # Only a form with attachment fields reads them: the pain form's pages keep their queries.
    attachments = list(case.attachments.all()) if has_attachments(definition) else []
    return {
        "answer_sections": answer_sections(definition, case, attachments=attachments),
        "total_mme": total,
        "mme_level": mme_level(float(total) if total is not None else None),
        "prescribing_warnings": prescribing_warnings(
            total_mme=total,
            benzodiazepine=case.benzodiazepine_coprescribed,
            drugs=[m.drug for m in lists["medications"]],
        ),
        **lists,
    }


def _label_recommendations(case: Case, recommendations) -> None:
    labels = heading_labels(services.case_definition(case))
    for recommendation in recommendations:
        recommendation.heading_label = labels.get(recommendation.heading, recommendation.heading)


@login_required
@require_GET
def case_detail(request, pk):
    case, role = get_case_for_user(request.user, pk, related=("slot__session", "letter"))
    record(
        Action.CASE_VIEWED,
        actor=request.user,
        object_type=Case._meta.label_lower,
        object_id=case.pk,
        program=case.program_id,
        request=request,
    )
    # Participants read the hub's recommendations on their own cases only.
    reads_letter = can_read_letter(request.user, case, role)
    lists = selectors.case_detail_lists(case, recommendations=reads_letter)
    _label_recommendations(case, lists["recommendations"])
    letter = related_or_none(case, "letter")
    slot = lists["slot"]
    context = {
        "case": case,
        # Marking presented and finalizing wait for the session: the services refuse them before.
        "session_started": bool(
            slot and not slot.session.is_cancelled and slot.session.starts_at <= timezone.now()
        ),
        "role": role,
        "is_presenter": case.presenter_id == request.user.pk,
        "is_coordinator": role == Role.COORDINATOR,
        "is_expert": role == Role.EXPERT,
        "letter": letter,
        "can_read_letter": reads_letter,
        **_case_body(case, lists),
    }
    if context["is_coordinator"] or context["is_presenter"]:
        context["overrides"] = selectors.identifier_overrides(case)
        context["waiting_overrides"] = any(r["override"].status == "pending" for r in context["overrides"])
    if context["is_coordinator"] and case.status == Case.Status.SUBMITTED:
        context["assign_sessions"] = list(selectors.upcoming_sessions_with_free_slots(case.program))
    return render(request, "cases/case_detail.html", context)


@login_required
@require_POST
def case_assign(request, pk):
    case = get_case_for_coordinator(request.user, pk)
    form = AssignForm(request.POST, sessions=selectors.upcoming_sessions_with_free_slots(case.program))
    if not form.is_valid():
        messages.error(request, _("Choose an upcoming session with a free case slot."))
        return redirect(case)
    try:
        slot = services.assign_case_to_session(
            case=case, session=form.cleaned_data["session"], by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Scheduled as case %(position)s of %(session)s. The presenter is told.")
            % {"position": slot.position, "session": slot.session.title},
        )
    return redirect(case)


@login_required
@require_POST
def case_accept_overrides(request, pk):
    case = get_case_for_coordinator(request.user, pk)
    try:
        services.accept_overrides(case=case, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Accepted: the marked text stays, and the case can now be scheduled."))
    return redirect(case)


@login_required
@require_http_methods(["GET", "POST"])
def case_return(request, pk):
    case = get_case_for_coordinator(request.user, pk)
    form = ReturnCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_case(case=case, by=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The case is returned to its presenter with your comment."))
            return redirect(case)
    return render(
        request, "cases/case_return.html", {"case": case, "form": form, "findings": _findings(form)}
    )


@login_required
@require_POST
def case_mark_presented(request, pk):
    case = get_case_for_coordinator(request.user, pk)
    try:
        services.mark_case_presented(case=case, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(case)


@login_required
@require_http_methods(["GET", "POST"])
def case_recommendations(request, pk):
    case = get_case_for_expert(request.user, pk)
    mine = {r.heading: r.text for r in case.recommendations.filter(author=request.user)}
    headings = heading_labels(services.case_definition(case))
    form = RecommendationsForm(request.POST or None, initial=mine, headings=headings)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_recommendations(case=case, author=request.user, texts=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your recommendations are saved. The coordinator sends the letter."))
            return redirect(case)
    lists = selectors.case_detail_lists(case)
    _label_recommendations(case, lists["recommendations"])
    others = [r for r in lists["recommendations"] if r.author_id != request.user.pk]
    return render(
        request,
        "cases/case_recommendations.html",
        {
            "case": case,
            "form": form,
            "others": others,
            "findings": _findings(form),
            **_case_body(case, lists),
        },
    )


@login_required
@require_GET
def review_list(request):
    page = paginate(request, selectors.awaiting_recommendations(request.user))
    return render(request, "cases/review_list.html", {"page": page})


@login_required
@require_GET
def queue(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    filters = QueueFilterForm(request.GET or None, program=program)
    status, session = "", None
    if filters.is_valid():
        status, session = filters.cleaned_data["status"], filters.cleaned_data["session"]
    page = paginate(request, selectors.case_queue(program, status=status, session=session))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/queue.html",
        {
            "program": program,
            "filters": filters,
            "page": page,
            "overdue": list(selectors.overdue_letters(program)[:20]),
            "library_awaiting": selectors.awaiting_screening(program).count(),
            "library_filter": status == selectors.LIBRARY_AWAITING,
            "failed_letters": list(selectors.failed_letters(program)[:20]),
            "extra_query": query.urlencode(),
        },
    )


@login_required
@require_GET
def session_agenda(request, slug, pk):
    session, role = get_session_for_member(request.user, slug, pk)
    return render(
        request,
        "cases/session_agenda.html",
        {
            "session": session,
            "program": session.program,
            "slots": selectors.session_agenda(session),
            "role": role,
        },
    )
