from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import User, new_calendar_token

# Keys this app keeps in the Django session: when the user signed in and was last seen (Unix
# seconds), and until when the MFA check passed.
LOGIN_AT = "echo_hub.login_at"
SEEN_AT = "echo_hub.seen_at"
MFA_OK_UNTIL = "echo_hub.mfa_ok_until"
# Last activity is written at most once a minute: most requests then cost no extra query.
TOUCH_EVERY_SECONDS = 60


@transaction.atomic
def regenerate_calendar_token(*, user: User) -> str:
    """Give the user a new feed token; the old feed URL stops working at once."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


@transaction.atomic
def set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Not a language of the site: {language!r}")
    user.language = language
    user.save(update_fields=["language"])


# --- Two-factor authentication ------------------------------------------------------------


def mfa_required(user: User) -> bool:
    """Whether this user must sign in with a second factor. Who must is the site's rule
    (settings.MFA_REQUIRED_RULE names it): it knows the programs' roles, which this layer
    does not."""
    return import_string(settings.MFA_REQUIRED_RULE)(user)


def has_authenticator_app(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_mfa_setup(request: HttpRequest) -> bool:
    """True when this signed-in user must set up an authenticator app before anything else.
    A pass is remembered in the session for a minute so most requests cost no query; a
    failure is never remembered, so finishing the setup lets the user through at once."""
    stamp = int(timezone.now().timestamp())
    if request.session.get(MFA_OK_UNTIL, 0) > stamp:
        return False
    user = request.user
    if mfa_required(user) and not has_authenticator_app(user):
        return True
    request.session[MFA_OK_UNTIL] = stamp + TOUCH_EVERY_SECONDS
    return False


# --- Signed-in sessions -------------------------------------------------------------------
# allauth.usersessions describes each signed-in browser (a row per Django session, made at
# sign-in); Django's session-hash check signs every other browser out when the password
# changes or is reset. What remains here: the idle and absolute time limits of a sign-in.


def session_expiry_reason(request: HttpRequest) -> str | None:
    """Why this signed-in session is over ("idle" or "max_age"), or None while it is live."""
    stamp = int(timezone.now().timestamp())
    login_at = request.session.get(LOGIN_AT)
    if login_at is None:
        return None
    seen = request.session.get(SEEN_AT, login_at)
    if stamp - login_at > settings.SESSION_MAX_AGE_HOURS * 3600:
        return "max_age"
    if stamp - seen > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
        return "idle"
    return None


def start_session_clocks(request: HttpRequest) -> None:
    """Called when someone signs in: both limits count from now."""
    request.session[LOGIN_AT] = int(timezone.now().timestamp())
    request.session.pop(SEEN_AT, None)
    request.session.pop(MFA_OK_UNTIL, None)


def touch_session(request: HttpRequest) -> None:
    """Note activity on a live session, saving it at most once a minute. The stored session expires a minute after the idle
    limit (from the first request after signing in: allauth sets its own expiry while signing
    in), so a browser that never comes back is gone from the database and from the list of
    signed-in devices without a sweep, while one that does come back is told why. A session
    from before these clocks starts them now."""
    stamp = int(timezone.now().timestamp())
    seen = request.session.get(SEEN_AT)
    if request.session.get(LOGIN_AT) is None:
        request.session[LOGIN_AT] = stamp
    if seen is not None and stamp - seen < TOUCH_EVERY_SECONDS:
        return
    request.session[SEEN_AT] = stamp
    request.session.set_expiry((settings.SESSION_IDLE_TIMEOUT_MINUTES + 1) * 60)


def end_expired_session(request: HttpRequest) -> None:
    """Sign the browser out (its Django session is deleted)."""
    logout(request)


def signed_in_sessions(*, user: User) -> list[UserSession]:
    """The user's live sessions, most recent sign-in first; rows of ended ones are dropped."""
    return sorted(UserSession.objects.purge_and_list(user), key=lambda s: s.created_at, reverse=True)


def end_session(*, user: User, session_id: int, request: HttpRequest) -> bool:
    """End one of the user's other sessions. The current one ends with "Log out"; another
    user's session is never found. Returns whether a session was ended."""
    row = (
        UserSession.objects.filter(user=user, pk=session_id)
        .exclude(session_key=request.session.session_key)
        .first()
    )
    if row is None:
        return False
    row.end()
    return True


def end_other_sessions(*, user: User, request: HttpRequest) -> int:
    """End every session of the user except the one making this request."""
    others = list(UserSession.objects.filter(user=user).exclude(session_key=request.session.session_key))
    for row in others:
        row.end()
    return len(others)


def end_all_sessions(*, user: User) -> None:
    """Every browser signed in as the user is signed out (closing the account)."""
    for row in UserSession.objects.filter(user=user):
        row.end()
