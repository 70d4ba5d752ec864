"""A case's way through the hub: its place on a session's agenda, the lines of its
timeline, and the presenter's word on text the identifier guard flagged, which a coordinator
accepts or returns."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sessions.models import MAX_CASE_SLOTS, Session

from .case import Case


class CaseSlot(models.Model):
    """A case's place on a session's agenda. The unique position per session, bounded
    by MAX_CASE_SLOTS, is what stops two coordinators overfilling a session at once."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="case_slots_taken")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="slot")
    position = models.PositiveSmallIntegerField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session__starts_at", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="caseslot_one_case_per_position"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=MAX_CASE_SLOTS), name="caseslot_position_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.position} of {self.session}"


class CaseEvent(models.Model):
    """One line of a case's timeline."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("case status", "Submitted")
        RETURNED = "returned", pgettext_lazy("case status", "Returned for changes")
        SCREENED = "screened", pgettext_lazy("case status", "Screened")
        SCHEDULED = "scheduled", pgettext_lazy("case status", "Scheduled")
        PRESENTED = "presented", pgettext_lazy("case status", "Presented")
        LETTER_SENT = "letter_sent", pgettext_lazy("case status", "Letter sent")
        FOLLOW_UP = "follow_up", pgettext_lazy("case status", "Follow-up reported")
        RE_PRESENTATION = "re_presentation", pgettext_lazy("case status", "Asked to present again")
        WITHDRAWN = "withdrawn", pgettext_lazy("case status", "Withdrawn by the presenter")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case})"


class IdentifierOverride(models.Model):
    """A presenter's word that text the identifier guard flagged in one field of a case does
    not identify the patient. The case waits for a coordinator to accept it (or return the
    case); until then no hub expert or participant sees the case."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a coordinator")
        ACCEPTED = "accepted", _("Accepted by a coordinator")
        RETURNED = "returned", _("Returned to the presenter")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="identifier_overrides")
    field = models.CharField(max_length=40)
    # The flagged pieces of text, as typed; what the coordinator checks.
    snippets = models.JSONField(default=list)
    kinds = models.JSONField(default=list)
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "field", "pk"]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"{self.field} of {self.case}: {self.get_status_display()}"
