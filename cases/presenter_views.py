"""A presenter's ways in and out: "Present a case" from anywhere, and withdrawing a case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from . import services
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
        raise PermissionDenied("This case can no longer be withdrawn.")
    if request.method == "POST":
        try:
            services.withdraw_case(case=case, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Your case is withdrawn. The hub will not discuss it.")
        return redirect(case)
    slot = CaseSlot.objects.select_related("session").filter(case=case).first()
    return render(request, "cases/case_withdraw.html", {"case": case, "slot": slot})
