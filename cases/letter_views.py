"""The coordinator's letter pages: review, edit and send a recommendation letter, and Retry
one whose PDF could not be made."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from echo_hub.lib.forms import add_service_errors

from . import services
from .caseforms.definition import heading_labels
from .forms import LetterForm
from .permissions import get_case_for_coordinator, get_letter_for_coordinator

CONFIRM_FIRST = gettext_lazy("Tick the box to confirm you have read the letter as it will be sent.")


def _pdf_response(pdf: bytes, case) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-preview-case-{case.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def letter_finalize(request, pk):
    """The letter as it will be sent, its text editable; "Preview" shows the edit, "PDF" the
    document itself, "Send" finalizes it once the coordinator has confirmed."""
    case = get_case_for_coordinator(request.user, pk)
    try:
        session = services.check_can_finalize(case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(case)
    headings = heading_labels(services.case_definition(case))
    form = LetterForm(request.POST or None, initial=services.merged_texts(case), headings=headings)
    action = request.POST.get("action", "send")
    if request.method == "POST" and form.is_valid():
        try:
            if action == "pdf":
                return _pdf_response(services.render_letter_preview(case=case, texts=form.texts()), case)
            if action == "send" and not form.cleaned_data["confirm"]:
                form.add_error("confirm", CONFIRM_FIRST)
            elif action == "send":
                services.finalize_recommendations(case=case, by=request.user, texts=form.texts())
                messages.success(
                    request,
                    _("The letter is finalized. It is being prepared and will be emailed to the presenter."),
                )
                return redirect(case)
        except ValidationError as exc:
            add_service_errors(form, exc)
    document = services.preview_document(case=case, texts=form.texts(), session=session)
    context = {"case": case, "form": form, "document": document, "findings": _findings(form)}
    return render(request, "cases/letter_finalize.html", context)


def _findings(form) -> list:
    return list(getattr(form, "identifier_findings", {}).values())


@login_required
@require_POST
def letter_retry(request, slug, pk):
    letter = get_letter_for_coordinator(request.user, slug, pk)
    try:
        services.retry_letter_render(letter=letter)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The letter is being made again; the presenter gets it by email when it is ready.")
        )
    return redirect(letter.case)
