import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from echo_hub.lib.forms import add_service_errors
from echo_hub.lib.storage import private_stream_response
from echo_hub.lib.urls import absolute_url

from . import services
from .forms import CloseAccountForm, ProfileForm
from .mfa import pop_resume_after_setup

# The export is built in memory up to this size, then in a temporary file on disk.
EXPORT_SPOOL_BYTES = 8 * 1024 * 1024


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def calendar_settings(request):
    feed_url = absolute_url("calendar_feed", token=request.user.calendar_token)
    return render(request, "accounts/calendar.html", {"feed_url": feed_url})


@login_required
@require_POST
def calendar_regenerate(request):
    services.regenerate_calendar_token(user=request.user)
    messages.success(
        request,
        "Your calendar feed has a new address. Update it in your calendar app; the old one no longer works.",
    )
    return redirect("accounts:calendar")


@login_required
@require_GET
def security(request):
    current = request.session.get(services.ROW_ID)
    sessions = services.signed_in_sessions(user=request.user)
    return render(
        request,
        "accounts/security.html",
        {
            "current_session": next((s for s in sessions if s.pk == current), None),
            "other_sessions": [s for s in sessions if s.pk != current],
            "has_authenticator": services.has_authenticator_app(request.user),
            "mfa_required": services.mfa_required(request.user),
            "idle_minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES,
        },
    )


@login_required
@require_GET
def mfa_continue(request):
    return redirect(pop_resume_after_setup(request) or "home")


@login_required
@require_POST
def session_end(request):
    try:
        session_id = int(request.POST.get("session", ""))
    except ValueError:
        session_id = None
    if session_id is not None and services.end_session(
        user=request.user, session_id=session_id, request=request
    ):
        messages.success(request, "That session is ended: the device is signed out.")
    else:
        messages.info(request, "That session had already ended.")
    return redirect("accounts:security")


@login_required
@require_POST
def sessions_end_others(request):
    ended = services.end_other_sessions(user=request.user, request=request)
    if ended:
        messages.success(request, f"Signed out everywhere else ({ended} session{'s' if ended != 1 else ''}).")
    else:
        messages.info(request, "You were not signed in anywhere else.")
    return redirect("accounts:security")


@login_required
@require_GET
def privacy(request):
    return render(request, "accounts/privacy.html")


@login_required
@require_GET
def data_export(request):
    """The signed-in user's own data as a zip: built from request.user only, never from an id
    in the URL, so nobody can ask for someone else's."""
    # The response closes (and so deletes) the file once it is sent.
    archive = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES)  # noqa: SIM115
    services.write_data_export(request.user, archive)
    archive.seek(0)
    filename = f"echo-hub-my-data-{timezone.localdate():%Y-%m-%d}.zip"
    return private_stream_response(archive, filename=filename, content_type="application/zip")


@login_required
@require_http_methods(["GET", "POST"])
def close_account(request):
    form = CloseAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_account(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            logout(request)
            messages.success(request, "Your account is closed. Thank you for taking part in ECHO.")
            return redirect("home")
    return render(request, "accounts/close.html", {"form": form})
