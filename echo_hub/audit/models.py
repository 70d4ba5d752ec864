from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RETENTION_YEARS = 5


class AuditEvent(models.Model):
    """One security-relevant action: who, when, on what object, from where. Never case text.

    Append-only: rows are written by `echo_hub.audit.services.record` and read by
    coordinators (their program's events) and superusers (all). Nothing updates them; the
    only delete is `manage.py prune_audit`, which refuses anything younger than
    RETENTION_YEARS (5) years, because accreditation bodies ask for attendance and
    certificate records that long.

    The object label is built from the object's type and id (a certificate adds the start of
    its public code), never from a title or free text, so a case's content cannot reach the
    trail. `extra` holds short non-sensitive facts (role, minutes before and after, counts).
    """

    class Action(models.TextChoices):
        CASE_VIEWED = "case_viewed", _("Case viewed")
        CASE_EDITED = "case_edited", _("Case edited")
        CASE_SUBMITTED = "case_submitted", _("Case submitted")
        CASE_RETURNED = "case_returned", _("Case returned")
        CASE_OVERRIDES_ACCEPTED = "case_overrides_accepted", _("Text marked not identifying accepted")
        CASE_SCHEDULED = "case_scheduled", _("Case scheduled")
        CASE_PRESENTED = "case_presented", _("Case marked presented")
        CASE_WITHDRAWN = "case_withdrawn", _("Case withdrawn by its presenter")
        CASE_EXPORTED = "case_exported", _("Case exported")
        CASE_LIBRARY_SCREENED = "case_library_screened", _("Case screened for the library")
        RECOMMENDATIONS_SAVED = "recommendations_saved", _("Recommendations saved")
        RECOMMENDATIONS_FINALIZED = "recommendations_finalized", _("Recommendations finalized")
        ATTENDANCE_ROSTER_SAVED = "attendance_roster_saved", _("Attendance roster saved")
        ATTENDANCE_ADJUSTED = "attendance_adjusted", _("Attendance adjusted")
        ATTENDANCE_IMPORTED = "attendance_imported", _("Attendance report imported")
        ATTENDANCE_CLAIM_DECIDED = "attendance_claim_decided", _("Attendance request decided")
        ATTENDANCE_CONFIRMED = "attendance_confirmed", _("Provisional attendance confirmed")
        CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
        CERTIFICATE_REISSUED = "certificate_reissued", _("Certificate reissued")
        CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")
        EVALUATION_REMINDERS_SENT = "evaluation_reminders_sent", _("Evaluation reminders sent")
        CREDIT_RULE_CHANGED = "credit_rule_changed", _("Credit type or accreditation changed")
        ENROLLMENT_APPROVED = "enrollment_approved", _("Enrollment approved")
        ENROLLMENT_DECLINED = "enrollment_declined", _("Enrollment declined")
        ENROLLMENT_ADDED = "enrollment_added", _("Enrollment added")
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        ROLE_CHANGED = "role_changed", _("Role changed")
        PROGRAM_CREATED = "program_created", _("Program created")
        PROGRAM_CHANGED = "program_changed", _("Program settings changed")
        CYCLE_CREATED = "cycle_created", _("Cycle opened")
        CYCLE_CHANGED = "cycle_changed", _("Cycle dates changed")
        CYCLE_CLOSED = "cycle_closed", _("Cycle closed early")
        SESSION_SCHEDULED = "session_scheduled", _("Session scheduled")
        SESSION_EDITED = "session_edited", _("Session edited")
        SESSION_RESCHEDULED = "session_rescheduled", _("Session rescheduled")
        SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        LOGGED_IN = "logged_in", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Login failed")
        LOGGED_OUT = "logged_out", _("Logged out")
        MFA_ADDED = "mfa_added", _("MFA authenticator added")
        MFA_REMOVED = "mfa_removed", _("MFA authenticator removed")
        MFA_RESET = "mfa_reset", _("MFA recovery codes reset")
        ACCESS_DENIED = "access_denied", _("Access denied")

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A snapshot: the trail still says who acted after the account is renamed or deleted.
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    program = models.ForeignKey(
        "echo_sessions.Program", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_label = models.CharField(max_length=80, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=100, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["program", "-at"], name="audit_program_at"),
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            models.Index(fields=["-at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_email or 'nobody'} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Audit events are append-only: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only: only prune_audit removes old ones.")
