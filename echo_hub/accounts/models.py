import secrets
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Now
from django.utils.translation import gettext_lazy as _

from echo_hub.lib.text import choice_label, validate_visible_text


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


HONORIFICS = {"dr", "mr", "mrs", "ms", "mx", "prof", "miss"}


class Profession(models.TextChoices):
    FAMILY_PHYSICIAN = "family_physician", _("Family physician")
    SPECIALIST_PHYSICIAN = "specialist_physician", _("Specialist physician")
    NURSE_PRACTITIONER = "nurse_practitioner", _("Nurse practitioner")
    REGISTERED_NURSE = "registered_nurse", _("Registered nurse")
    PRACTICAL_NURSE = "practical_nurse", _("Registered practical nurse")
    PHYSICIAN_ASSISTANT = "physician_assistant", _("Physician assistant")
    PHARMACIST = "pharmacist", _("Pharmacist")
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("Occupational therapist")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    OTHER = "other", _("Other health professional")


class CommunityType(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")
    REMOTE = "remote", _("Remote")


COMMON_TIME_ZONES = [
    "America/St_Johns",
    "America/Halifax",
    "America/Toronto",
    "America/Winnipeg",
    "America/Regina",
    "America/Edmonton",
    "America/Vancouver",
    "America/Whitehorse",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
]


def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Canadian and US zones first, then every other IANA zone. Kept out of the model
    field so that migrations do not depend on the machine's tz database."""
    others = sorted(name for name in available_timezones() if "/" in name and name not in COMMON_TIME_ZONES)
    return [
        (_("Canada and United States"), [(name, name.replace("_", " ")) for name in COMMON_TIME_ZONES]),
        (_("Everywhere else"), [(name, name.replace("_", " ")) for name in others]),
    ]


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("“%(zone)s” is not a known time zone.") % {"zone": value}) from None


def npi_check_digit_ok(npi: str) -> bool:
    """The NPI's tenth digit is a Luhn check digit over “80840” and the first nine (CMS)."""
    digits = [int(d) for d in "80840" + npi]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def validate_npi(value: str) -> None:
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise ValidationError(_("An NPI has exactly 10 digits."))
    if not npi_check_digit_ok(value):
        raise ValidationError(
            _("This is not a valid NPI: its last digit does not match. Check it on your NPPES record.")
        )


def validate_digits(value: str) -> None:
    if not (value.isascii() and value.isdigit()):
        raise ValidationError(_("Use digits only, without spaces or dashes."))


# Text identifiers that accreditation bodies match learners on (birth month and day besides).
LEARNER_IDENTIFIERS = ("licensing_body", "licence_number", "cfpc_number", "npi", "nabp_eprofile_id")

# The days of each month, 29 for February: a birth month and day, no year.
DAYS_IN_MONTH = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person: hub staff, spoke clinician or participant. Roles live on Enrollment."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True, validators=[validate_visible_text])
    profession = models.CharField(max_length=32, choices=Profession.choices, blank=True)
    credentials = models.CharField(
        max_length=80,
        blank=True,
        validators=[validate_visible_text],
        help_text=_('Printed after your name on certificates, e.g. "MD, CCFP".'),
    )
    organization = models.CharField("organization or site", max_length=200, blank=True)
    community_type = models.CharField(max_length=10, choices=CommunityType.choices, blank=True)
    time_zone = models.CharField(max_length=64, default="America/Toronto", validators=[validate_time_zone])
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Pages, emails, calendar entries and your certificates use this language."),
    )
    # Learner identifiers: optional, used only by the accreditation exports that need them.
    licensing_body = models.CharField(
        "licensing body",
        max_length=120,
        blank=True,
        help_text=_(
            "The college or board that licenses you, e.g. “CPSO”, “College of Nurses of Ontario”, "
            "“Texas Medical Board”."
        ),
    )
    licence_number = models.CharField("licence number", max_length=40, blank=True)
    cfpc_number = models.CharField(
        "CFPC member number",
        max_length=12,
        blank=True,
        validators=[validate_digits],
        help_text=_(
            "Family physicians: your College of Family Physicians of Canada ID, for Mainpro+ credits."
        ),
    )
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text=_("US clinicians: your 10-digit National Provider Identifier."),
    )
    birth_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    birth_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    nabp_eprofile_id = models.CharField(
        "NABP e-Profile ID",
        max_length=12,
        blank=True,
        validators=[validate_digits],
        help_text=_("Pharmacists in the US: the ID of your NABP e-Profile, for CPE Monitor."),
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    daily_digest = models.BooleanField(
        "email me a daily digest of what waits for me",
        default=True,
        # In the database too: rows written by code that predates the field (an older
        # migration's historical model) get it ticked rather than failing.
        db_default=True,
        help_text="Coordinators: one email a morning, only on days when enrollment requests, cases, "
        "letters, attendance or failed messages wait for you.",
    )
    # When the account was last saved whole (a profile edit, an account closed; a sign-in or a
    # language switch saves only its own field): program reports group people by profession,
    # community and organization and are kept until it moves (echo_hub.site.reports.cache).
    updated_at = models.DateTimeField(auto_now=True, db_default=Now(), db_index=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "email"]
        # People are listed in this order a page at a time (a program's members, its roster):
        # read in it and stop at the page's end, rather than sort thousands of members first.
        indexes = [models.Index(fields=["full_name", "email"], name="user_name_order")]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True, birth_day__isnull=True)
                | Q(birth_month__isnull=False, birth_day__isnull=False),
                name="accounts_user_birth_month_and_day_together",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        month, day = self.birth_month, self.birth_day
        if (month is None) != (day is None):
            missing = "birth_day" if day is None else "birth_month"
            raise ValidationError({missing: _("Give both the month and the day of your birth, or neither.")})
        if month is not None and month in DAYS_IN_MONTH and day > DAYS_IN_MONTH[month]:
            raise ValidationError(
                {"birth_day": _("That month has %(days)s days.") % {"days": DAYS_IN_MONTH[month]}}
            )

    def get_profession_display(self) -> str:
        return choice_label(Profession, self.profession)

    def get_community_type_display(self) -> str:
        return choice_label(CommunityType, self.community_type)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        words = [w for w in self.full_name.split() if w.lower().rstrip(".") not in HONORIFICS]
        return words[0] if words else self.email

    @property
    def name_with_credentials(self) -> str:
        name = self.get_full_name()
        return f"{name}, {self.credentials}" if self.credentials else name

    @property
    def profile_complete(self) -> bool:
        return bool(self.full_name and self.profession and self.organization and self.community_type)
