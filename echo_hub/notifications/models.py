from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One outgoing message. The unique key makes each message go out at most once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    email = models.EmailField()
    kind = models.CharField(max_length=64)
    object_key = models.CharField(max_length=120)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Who answers for the message, e.g. "program:12" for the program that caused it: its
    # coordinators see and resend it when it fails. Blank for a person's own account mail.
    scope = models.CharField(max_length=60, blank=True)
    # Which queue_many call wrote the row: racing sweeps each count only their own.
    batch = models.UUIDField(null=True, blank=True, editable=False)
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=60, blank=True)
    attachment_content = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "kind", "object_key"], name="notification_once_per_message"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["scope", "status"], name="notification_scope_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.email} ({self.status})"


class NotificationPreference(models.Model):
    """Opt-outs of optional messages. Essential ones (cancellations, letters) always go out."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    muted_kinds = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Preferences of {self.user}"
