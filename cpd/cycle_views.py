from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from echo_hub.lib.forms import add_service_errors
from sessions.models import Session

from . import services
from .forms import CloseCycleForm
from .permissions import get_cycle_for_coordinator


@login_required
@require_http_methods(["GET", "POST"])
def cycle_close(request, slug, cycle_pk):
    cycle = get_cycle_for_coordinator(request.user, slug, cycle_pk)
    form = CloseCycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and cycle.closed_at is None:
        try:
            services.close_cycle_early(cycle=cycle, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(cycle)s is closed: its certificates can be issued now.") % {"cycle": cycle.name}
            )
            return redirect("cpd:manage_certificates", slug=slug)
    to_come = Session.objects.filter(
        cycle=cycle, status=Session.Status.SCHEDULED, starts_at__gt=timezone.now()
    ).count()
    return render(
        request,
        "cpd/cycle_close.html",
        {
            "program": cycle.program,
            "cycle": cycle,
            "form": form,
            "to_come": to_come,
            "last_end": services.cycle_last_end(cycle),
        },
    )
