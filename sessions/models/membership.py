"""Who belongs to a program: a person's enrollment with its role and status, and the
invitation that enrolls the owner of an email address, once, until it expires."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .programs import Program


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    EXPERT = "expert", _("Hub expert")
    PARTICIPANT = "participant", _("Participant")


class Enrollment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("enrollment status", "Requested")
        APPROVED = "approved", pgettext_lazy("enrollment status", "Approved")
        DECLINED = "declined", pgettext_lazy("enrollment status", "Declined")
        REMOVED = "removed", pgettext_lazy("enrollment status", "Removed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField(max_length=300, blank=True)
    # Its latest change (role, status): the program report counts coordinators and experts apart
    # and is kept until the faculty's rows change (echo_hub.site.reports.cache).
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "program"], name="enrollment_once_per_program"),
        ]
        indexes = [
            models.Index(fields=["program", "status", "role"]),
            # The report counts a program's coordinators and experts apart, whatever their
            # status: without it each of its aggregates read every enrollment of every program.
            models.Index(fields=["program", "role"], name="enrollment_program_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.program} ({self.get_role_display()}, {self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.APPROVED


def invitation_expiry(sent_at: datetime | None = None) -> datetime:
    return (sent_at or timezone.now()) + timedelta(days=settings.INVITATION_EXPIRY_DAYS)


class Invitation(models.Model):
    """A link that enrolls the owner of one email address, once, until it expires."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("invitation state", "Pending")
        EXPIRED = "expired", pgettext_lazy("invitation state", "Expired")
        ACCEPTED = "accepted", pgettext_lazy("invitation state", "Accepted")
        REVOKED = "revoked", pgettext_lazy("invitation state", "Revoked")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moved on by "Resend", with a new token and expiry: a removal after it cannot be undone by it.
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_accepted_or_revoked_not_both",
            ),
        ]
        indexes = [models.Index(fields=["program", "expires_at"], name="invitation_program_expires")]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.program}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if timezone.now() >= self.expires_at:
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def masked_email(self) -> str:
        """“j•••@example.org”: enough for its owner to recognise, little for anyone else."""
        local, _, domain = self.email.partition("@")
        return f"{local[:1]}•••@{domain}"
