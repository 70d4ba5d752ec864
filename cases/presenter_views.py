"""A presenter's ways in and out: "Present a case" from anywhere, withdrawing a case, and
reporting a follow-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from echo_hub.lib.forms import add_service_errors

from . import services
from .caseforms.definition import MEDICATIONS, fields
from .forms import FollowUpForm, medication_formset, medication_rows
from .models import CaseSlot
from .permissions import get_case_for_presenter, programs_to_present_in


@login_required
@require_GET
def case_present(request):
    """Straight to the case form of the one program the user belongs to; a choice only when
    there are several."""
    programs = list(programs_to_present_in(request.user))
    if len(programs) == 1:
        return redirect("cases:create", slug=programs[0].slug)
    return render(request, "cases/present_choose.html", {"programs": programs})


@login_required
@require_http_methods(["GET", "POST"])
def case_withdraw(request, pk):
    case = get_case_for_presenter(request.user, pk)
    if not case.may_be_withdrawn:
        raise PermissionDenied(_("This case can no longer be withdrawn."))
    if request.method == "POST":
        try:
            services.withdraw_case(case=case, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your case is withdrawn. The hub will not discuss it."))
        return redirect(case)
    slot = CaseSlot.objects.select_related("session").filter(case=case).first()
    return render(request, "cases/case_withdraw.html", {"case": case, "slot": slot})


@login_required
@require_http_methods(["GET", "POST"])
def case_follow_up(request, pk):
    case = get_case_for_presenter(request.user, pk)
    definition = services.case_definition(case)
    # The pain form's follow-up asks how the pain changed and for the medications now; another
    # form's asks for the medications only if it has a medication list.
    with_pain = any(f.get("column") for f in fields(definition))
    with_meds = any(f["type"] == MEDICATIONS for f in fields(definition))
    form = FollowUpForm(request.POST or None)
    if not with_pain:
        del form.fields["pain_change"]
    meds = medication_formset(request.POST or None, medications=case.medications.filter(follow_up=None))
    if request.method == "POST" and (form.is_valid() & (not with_meds or meds.is_valid())):
        try:
            services.add_follow_up(
                case=case,
                author=request.user,
                fields=form.cleaned_data,
                medications=medication_rows(meds) if with_meds else [],
                present_again=form.cleaned_data["present_again"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your follow-up is recorded."))
            return redirect(case)
    return render(
        request,
        "cases/case_follow_up.html",
        {
            "case": case,
            "form": form,
            "meds": meds,
            "with_pain": with_pain,
            "with_meds": with_meds,
            "findings": _findings(form, *meds.forms),
        },
    )


def _findings(*forms) -> list[dict]:
    return [found for form in forms for found in getattr(form, "identifier_findings", {}).values()]
