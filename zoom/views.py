import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from echo_hub.lib.enqueue import enqueue_on_commit
from echo_hub.lib.urls import absolute_url
from sessions.permissions import get_program_for_coordinator, get_session_for_coordinator
from sessions.views.attendance import show_report_preview

from . import crypto, reports, services
from .forms import ZoomConnectionForm
from .models import ZoomConnection, ZoomMeeting
from .webhooks import signature_problem, url_validation_answer

logger = logging.getLogger(__name__)


@login_required
@require_http_methods(["GET", "POST"])
def connection(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    current = ZoomConnection.objects.filter(program=program).first()
    initial = {"account_id": current.account_id, "client_id": current.client_id} if current else None
    form = ZoomConnectionForm(request.POST or None, initial=initial, has_secrets=current is not None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_connection(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, gettext("Zoom connection saved. ECHO Hub is checking it with Zoom."))
            return redirect("zoom:connection", slug=program.slug)
    return render(
        request,
        "zoom/connection.html",
        {
            "program": program,
            "form": form,
            "connection": current,
            "webhook_url": absolute_url("zoom:webhook", slug=program.slug),
        },
    )


@login_required
@require_POST
def reconnect(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    if not ZoomConnection.objects.filter(program=program).update(status=ZoomConnection.Status.UNCHECKED):
        messages.error(request, gettext("Enter the Zoom app's credentials first."))
    else:
        enqueue_on_commit("zoom.check_connection", program_id=program.pk)
        messages.success(
            request, gettext("Checking the connection with Zoom; upcoming sessions' meetings follow.")
        )
    return redirect("zoom:connection", slug=program.slug)


@login_required
@require_GET
def meeting(request, slug, pk):
    session = get_session_for_coordinator(request.user, slug, pk)
    zoom_meeting = ZoomMeeting.objects.filter(session=session).first()
    registered = zoom_meeting.registrants.filter(cancelled_at__isnull=True).count() if zoom_meeting else 0
    return render(
        request,
        "zoom/meeting.html",
        {
            "session": session,
            "program": session.program,
            "meeting": zoom_meeting,
            "registered": registered,
            "connection": ZoomConnection.objects.filter(program_id=session.program_id).first(),
        },
    )


@login_required
@require_POST
def recreate(request, slug, pk):
    session = get_session_for_coordinator(request.user, slug, pk)
    try:
        services.recreate_meeting(session=session, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, gettext("A new Zoom meeting is being created; members get new personal links.")
        )
    return redirect("zoom:meeting", slug=slug, pk=pk)


@login_required
@require_POST
def fetch_report(request, slug, pk):
    session = get_session_for_coordinator(request.user, slug, pk)
    zoom_meeting = ZoomMeeting.objects.filter(session=session, meeting_id__isnull=False).first()
    if zoom_meeting is None or zoom_meeting.report_imported_at is not None or not session.is_past:
        messages.error(request, gettext("There is no Zoom report to fetch for this session."))
    else:
        enqueue_on_commit("zoom.import_report", meeting_pk=zoom_meeting.pk)
        messages.success(request, gettext("Fetching Zoom's participants report."))
    return redirect("zoom:meeting", slug=slug, pk=pk)


@login_required
@require_GET
def match_by_hand(request, slug, pk):
    """Zoom's participants, in the upload's "match by hand" page: who joined without their
    personal link is matched there, and confirming stores it as an upload would."""
    session = get_session_for_coordinator(request.user, slug, pk)
    zoom_meeting = ZoomMeeting.objects.filter(session=session, report_imported_at__isnull=False).first()
    if zoom_meeting is None:
        messages.error(request, gettext("Zoom's participants report of this session is not imported yet."))
        return redirect("zoom:meeting", slug=slug, pk=pk)
    text = reports.report_csv(zoom_meeting.report, zone=session.program.zone)
    try:
        return show_report_preview(request, session, text=text, name=reports.FILENAME)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("zoom:meeting", slug=slug, pk=pk)


def _refuse(slug: str, reason: str) -> HttpResponse:
    # The body may hold anything a caller sent: the log says who and why, never what.
    logger.warning("Zoom webhook for program %s refused: %s", slug, reason)
    return HttpResponse("Unauthorized", status=401, content_type="text/plain")


@csrf_exempt
@require_POST
def webhook(request, slug):
    connection = ZoomConnection.objects.filter(program__slug=slug).first()
    if connection is None:
        return _refuse(slug, "no Zoom connection")
    try:
        secret = connection.webhook_token
    except crypto.UnreadableSecret:
        return _refuse(slug, "the stored secret token cannot be read")
    problem = signature_problem(
        secret=secret,
        timestamp=request.headers.get("x-zm-request-timestamp", ""),
        body=request.body,
        signature=request.headers.get("x-zm-signature", ""),
    )
    if problem:
        return _refuse(slug, problem)
    try:
        event = json.loads(request.body)
        name, payload = event["event"], event.get("payload") or {}
    except (ValueError, KeyError, TypeError):
        return HttpResponse("Not a Zoom event", status=400, content_type="text/plain")
    if name == "endpoint.url_validation":
        return JsonResponse(url_validation_answer(secret, str(payload.get("plainToken", ""))))
    if name == "meeting.ended":
        meeting_object = payload.get("object") or {}
        try:
            meeting_id = int(meeting_object.get("id"))
        except (TypeError, ValueError):
            return HttpResponse("No meeting id", status=400, content_type="text/plain")
        reports.meeting_ended(
            connection=connection, meeting_id=meeting_id, uuid=str(meeting_object.get("uuid", ""))
        )
    return HttpResponse(status=204)
