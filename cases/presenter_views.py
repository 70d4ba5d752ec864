"""A presenter's ways in and out: "Present a case" from anywhere, and withdrawing a case."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .permissions import programs_to_present_in


@login_required
@require_GET
def case_present(request):
    """Straight to the case form of the one program the user belongs to; a choice only when
    there are several."""
    programs = list(programs_to_present_in(request.user))
    if len(programs) == 1:
        return redirect("cases:create", slug=programs[0].slug)
    return render(request, "cases/present_choose.html", {"programs": programs})
