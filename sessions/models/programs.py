"""Programs and their cycles: what a program is (its language, time zone, default session
shape, attendance and evaluation rules) and the named runs of sessions it holds, such as
"Fall 2026". The outbox scope of a program's messages is named here too."""

import zoneinfo
from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from echo_hub.accounts.models import validate_time_zone

MAX_CASE_SLOTS = 3


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
    # Read by the program report's cache key: the report shows cycles' names.
    updated_at = models.DateTimeField(auto_now=True)
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
