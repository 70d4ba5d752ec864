"""Receivers only: each hands the event to a service."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="accounts.record_sign_in")
def _record_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.record_sign_in(request, user)


@receiver(user_logged_out, dispatch_uid="accounts.forget_session")
def _forget_session(sender, request, user, **kwargs):
    if request is not None:
        services.forget_session(request)


@receiver(password_changed, dispatch_uid="accounts.end_sessions_on_password_change")
@receiver(password_set, dispatch_uid="accounts.end_sessions_on_password_set")
@receiver(password_reset, dispatch_uid="accounts.end_sessions_on_password_reset")
def _end_other_sessions(sender, request, user, **kwargs):
    services.end_other_sessions(user=user, request=request)
