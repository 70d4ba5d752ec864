from allauth.account.decorators import secure_admin_login
from allauth.account.utils import get_next_redirect_url
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from echo_hub.lib.urls import absolute_url

from . import services
from .forms import ProfileForm
from .mfa import pop_resume_after_setup


# Stands in for the admin's own login form, which took a password alone and switched even a
# signed-in user to whoever's password was posted. Visitors are sent to the site's sign-in
# (second factor, rate limits, MFA setup); signed-in staff go on; anyone else gets a 403.
@secure_admin_login
def admin_login(request, extra_context=None):
    return redirect(get_next_redirect_url(request) or "admin:index")


# The site's page asks for the current password under its rate limit and ends the other sessions.
def admin_password_change(request, extra_context=None):
    return redirect("account_change_password")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
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
        _(
            "Your calendar feed has a new address. Update it in your calendar app; the old one no longer works."
        ),
    )
    return redirect("accounts:calendar")


@login_required
@require_GET
def security(request):
    current = request.session.session_key
    sessions = services.signed_in_sessions(user=request.user)
    return render(
        request,
        "accounts/security.html",
        {
            "current_session": next((s for s in sessions if s.session_key == current), None),
            "other_sessions": [s for s in sessions if s.session_key != current],
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
        messages.success(request, _("That session is ended: the device is signed out."))
    else:
        messages.info(request, _("That session had already ended."))
    return redirect("accounts:security")


@login_required
@require_POST
def sessions_end_others(request):
    ended = services.end_other_sessions(user=request.user, request=request)
    if ended:
        messages.success(
            request,
            ngettext(
                "Signed out everywhere else (%(count)d session).",
                "Signed out everywhere else (%(count)d sessions).",
                ended,
            )
            % {"count": ended},
        )
    else:
        messages.info(request, _("You were not signed in anywhere else."))
    return redirect("accounts:security")


@require_http_methods(["GET", "POST"])
def set_language(request):
    """The language switch. A visitor follows a link (GET): only the language cookie changes.
    A signed-in person posts the form: the choice is also kept on their profile, for emails and
    PDFs. Then back to the page they were on."""
    language = request.POST.get("language") if request.method == "POST" else request.GET.get("language")
    next_url = request.POST.get("next") if request.method == "POST" else request.GET.get("next")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("home")
    response = redirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.method == "POST" and request.user.is_authenticated:
        services.set_language(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
