import secrets
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from echo_hub.lib.text import validate_visible_text


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


HONORIFICS = {"dr", "mr", "mrs", "ms", "mx", "prof", "miss"}


class Profession(models.TextChoices):
    FAMILY_PHYSICIAN = "family_physician", "Family physician"
    SPECIALIST_PHYSICIAN = "specialist_physician", "Specialist physician"
    NURSE_PRACTITIONER = "nurse_practitioner", "Nurse practitioner"
    REGISTERED_NURSE = "registered_nurse", "Registered nurse"
    PRACTICAL_NURSE = "practical_nurse", "Registered practical nurse"
    PHYSICIAN_ASSISTANT = "physician_assistant", "Physician assistant"
    PHARMACIST = "pharmacist", "Pharmacist"
    PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
    OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
    SOCIAL_WORKER = "social_worker", "Social worker"
    PSYCHOLOGIST = "psychologist", "Psychologist"
    OTHER = "other", "Other health professional"


class CommunityType(models.TextChoices):
    URBAN = "urban", "Urban"
    RURAL = "rural", "Rural"
    REMOTE = "remote", "Remote"


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
        ("Canada and United States", [(name, name.replace("_", " ")) for name in COMMON_TIME_ZONES]),
        ("Everywhere else", [(name, name.replace("_", " ")) for name in others]),
    ]


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"“{value}” is not a known time zone.") from None


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
        help_text='Printed after your name on certificates, e.g. "MD, CCFP".',
    )
    organization = models.CharField("organization or site", max_length=200, blank=True)
    community_type = models.CharField(max_length=10, choices=CommunityType.choices, blank=True)
    time_zone = models.CharField(max_length=64, default="America/Toronto", validators=[validate_time_zone])
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="Pages, emails, calendar entries and your certificates use this language.",
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

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
