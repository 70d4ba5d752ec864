import time
from datetime import datetime, timedelta
from importlib import import_module

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from echo_hub.lib.client import client_ip

from .models import User, UserSession, new_calendar_token

# Keys this app keeps in the Django session: when the user signed in and was last seen (Unix
# seconds), which UserSession row describes this browser, and until when the MFA check passed.
LOGIN_AT = "echo_hub.login_at"
SEEN_AT = "echo_hub.seen_at"
ROW_ID = "echo_hub.session_row"
MFA_OK_UNTIL = "echo_hub.mfa_ok_until"
# Last activity is written at most once a minute: most requests then cost no extra query.
TOUCH_EVERY_SECONDS = 60
USER_AGENT_MAX = 300


# A sign-in whose password was typed this recently counts as allauth's password confirmation.
FRESH_PASSWORD_SECONDS = 60


def now() -> datetime:
    """The clock of the session rules (tests move it forward)."""
    return timezone.now()


@transaction.atomic
def regenerate_calendar_token(*, user: User) -> str:
    """Give the user a new feed token; the old feed URL stops working at once."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


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
    stamp = int(now().timestamp())
    if request.session.get(MFA_OK_UNTIL, 0) > stamp:
        return False
    user = request.user
    if mfa_required(user) and not has_authenticator_app(user):
        return True
    request.session[MFA_OK_UNTIL] = stamp + TOUCH_EVERY_SECONDS
    return False


# --- Signed-in sessions -------------------------------------------------------------------


def _session_store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def record_sign_in(request: HttpRequest, user: User) -> UserSession:
    """Called on every sign-in: start the session clocks and describe this browser."""
    if request.session.session_key is None:
        request.session.save()
    moment = now()
    stamp = int(moment.timestamp())
    request.session[LOGIN_AT] = stamp
    request.session[SEEN_AT] = stamp
    request.session.pop(MFA_OK_UNTIL, None)
    row, _ = UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
            "created": moment,
            "last_seen": moment,
        },
    )
    request.session[ROW_ID] = row.pk
    _prune_silent_rows(user)
    _password_sign_in_counts_for_mfa_setup(request, user)
    return row


def _password_sign_in_counts_for_mfa_setup(request: HttpRequest, user: User) -> None:
    """allauth asks for the password again before an authenticator is added, even seconds
    after a password sign-in. Hub staff are sent to that setup straight from signing in, so a
    password sign-in of someone who must set it up counts as that confirmation (for allauth's
    usual ACCOUNT_REAUTHENTICATION_TIMEOUT). Other ways in (an email link) still confirm."""
    records = get_authentication_records(request, user)
    just_typed_password = (
        bool(records)
        and records[-1].get("method") == "password"
        and time.time() - records[-1].get("at", 0) < FRESH_PASSWORD_SECONDS
    )
    if just_typed_password and mfa_required(user) and not has_authenticator_app(user):
        record_authentication(request, user, method="password", reauthenticated=True)


def _prune_silent_rows(user: User) -> None:
    """Rows of browsers silent for longer than the idle limit describe sessions that are
    over; sign-in is a cheap moment to drop them."""
    limit = now() - timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES)
    UserSession.objects.filter(user=user, last_seen__lt=limit).delete()


def forget_session(request: HttpRequest) -> None:
    """Called on sign-out: the browser's row goes with its session."""
    session = getattr(request, "session", None)
    if session is None:
        return
    row_id = session.get(ROW_ID)
    if row_id:
        UserSession.objects.filter(pk=row_id).delete()
    elif session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


def session_expiry_reason(request: HttpRequest) -> str | None:
    """Why this signed-in session is over ("idle" or "max_age"), or None while it is live."""
    stamp = int(now().timestamp())
    seen = request.session.get(SEEN_AT)
    login_at = request.session.get(LOGIN_AT)
    if seen is None or login_at is None:
        return None
    if stamp - login_at > settings.SESSION_MAX_AGE_HOURS * 3600:
        return "max_age"
    if stamp - seen > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
        return "idle"
    return None


def touch_session(request: HttpRequest) -> None:
    """Note activity on a live session, writing at most once a minute. A session that
    started before these rules (no clocks yet) starts its clocks now."""
    moment = now()
    stamp = int(moment.timestamp())
    seen = request.session.get(SEEN_AT)
    if request.session.get(LOGIN_AT) is None:
        request.session[LOGIN_AT] = stamp
    if seen is not None and stamp - seen < TOUCH_EVERY_SECONDS:
        return
    request.session[SEEN_AT] = stamp
    row_id = request.session.get(ROW_ID)
    if row_id:
        UserSession.objects.filter(pk=row_id).update(last_seen=moment)
    elif request.session.session_key:
        # Signed in before sessions were recorded: describe it now so the user can see it.
        row, _ = UserSession.objects.get_or_create(
            session_key=request.session.session_key,
            defaults={
                "user": request.user,
                "ip": client_ip(request),
                "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
                "created": moment,
                "last_seen": moment,
            },
        )
        request.session[ROW_ID] = row.pk


def end_expired_session(request: HttpRequest) -> None:
    """Sign the browser out (the Django session and its row are deleted)."""
    logout(request)


def signed_in_sessions(*, user: User) -> list[UserSession]:
    """The user's live sessions, most recently active first (silent ones are over)."""
    limit = now() - timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES)
    return list(UserSession.objects.filter(user=user, last_seen__gte=limit))


def end_session(*, user: User, session_id: int, request: HttpRequest) -> bool:
    """End one of the user's other sessions. The current one ends with "Log out"; another
    user's session is never found. Returns whether a session was ended."""
    if session_id == request.session.get(ROW_ID):
        return False
    row = UserSession.objects.filter(user=user, pk=session_id).first()
    if row is None:
        return False
    _session_store(row.session_key).delete()
    row.delete()
    return True


def end_all_sessions(*, user: User) -> None:
    """Every browser signed in as the user is signed out (closing the account)."""
    for row in UserSession.objects.filter(user=user):
        _session_store(row.session_key).delete()
    UserSession.objects.filter(user=user).delete()


def end_other_sessions(*, user: User, request: HttpRequest | None = None) -> int:
    """End every session of the user except the one making this request (when it is the
    user's own). The current row follows the session key, which a password change rotates."""
    keep = None
    if request is not None and getattr(request, "user", None) == user and hasattr(request, "session"):
        keep = request.session.get(ROW_ID)
    others = UserSession.objects.filter(user=user).exclude(pk=keep)
    ended = 0
    for row in others:
        _session_store(row.session_key).delete()
        ended += 1
    others.delete()
    if keep and request.session.session_key:
        UserSession.objects.filter(pk=keep).update(session_key=request.session.session_key)
    return ended
