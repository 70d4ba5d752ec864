from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from echo_hub.lib.text import BoundedTextField, validate_visible_text
from sessions.models import MAX_CASE_SLOTS, Program, Session

from .mme import DRUG_CHOICES

DRUG_LABELS = dict(DRUG_CHOICES)

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


class CaseForm(models.Model):
    """A program's case form: which of its versions new cases are written with."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="case_form")
    current = models.ForeignKey(
        "CaseFormVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Case form of {self.program}"


class CaseFormVersion(models.Model):
    """One version of a program's case form, never changed once written: each case keeps the
    version it was written with, so a later change of the form leaves it as it was submitted.
    `definition` holds the sections (cases/caseforms/definition.py), `headings` the
    recommendation headings, [{"key", "label"}]."""

    case_form = models.ForeignKey(CaseForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    headings = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_form", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case_form", "number"], name="caseformversion_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_form.program} form, version {self.number}"

    @property
    def full_definition(self) -> dict:
        return {**self.definition, "headings": self.headings}


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
        indexes = [models.Index(fields=["program", "status"]), models.Index(fields=["presenter", "status"])]
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


class Medication(models.Model):
    """A current medication of a case, or of a follow-up when `follow_up` is set."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="medications")
    follow_up = models.ForeignKey(
        "FollowUp", null=True, blank=True, on_delete=models.CASCADE, related_name="medications"
    )
    drug = models.CharField(max_length=40)
    drug_other = models.CharField(_("other drug"), max_length=80, blank=True)
    daily_dose = models.DecimalField(
        _("total daily dose"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("mg per day; mcg/h for a fentanyl patch."),
    )
    schedule = models.CharField(max_length=80, blank=True, help_text=_("For example “10 mg q6h PRN”."))
    mme = models.DecimalField(_("MME/day"), max_digits=8, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.label} {self.daily_dose}"

    @property
    def label(self) -> str:
        return self.drug_other or DRUG_LABELS.get(self.drug, self.drug)


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


class RecommendationHeading(models.TextChoices):
    """The chronic pain form's headings (cases/caseforms/templates_pain.py); other forms have
    their own, and `Recommendation.heading` is a key of the case's form version."""

    DIFFERENTIAL = "differential", _("Differential diagnosis")
    INVESTIGATIONS = "investigations", _("Investigations")
    REFERRALS = "referrals", _("Referrals")
    NON_PHARM = "non_pharm", _("Non-pharmacological management")
    PHARM_NON_OPIOID = "pharm_non_opioid", _("Pharmacological management (non-opioid)")
    OPIOID = "opioid", _("Opioid management")
    INTERVENTIONAL = "interventional", _("Interventional")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    OTHER = "other", _("Other")


class Recommendation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recommendations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    heading = models.CharField(max_length=20)
    text = BoundedTextField(max_length=LONG_TEXT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "author", "heading"], name="recommendation_once_per_heading"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.heading} by {self.author}"


class RecommendationLetter(models.Model):
    """The finalized recommendations, rendered once to PDF."""

    class Status(models.TextChoices):
        RENDERING = "rendering", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="letter")
    # The session the case was discussed in, fixed when the letter is finalized.
    session = models.ForeignKey(Session, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RENDERING)
    # The text the coordinator confirmed, heading by heading ({heading: text}): the PDF prints
    # this, not the experts' recommendations as they may be edited later. Empty for letters
    # finalized before it existed, which print the recommendations.
    final_text = models.JSONField(default=dict, blank=True)
    file = models.FileField(upload_to="letters/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalized_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Tries of the render so far and when the sweep makes the next (echo_hub/lib/renders.py).
    render_attempts = models.PositiveSmallIntegerField(default=0)
    next_render_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Letter for {self.case}"


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what_changed = BoundedTextField(max_length=LONG_TEXT)
    pain_change = models.CharField(max_length=200, blank=True, help_text=_("For example “pain 8/10 → 6/10”."))
    function_change = models.CharField(max_length=200, blank=True)
    recommendations_acted_on = BoundedTextField(blank=True, max_length=LONG_TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Follow-up on {self.case}"


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


class CaseTag(models.Model):
    """A coordinator's label for past cases in the library, e.g. “tapering” or “buprenorphine switch”."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="case_tags")
    name = models.CharField(max_length=40)
    # Declared here rather than on Case so the case model stays as it is; `case.tags` reads the same.
    cases = models.ManyToManyField(Case, blank=True, related_name="tags")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("program", Lower("name"), name="casetag_name_unique_in_program"),
        ]

    def __str__(self) -> str:
        return self.name


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


class CaseAttachment(models.Model):
    """A file answering an attachment field of the case's form (an ECG, a scan of a fibrosis
    report): a PDF, PNG or JPEG, recognised by its first bytes. Served only through a view
    that checks who may see the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    field = models.CharField(max_length=40)
    file = models.FileField(upload_to="case-attachments/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=120)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "field", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "field"], name="caseattachment_one_per_field")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.field} of {self.case})"
