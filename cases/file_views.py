"""A case's files, each served only after the case's permission check: its recommendation
letter and the attachments of its form."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_GET

from echo_hub.audit.services import Action, denied, record
from echo_hub.lib.storage import private_file_response

from .models import RecommendationLetter
from .permissions import can_read_letter, get_case_for_user


@login_required
@require_GET
def case_attachment(request, pk, attachment_pk):
    case, _role = get_case_for_user(request.user, pk)
    attachment = case.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("No such attachment.")
    record(
        Action.CASE_EXPORTED, actor=request.user, obj=case, request=request, extra={"format": "attachment"}
    )
    return private_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


@login_required
@require_GET
def case_letter(request, pk):
    case, role = get_case_for_user(request.user, pk)
    letter = RecommendationLetter.objects.filter(case=case, status=RecommendationLetter.Status.READY).first()
    if not can_read_letter(request.user, case, role):
        raise denied(Http404("No letter."), user=request.user, obj=case)
    if letter is None:
        raise Http404("No letter.")
    record(
        Action.CASE_EXPORTED, actor=request.user, obj=case, request=request, extra={"format": "letter_pdf"}
    )
    return private_file_response(letter.file, filename=f"echo-recommendations-case-{case.pk}.pdf")
