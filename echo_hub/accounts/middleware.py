import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .mfa import resume_after_setup


class UserTimezoneMiddleware:
    """Show every time in the signed-in user's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except zoneinfo.ZoneInfoNotFoundError:
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class UserLanguageMiddleware:
    """Speak the signed-in person's own language (their profile), whatever their browser asks
    for; LocaleMiddleware has already chosen for everyone else (the language switch's cookie,
    then Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


EXPIRY_MESSAGES = {
    "idle": gettext_lazy(
        "You were signed out after %(minutes)s minutes without activity. Please log in again."
    ),
    "max_age": gettext_lazy("You were signed out %(hours)s hours after signing in. Please log in again."),
}


class SessionLimitsMiddleware:
    """End a signed-in session after SESSION_IDLE_TIMEOUT_MINUTES without a request and
    SESSION_MAX_AGE_HOURS after sign-in; otherwise note the activity (at most once a minute,
    so most requests cost no extra query). The request then goes on as anonymous, and views
    that need a user send it to the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = services.session_expiry_reason(request)
            if reason:
                services.end_expired_session(request)
                messages.info(
                    request,
                    EXPIRY_MESSAGES[reason]
                    % {
                        "minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES,
                        "hours": settings.SESSION_MAX_AGE_HOURS,
                    },
                )
            else:
                services.touch_session(request)
        return self.get_response(request)


# Paths a user who must set up two-factor authentication can still reach: the setup itself
# (which asks for the password again first), signing out, email verification, static files
# and the health checks.
MFA_SETUP_URL_NAMES = (
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_generate_recovery_codes",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "account_logout",
    "account_email",
    "account_email_verification_sent",
    "healthz",
    "readyz",
)


class MFARequiredMiddleware:
    """Coordinators, hub experts, staff and superusers without an authenticator app are sent
    to set one up before any other page (setting MFA_REQUIRED_FOR_HUB_ROLES)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed_paths: tuple[str, ...] | None = None

    def _allowed(self) -> tuple[str, ...]:
        # Resolved on first use: the URLconf is not loaded yet when middleware is built.
        if self._allowed_paths is None:
            paths = [reverse(name) for name in MFA_SETUP_URL_NAMES]
            # The confirmation link carries a key: allow everything under its prefix.
            paths.append(reverse("account_confirm_email", args=["key"]).removesuffix("key/"))
            paths.append(f"/{settings.STATIC_URL.lstrip('/')}")
            self._allowed_paths = tuple(paths)
        return self._allowed_paths

    def __call__(self, request):
        if (
            settings.MFA_REQUIRED_FOR_HUB_ROLES
            and request.user.is_authenticated
            and not self._is_allowed(request.path_info)
            and services.needs_mfa_setup(request)
        ):
            messages.warning(
                request,
                _(
                    "Your role in ECHO Hub needs two-factor authentication. "
                    "Set up an authenticator app to continue."
                ),
            )
            if request.method == "GET" and not request.headers.get("HX-Request"):
                resume_after_setup(request, request.get_full_path(), keep_earlier=True)
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _is_allowed(self, path: str) -> bool:
        allowed = self._allowed()
        return any(path == p or (p.endswith("/") and path.startswith(p) and p != "/") for p in allowed)
