import tempfile

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import selectors as case_selectors
from cpd import selectors as cpd_selectors
from echo_hub.lib.csp import allow_form_redirects
from echo_hub.lib.forms import add_service_errors
from echo_hub.lib.storage import private_stream_response
from echo_hub.lib.uploads import UploadTooBig
from sessions import selectors
from sessions.models import Enrollment, Role
from sessions.permissions import coordinates_any

from . import privacy as privacy_actions
from .forms import CloseAccountForm
from .waiting import waiting_for_coordinator

DASHBOARD_SESSIONS = 6
# The data export is built in memory up to this size, then in a temporary file on disk.
EXPORT_SPOOL_BYTES = 8 * 1024 * 1024


@require_GET
def home(request):
    if not request.user.is_authenticated:
        programs = selectors.open_programs().order_by("name")[:12]
        return render(request, "home.html", {"programs": programs})
    user = request.user
    enrollments = list(selectors.user_enrollments(user).order_by("program__name"))
    approved = [e for e in enrollments if e.status == Enrollment.Status.APPROVED]
    member_of = [e.program for e in approved]
    upcoming = selectors.upcoming_sessions_in(member_of, user, limit=DASHBOARD_SESSIONS)
    # The navigation's list of the user's programs, from the same rows (context_processors).
    request.nav_memberships = [(e.role, e.program.slug, e.program.name) for e in approved]
    response = render(
        request,
        "dashboard.html",
        {
            "next_session": upcoming[0] if upcoming else None,
            "upcoming": upcoming[1:],
            "enrollments": enrollments,
            "coordinated": waiting_for_coordinator(user) if coordinates_any(user, enrollments) else [],
            "my_cases_waiting": list(case_selectors.cases_needing_presenter(user)[:5]),
            "pending_evaluations": cpd_selectors.pending_evaluations(user, limit=5, programs=member_of),
            "surveys_to_answer": cpd_selectors.surveys_to_answer(
                user, programs=[e.program for e in approved if e.role == Role.PARTICIPANT]
            ),
        },
    )
    return allow_form_redirects(
        response, [s.member_join_url for s in upcoming if s.member_join_url and s.join_open]
    )


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def bad_request(request, exception=None):
    """Django answers a request it refuses to parse with 400: say why when the body was too
    big (413, Content Too Large) or had too many fields or files."""
    if isinstance(exception, UploadTooBig):
        limit = _("%(size)s MB") % {"size": f"{exception.limit / (1024 * 1024):.0f}"}
        return render(request, "413.html", {"file_limit": limit}, status=413)
    if isinstance(exception, RequestDataTooBig):
        return render(request, "413.html", {"too_many": False}, status=413)
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return render(request, "413.html", {"too_many": True}, status=413)
    return render(request, "400.html", status=400)


@login_required
@require_GET
def privacy(request):
    return render(request, "site/privacy.html")


@login_required
@require_GET
def data_export(request):
    """The signed-in user's own data as a zip: built from request.user only, never from an id
    in the URL, so nobody can ask for someone else's."""
    # The response closes (and so deletes) the file once it is sent.
    archive = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES)  # noqa: SIM115
    privacy_actions.write_data_export(request.user, archive)
    archive.seek(0)
    filename = f"echo-hub-my-data-{timezone.localdate():%Y-%m-%d}.zip"
    return private_stream_response(archive, filename=filename, content_type="application/zip")


@login_required
@require_http_methods(["GET", "POST"])
def close_account(request):
    form = CloseAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy_actions.close_account(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            logout(request)
            messages.success(request, _("Your account is closed. Thank you for taking part in ECHO."))
            return redirect("home")
    return render(request, "site/close.html", {"form": form})
