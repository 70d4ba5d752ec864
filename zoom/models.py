from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sessions.models import Program, Session

from . import crypto

DETAIL = " — "


def stored_message(message: str) -> str:
    """A message a worker stored in English (marked with gettext_noop where it is written), in
    the reader's language where the catalogue has it; never gettext("") (the catalogue header).
    A technical detail after DETAIL (client.detailed) is kept as it is."""
    if not message:
        return ""
    text, sep, detail = message.partition(DETAIL)
    return gettext(text) + sep + detail


class ZoomConnection(models.Model):
    """A program's Server-to-Server OAuth app. Secrets are stored encrypted (zoom.crypto) and
    never shown again: the settings page only says whether one is stored."""

    class Status(models.TextChoices):
        UNCHECKED = "unchecked", _("Not checked yet")
        CONNECTED = "connected", pgettext_lazy("Zoom connection", "Connected")
        ERROR = "error", pgettext_lazy("Zoom connection", "Error")

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="zoom_connection")
    account_id = models.CharField(_("account ID"), max_length=100)
    client_id = models.CharField(_("client ID"), max_length=100)
    client_secret_encrypted = models.TextField(editable=False)
    webhook_token_encrypted = models.TextField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNCHECKED)
    last_error = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # The current access token (Zoom's last one hour), shared by every worker until it expires.
    access_token_encrypted = models.TextField(blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Zoom connection of {self.program}"

    def __repr__(self) -> str:
        # Never the secrets, even encrypted, in a log line or a traceback.
        return f"<ZoomConnection {self.pk} program={self.program_id} status={self.status}>"

    def get_absolute_url(self) -> str:
        return reverse("zoom:connection", kwargs={"slug": self.program.slug})

    @property
    def error_message(self) -> str:
        return stored_message(self.last_error)

    @property
    def client_secret(self) -> str:
        return crypto.decrypt(self.client_secret_encrypted)

    @property
    def webhook_token(self) -> str:
        return crypto.decrypt(self.webhook_token_encrypted)


class ZoomMeeting(models.Model):
    """The Zoom meeting of one session, as last created or updated by ECHO Hub."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("Zoom meeting", "Active")
        DELETED = "deleted", _("Deleted (session cancelled)")
        MISSING = "missing", _("Deleted in Zoom")
        ERROR = "error", pgettext_lazy("Zoom meeting", "Error")

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="zoom_meeting")
    meeting_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    uuid = models.CharField(max_length=100, blank=True)
    join_url = models.URLField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    last_error = models.CharField(max_length=300, blank=True)
    # What Zoom holds: a sync compares these with the session and updates only on a difference.
    synced_topic = models.CharField(max_length=200, blank=True)
    synced_starts_at = models.DateTimeField(null=True, blank=True)
    synced_minutes = models.PositiveSmallIntegerField(default=0)
    ended_uuid = models.CharField(max_length=100, blank=True)
    report_imported_at = models.DateTimeField(null=True, blank=True)
    report_error = models.CharField(max_length=300, blank=True)
    # The participants Zoom reported, kept so a coordinator can match the unmatched by hand.
    report = models.JSONField(default=list, blank=True)
    report_unmatched = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Zoom meeting {self.meeting_id} of {self.session}"

    @property
    def error_message(self) -> str:
        return stored_message(self.last_error)

    @property
    def report_error_message(self) -> str:
        return stored_message(self.report_error)


class ZoomRegistrant(models.Model):
    """A member registered for a session's meeting, with their own join link."""

    meeting = models.ForeignKey(ZoomMeeting, on_delete=models.CASCADE, related_name="registrants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    registrant_id = models.CharField(max_length=100, db_index=True)
    join_url = models.URLField(max_length=1000)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="zoom_registrant_once")]

    def __str__(self) -> str:
        return f"{self.user} registered for {self.meeting}"
