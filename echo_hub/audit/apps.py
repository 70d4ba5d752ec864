from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed


class AuditConfig(AppConfig):
    name = "echo_hub.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from allauth.mfa import signals as mfa_signals

        from . import receivers

        user_logged_in.connect(receivers.logged_in, dispatch_uid="audit.logged_in")
        user_logged_out.connect(receivers.logged_out, dispatch_uid="audit.logged_out")
        user_login_failed.connect(receivers.login_failed, dispatch_uid="audit.login_failed")
        mfa_signals.authenticator_added.connect(receivers.mfa_added, dispatch_uid="audit.mfa_added")
        mfa_signals.authenticator_removed.connect(receivers.mfa_removed, dispatch_uid="audit.mfa_removed")
        mfa_signals.authenticator_reset.connect(receivers.mfa_reset, dispatch_uid="audit.mfa_reset")
