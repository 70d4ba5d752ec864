"""The coordinator's Retry of a recommendation letter whose PDF could not be made."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from . import services
from .permissions import get_letter_for_coordinator


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
            request, "The letter is being made again; the presenter gets it by email when it is ready."
        )
    return redirect(letter.case)
