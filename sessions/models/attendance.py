"""Attendance and its records: the minutes a person attended a session, their first click
on Join, who changed attendance and why, the report names matched to people, and
participants' "I attended" requests (the rules that write them: sessions.attendance)."""

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from echo_hub.lib.timefmt import date_time

from .programs import Program
from .session import Session


class Attendance(models.Model):
    """Minutes a person attended one session. One row per (session, user), only for a session
    that has started, never more than its length (sessions.attendance keeps both rules).

    A row from a Join click alone is provisional (`verified` false) until a coordinator
    confirms it or a participant report replaces it; every other source is verified."""

    class Source(models.TextChoices):
        JOIN = "join", _("Join click")
        ROSTER = "roster", pgettext_lazy("attendance source", "Roster")
        REPORT = "report", _("Participant report")
        ADJUSTED = "adjusted", _("Adjustment")
        CLAIM = "claim", _("“I attended” request")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances")
    minutes = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(24 * 60)])
    source = models.CharField(max_length=10, choices=Source.choices)
    verified = models.BooleanField(
        default=False, help_text=_("False for provisional attendance: a Join click nobody has confirmed.")
    )
    joined_at = models.DateTimeField(null=True, blank=True, help_text=_("First click on Join in ECHO Hub."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_once_per_session"),
            models.CheckConstraint(
                condition=Q(verified=True) | Q(source="join"), name="attendance_only_join_is_provisional"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.session}: {self.minutes} min"

    @property
    def is_provisional(self) -> bool:
        return not self.verified

    def creditable_minutes_in(self, program: Program) -> int:
        """The minutes that count for credits: provisional ones only where the program says so."""
        if self.verified or program.provisional_attendance_earns_credit:
            return self.minutes
        return 0

    @property
    def creditable_minutes(self) -> int:
        return self.creditable_minutes_in(self.session.program)


class SessionJoin(models.Model):
    """The first click on Join of a person for a session: a time, not attendance. After the
    session it becomes provisional attendance where nothing better exists."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="joins")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_joins")
    joined_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="session_join_once")]

    def __str__(self) -> str:
        return f"{self.user} joined {self.session} at {self.joined_at:%Y-%m-%d %H:%M}"


class AttendanceChange(models.Model):
    """Who changed attendance, when and why: kept for accreditation audits."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    old_minutes = models.PositiveSmallIntegerField()
    new_minutes = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=10, choices=Attendance.Source.choices)
    reason = models.CharField(max_length=300)
    # What the system's reasons say beyond their words (a time, a file name, a coordinator's
    # note): the reason is then its English pattern, shown in the reader's language.
    reason_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.old_minutes} → {self.new_minutes} min ({self.reason})"

    @property
    def reason_display(self) -> str:
        """The reason in the reader's language when the system wrote it (sessions.attendance marks
        those with gettext_noop); a coordinator's own words stay as typed unless they match one.
        A time among the reason's parameters reads in the reader's language and zone."""
        if not self.reason:
            return ""
        if not self.reason_params:
            return gettext(self.reason)
        params = {
            name: date_time(datetime.fromisoformat(value)) if name == "at" else value
            for name, value in self.reason_params.items()
        }
        return gettext(self.reason) % params


class ReportAlias(models.Model):
    """A display name from a video platform report, matched once to a person and remembered."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="report_aliases")
    key = models.CharField(max_length=400)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="report_alias_once_per_program")
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.user}"


class AttendanceClaim(models.Model):
    """A participant's “I attended” request for a session where they were not counted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a coordinator")
        APPROVED = "approved", pgettext_lazy("attendance request status", "Approved")
        DECLINED = "declined", pgettext_lazy("attendance request status", "Declined")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance_claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance_claims"
    )
    minutes = models.PositiveSmallIntegerField(validators=[MaxValueValidator(24 * 60)])
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="attendance_claim_once")]

    def __str__(self) -> str:
        return f"{self.user} claims {self.minutes} min at {self.session}"
