"""Signal receivers: they turn authentication events into audit events. Nothing else
happens here."""

from .services import Action, record


def logged_in(sender, request, user, **kwargs) -> None:
    record(Action.LOGGED_IN, actor=user, obj=user, request=request)


def logged_out(sender, request, user, **kwargs) -> None:
    # user is None when the session had already ended.
    if user is not None:
        record(Action.LOGGED_OUT, actor=user, obj=user, request=request)


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The address typed is kept (lower-cased) so repeated attempts on one account show up;
    # Django has already masked the password in `credentials`.
    typed = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    record(Action.LOGIN_FAILED, actor_email=typed[:254], request=request)


def _mfa(action: str, request, user, authenticator) -> None:
    record(
        action,
        actor=user,
        obj=user,
        request=request,
        extra={"authenticator": str(getattr(authenticator, "type", ""))[:30]},
    )


def mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    _mfa(Action.MFA_ADDED, request, user, authenticator)


def mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    _mfa(Action.MFA_REMOVED, request, user, authenticator)


def mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    _mfa(Action.MFA_RESET, request, user, authenticator)
