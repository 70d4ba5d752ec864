"""The case itself: a de-identified patient case a spoke clinician presents to the hub, with
the lengths of its texts and the choices its fields offer."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from echo_hub.lib.text import BoundedTextField, choice_label, validate_visible_text
from sessions.models import Program, Session

from .form_versions import CaseFormVersion

# Characters: a narrative (history, treatments, a follow-up, one recommendation), a question to
# the hub, a coordinator's return comment. A letter prints them whole.
LONG_TEXT = 4000
QUESTION_TEXT = 1000
COMMENT_TEXT = 2000


class AgeBand(models.TextChoices):
    AGE_18_29 = "18-29", "18–29"
    AGE_30_39 = "30-39", "30–39"
    AGE_40_49 = "40-49", "40–49"
    AGE_50_59 = "50-59", "50–59"
    AGE_60_69 = "60-69", "60–69"
    AGE_70_79 = "70-79", "70–79"
    AGE_80_89 = "80-89", "80–89"
    AGE_90_PLUS = "90+", _("90 or older")


class SexGender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary or another gender")
    NOT_SAID = "not_said", _("Prefer not to say")


class UdsRecency(models.TextChoices):
    NEVER = "never", _("Never done")
    WITHIN_3_MONTHS = "3m", _("Within 3 months")
    WITHIN_12_MONTHS = "12m", _("Within 12 months")
    OVER_12_MONTHS = "older", _("More than 12 months ago")


class UdsResult(models.TextChoices):
    NOT_APPLICABLE = "na", _("Not applicable")
    EXPECTED = "expected", _("Expected")
    UNEXPECTED = "unexpected", _("Unexpected")


class Consent(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class LibraryScreening(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting screening")
    PUBLISHED = "published", _("Published to the library")
    KEPT_OUT = "kept_out", _("Kept out of the library")


class Case(models.Model):
    """A de-identified patient case a spoke clinician presents to the hub."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("case status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("case status", "Submitted")
        RETURNED = "returned", pgettext_lazy("case status", "Returned for changes")
        SCHEDULED = "scheduled", pgettext_lazy("case status", "Scheduled")
        PRESENTED = "presented", pgettext_lazy("case status", "Presented")
        LETTER_SENT = "letter_sent", pgettext_lazy("case status", "Letter sent")
        WITHDRAWN = "withdrawn", pgettext_lazy("case status", "Withdrawn")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cases")
    presenter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="re_presentations"
    )
    requested_session = models.ForeignKey(
        Session,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty for the next available session."),
    )

    title = models.CharField(
        max_length=120,
        validators=[validate_visible_text],
        help_text=_("Short and non-identifying, e.g. “Tapering high-dose oxycodone after a work injury”."),
    )
    age_band = models.CharField(max_length=6, choices=AgeBand.choices, blank=True)
    sex_gender = models.CharField(_("sex / gender"), max_length=12, choices=SexGender.choices, blank=True)
    main_concern = BoundedTextField(blank=True, max_length=LONG_TEXT)
    pain_onset = models.CharField(
        max_length=200, blank=True, help_text=_("How it started, e.g. “lifting injury at work”.")
    )
    pain_duration = models.CharField(max_length=100, blank=True, help_text=_("For example “about 6 years”."))
    pain_location = models.CharField(max_length=200, blank=True)
    pain_character = models.CharField(max_length=200, blank=True, help_text=_("Burning, aching, shooting…"))
    pain_intensity = models.PositiveSmallIntegerField(
        _("pain intensity (0–10)"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    function_goals = BoundedTextField(_("function and goals"), blank=True, max_length=LONG_TEXT)
    treatments_tried = BoundedTextField(
        _("treatments tried and their effect"),
        blank=True,
        max_length=LONG_TEXT,
        help_text=_("Drug and non-drug treatments."),
    )
    benzodiazepine_coprescribed = models.BooleanField(
        _("benzodiazepine or other sedative co-prescribed"), default=False
    )
    investigations = BoundedTextField(blank=True, max_length=LONG_TEXT)
    peg_score = models.DecimalField(
        _("PEG score"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    phq9_score = models.PositiveSmallIntegerField(
        "PHQ-9", null=True, blank=True, validators=[MaxValueValidator(27)]
    )
    gad7_score = models.PositiveSmallIntegerField(
        "GAD-7", null=True, blank=True, validators=[MaxValueValidator(21)]
    )
    ort_score = models.PositiveSmallIntegerField(
        _("Opioid Risk Tool"), null=True, blank=True, validators=[MaxValueValidator(26)]
    )
    uds_recency = models.CharField(_("urine drug test"), max_length=6, choices=UdsRecency.choices, blank=True)
    uds_result = models.CharField(
        _("urine drug test result"), max_length=10, choices=UdsResult.choices, blank=True
    )
    monitoring_checked = models.BooleanField(_("prescription monitoring (ONMS) checked"), default=False)
    treatment_agreement = models.BooleanField(_("treatment agreement in place"), default=False)
    mental_health = BoundedTextField(_("mental health"), blank=True, max_length=LONG_TEXT)
    substance_use = BoundedTextField(_("substance use"), blank=True, max_length=LONG_TEXT)
    social_context = BoundedTextField(
        blank=True,
        max_length=LONG_TEXT,
        help_text=_("Work, supports, access to services. No names, employers or places."),
    )
    consent = models.CharField(
        _("patient consent to discuss"), max_length=3, choices=Consent.choices, blank=True
    )
    question_1 = BoundedTextField(_("question 1"), blank=True, max_length=QUESTION_TEXT)
    question_2 = BoundedTextField(_("question 2"), blank=True, max_length=QUESTION_TEXT)
    question_3 = BoundedTextField(_("question 3"), blank=True, max_length=QUESTION_TEXT)
    attested_deidentified = models.BooleanField(
        _("I confirm this case holds no patient identifiers"), default=False
    )

    # The presenter's consent, changeable until the case is presented; the coordinator's screening
    # of the recommendations comes after. Both are needed before the library shows the case.
    library_shared = models.BooleanField(
        _("share this case in the program's case library"),
        default=False,
        help_text=_(
            "Other members of the program can then learn from it and the hub's recommendations, "
            "after a coordinator has checked the recommendations for identifiers. "
            "You can change this until the case is presented."
        ),
    )
    library_screening = models.CharField(
        max_length=10, choices=LibraryScreening.choices, default=LibraryScreening.AWAITING
    )
    library_screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    library_screened_at = models.DateTimeField(null=True, blank=True)

    # The program's form when the case was first saved; null only for cases created outside
    # the services (the admin, old fixtures), which read as the chronic pain form.
    form_version = models.ForeignKey(
        CaseFormVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # Answers to the fields of `form_version` that have no column of their own, by field key.
    answers = models.JSONField(default=dict, blank=True)
    # The text of those answers in one string, for the library's search.
    answers_text = models.TextField(blank=True, editable=False)

    return_comment = BoundedTextField(blank=True, max_length=COMMENT_TEXT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    TEXT_FIELDS = (
        "title",
        "main_concern",
        "pain_onset",
        "pain_duration",
        "pain_location",
        "pain_character",
        "function_goals",
        "treatments_tried",
        "investigations",
        "mental_health",
        "substance_use",
        "social_context",
        "question_1",
        "question_2",
        "question_3",
    )
    # What every case has, whatever its program's form.
    CORE_TEXT_FIELDS = ("title", "main_concern", "question_1", "question_2", "question_3")
    CORE_FIELDS = (
        "title",
        "age_band",
        "sex_gender",
        "main_concern",
        "requested_session",
        "consent",
        "question_1",
        "question_2",
        "question_3",
    )
    CONTENT_FIELDS = (
        *TEXT_FIELDS,
        "age_band",
        "sex_gender",
        "pain_intensity",
        "benzodiazepine_coprescribed",
        "peg_score",
        "phq9_score",
        "gad7_score",
        "ort_score",
        "uds_recency",
        "uds_result",
        "monitoring_checked",
        "treatment_agreement",
        "consent",
        "attested_deidentified",
        "requested_session",
    )
    REQUIRED_TO_SUBMIT = (
        "title",
        "age_band",
        "sex_gender",
        "main_concern",
        "consent",
        "question_1",
    )

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["presenter", "status"]),
            # The case queue, oldest submission first, a page at a time: read in this order and
            # stop at the page's last row, rather than join and sort every open case of the
            # program (7 ms at 800 open cases, 0.3 with it).
            models.Index(fields=["program", "submitted_at", "id"], name="case_queue_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(library_screening=LibraryScreening.PUBLISHED)
                | Q(library_shared=True, library_screened_at__isnull=False),
                name="case_published_only_when_shared",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"pk": self.pk})

    def get_status_display(self) -> str:
        return choice_label(self.Status, self.status)

    @property
    def questions(self) -> list[str]:
        return [q for q in (self.question_1, self.question_2, self.question_3) if q.strip()]

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def may_be_withdrawn(self) -> bool:
        """With the hub and not presented; a scheduled case's session is checked by the service."""
        return self.status in (self.Status.SUBMITTED, self.Status.RETURNED, self.Status.SCHEDULED)
