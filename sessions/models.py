import secrets
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from echo_hub.accounts.models import validate_time_zone
from echo_hub.lib.timefmt import date_time

from .presenters import GuestPresenter

MAX_CASE_SLOTS = 3
JOIN_OPENS_BEFORE = timedelta(minutes=15)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ProgramLanguage(models.TextChoices):
    """What a program speaks: its certificates and the emails to people without an account."""

    ENGLISH = "en-ca", _("English")
    FRENCH = "fr-ca", _("French")
    BILINGUAL = "bilingual", _("Bilingual (English and French)")


PROGRAM_SCOPE_PREFIX = "program:"


def program_scope(program_id: int) -> str:
    """The outbox scope (Notification.scope) of the messages a program causes."""
    return f"{PROGRAM_SCOPE_PREFIX}{program_id}"


class Program(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(
        max_length=300, blank=True, help_text=_("One sentence shown in program lists.")
    )
    description = models.TextField(blank=True)
    is_open_for_enrollment = models.BooleanField(_("open for enrollment"), default=True)
    time_zone = models.CharField(max_length=64, default="America/Toronto", validators=[validate_time_zone])
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=ProgramLanguage.choices,
        default=ProgramLanguage.ENGLISH,
        help_text=_(
            "Certificates of a bilingual program show English and French on one page; otherwise each "
            "person gets theirs in their own language. Invitations are written in the program's language."
        ),
    )
    default_weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.WEDNESDAY)
    default_start_time = models.TimeField(default=time(12, 0))
    default_duration_minutes = models.PositiveSmallIntegerField(
        default=120, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    didactic_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(0), MaxValueValidator(240)]
    )
    case_slots_per_session = models.PositiveSmallIntegerField(
        default=MAX_CASE_SLOTS, validators=[MaxValueValidator(MAX_CASE_SLOTS)]
    )
    default_join_url = models.URLField(_("default join link"), blank=True)
    attendance_threshold_percent = models.PositiveSmallIntegerField(
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of a session a participant must attend to earn its credits."),
    )
    evaluation_required = models.BooleanField(
        default=True, help_text=_("Credits are issued only after the session evaluation is filled.")
    )
    provisional_attendance_earns_credit = models.BooleanField(
        _("provisional attendance earns credits"),
        default=False,
        help_text=_(
            "A click on Join is only a join time: after the session it becomes provisional attendance "
            "until you confirm it or import the participant report. Tick this to let it earn credits "
            "before that; accreditation bodies expect verified attendance."
        ),
    )
    evaluation_window_days = models.PositiveSmallIntegerField(
        _("days to fill the evaluation"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "A session's evaluation opens when it starts and closes this many days after it ends "
            "(1 to 365). Participants are no longer asked, nor able, to evaluate after that."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case_slots_per_session__lte=MAX_CASE_SLOTS), name="program_case_slots_max"
            ),
            models.CheckConstraint(
                condition=Q(attendance_threshold_percent__gte=1, attendance_threshold_percent__lte=100),
                name="program_threshold_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(evaluation_window_days__gte=1, evaluation_window_days__lte=365),
                name="program_evaluation_window_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sessions:program_detail", kwargs={"slug": self.slug})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def written_language(self) -> str:
        """The language to write in to someone whose own is unknown (an invited address):
        the program's, or "" for a bilingual program (then the sender's)."""
        return "" if self.language == ProgramLanguage.BILINGUAL else self.language


class Cycle(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cycles")
    name = models.CharField(max_length=120, help_text=_('For example "Fall 2026".'))
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Closed early by a coordinator: its certificates count the sessions that ended by then.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=300, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="cycle_name_unique_in_program"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="cycle_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


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

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "program"], name="enrollment_once_per_program"),
        ]
        indexes = [models.Index(fields=["program", "status", "role"])]

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
