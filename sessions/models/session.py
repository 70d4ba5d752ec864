"""A session of a program and what hangs off it: its time and status, when its join link
and evaluation are open, a member's own join link, the cancellations and moves members must
hear of, and its slides, recordings and references."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..presenters import GuestPresenter
from .programs import MAX_CASE_SLOTS, Cycle, Program

JOIN_OPENS_BEFORE = timedelta(minutes=15)


def title_with_topic(title: str, topic: str) -> str:
    """A session's title and its didactic topic as one line, each said once: "Session 3: Sleep
    and pain". A topic the title already holds (or that starts with the title) is not repeated,
    and a topic with a colon of its own is set off by a dash, never a second colon prefix
    ("Session 3 — Opioid tapering: when and how", not "Session 3: Opioid tapering: when…")."""
    title, topic = title.strip(), topic.strip()
    if not topic or topic.casefold() in title.casefold():
        return title
    if not title or topic.casefold().startswith(title.casefold()):
        return topic
    separator = " — " if ":" in topic or ":" in title else ": "
    return f"{title}{separator}{topic}"


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("session status", "Scheduled")
        CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(default=1, help_text=_("Position in its cycle."))
    title = models.CharField(max_length=200)
    didactic_topic = models.CharField(max_length=200, blank=True)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="didactic_sessions",
        help_text=_("The hub expert who gives the didactic."),
    )
    guest_presenter = models.ForeignKey(
        GuestPresenter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        help_text=_("A presenter without an account; never together with a member presenter."),
    )
    learning_objectives = models.TextField(blank=True, help_text=_("One objective per line."))
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    join_url = models.URLField(_("join link"), blank=True)
    case_slots = models.PositiveSmallIntegerField(
        _("case slots"), default=MAX_CASE_SLOTS, validators=[MaxValueValidator(MAX_CASE_SLOTS)]
    )
    accreditation_id = models.CharField(
        _("certifying body's session ID"),
        max_length=40,
        blank=True,
        help_text=_("For example the 9-digit Mainpro+ session ID; printed on certificates."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.CharField(max_length=300, blank=True)
    # RFC 5545 SEQUENCE: bumped on every change a calendar must pick up.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(case_slots__lte=MAX_CASE_SLOTS), name="session_case_slots_max"
            ),
            models.CheckConstraint(
                condition=Q(presenter__isnull=True) | Q(guest_presenter__isnull=True),
                name="session_member_or_guest_presenter",
            ),
        ]
        indexes = [models.Index(fields=["program", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sessions:session_detail", kwargs={"slug": self.program.slug, "pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def phase(self) -> tuple[str, str]:
        """(css key, word) for the status badge: what a person needs to know right now."""
        if self.is_cancelled:
            return "cancelled", pgettext_lazy("session status", "Cancelled")
        now = timezone.now()
        if self.ends_at < now:
            return "held", pgettext_lazy("session status", "Held")
        if self.starts_at <= now:
            return "live", pgettext_lazy("session status", "In progress")
        return "scheduled", pgettext_lazy("session status", "Scheduled")

    @property
    def join_open(self) -> bool:
        """The join link is live from 15 minutes before the start until the end."""
        now = timezone.now()
        return not self.is_cancelled and self.starts_at - JOIN_OPENS_BEFORE <= now <= self.ends_at

    @property
    def evaluation_closes_at(self):
        """Its evaluation opens at the start and closes the program's number of days after the
        end (the rule itself is cpd's: cpd.services.require_evaluation_open)."""
        return self.ends_at + timedelta(days=self.program.evaluation_window_days)

    @property
    def evaluation_open(self) -> bool:
        now = timezone.now()
        return not self.is_cancelled and self.starts_at <= now < self.evaluation_closes_at

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def heading(self) -> str:
        return title_with_topic(self.title, self.didactic_topic)

    @property
    def didactic_presenter(self):
        """The member or the guest who gives the didactic (both print `name_with_credentials`)."""
        return self.presenter or self.guest_presenter

    @property
    def objectives(self) -> list[str]:
        return [line.strip() for line in self.learning_objectives.splitlines() if line.strip()]

    @property
    def ical_uid(self) -> str:
        return f"session-{self.pk}@echo-hub"


class MemberJoinLink(models.Model):
    """A member's own join link for one session, given by the video platform when it registers
    them (Zoom registration): the platform's report then names them exactly. Without one, the
    member joins by the session's link."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="member_join_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=1000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="member_join_link_once")]

    def __str__(self) -> str:
        return f"Join link of {self.user} for {self.session}"


class SessionChange(models.Model):
    """A cancellation or a move members must hear of. Saved with the change; a worker then
    writes one message per member (the request never waits for that fan-out), and the beat
    sweep does it for a change whose task the broker lost. One row per calendar SEQUENCE, so
    a retried task finds its row done."""

    class Kind(models.TextChoices):
        CANCELLED = "session_cancelled", pgettext_lazy("session change", "Cancelled")
        RESCHEDULED = "session_rescheduled", pgettext_lazy("session change", "Rescheduled")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="changes")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the members' messages were written to the outbox; empty while they are due.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "sequence"], name="session_change_once_per_sequence")
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(notified_at__isnull=True), name="session_change_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.session} (sequence {self.sequence})"


class SessionMaterial(models.Model):
    """Slides of a session's didactic (a private PDF) or a link to its recording or a reference."""

    class Kind(models.TextChoices):
        SLIDES = "slides", _("Slides")
        RECORDING = "recording", _("Recording")
        REFERENCE = "reference", _("Reference")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="slides/", blank=True)
    url = models.URLField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="slides", url="") & ~Q(file=""))
                | (Q(kind__in=["recording", "reference"], file="") & Q(url__startswith="https://")),
                name="session_material_file_xor_url",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_slides(self) -> bool:
        return self.kind == self.Kind.SLIDES
