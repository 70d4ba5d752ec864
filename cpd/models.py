import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sessions.models import Cycle, Program, Session

# 1,000 kB: a logo or a scanned signature; larger files only slow every certificate's render.
ACCREDITATION_IMAGE_MAX_BYTES = 1_000_000


def new_certificate_code() -> str:
    """192 random bits, URL-safe: neither guessable nor sequential. It starts with a letter or a
    digit, never "-" or "_" (one code in 32 did): a spreadsheet reads a leading "-" as a
    formula, so the CSV exports write such a code with a quote before it, and a reader copying
    it from a PDF takes a leading hyphen for a dash."""
    while not (code := secrets.token_urlsafe(24))[0].isalnum():
        pass
    return code


class Evaluation(models.Model):
    class ObjectivesMet(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    TEXT_FIELDS = ("commitment_to_change", "comments")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="evaluations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluations")
    relevance = models.PositiveSmallIntegerField(
        _("relevance to your practice"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    quality = models.PositiveSmallIntegerField(
        _("quality of the session"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    objectives_met = models.CharField(
        _("learning objectives met"), max_length=6, choices=ObjectivesMet.choices
    )
    commitment_to_change = models.TextField(
        _("what will you change in your practice?"),
        blank=True,
        help_text=_(
            "One or two concrete changes, for example “offer naloxone to every patient above 50 MME”."
        ),
    )
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="evaluation_once_per_session"),
            models.CheckConstraint(
                condition=Q(relevance__gte=1, relevance__lte=5), name="evaluation_relevance_1_5"
            ),
            models.CheckConstraint(
                condition=Q(quality__gte=1, quality__lte=5), name="evaluation_quality_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.session} by {self.user}"


class EvaluationReminder(models.Model):
    """A coordinator's reminder to fill a session's evaluation: one per person and session,
    whoever clicks and however often, so nobody gets it twice."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="evaluation_reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    # Which call wrote the row: of two racing clicks, each mails only the rows it won.
    batch = models.UUIDField(editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="evaluation_reminder_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"Evaluation reminder to {self.user} for {self.session}"


class CreditType(models.Model):
    """A kind of credit a program is certified for (e.g. "Mainpro+ Certified"), for the
    professions it applies to. A profession with no credit type gets hours of attendance."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="credit_types")
    name = models.CharField(
        max_length=120, help_text=_("As the certifying body words it, e.g. “Mainpro+ Certified”.")
    )
    statement = models.TextField(
        _("certificate statement"),
        blank=True,
        help_text=_("The accreditation statement printed on this credit type's certificates."),
    )
    professions = models.JSONField(default=list, blank=True)
    credits_per_hour = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))],
    )
    rounding_step = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.25"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
        help_text=_("Credits are counted down to a whole number of these steps (0.25: 1.75, never 1.87)."),
    )
    max_per_session = models.DecimalField(
        _("certified maximum per session"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The most credits one session may earn, as certified. Empty: no maximum."),
    )
    print_objectives = models.BooleanField(
        _("print learning objectives"),
        default=False,
        help_text=_(
            "Tick when the certifying body asks for the sessions' learning objectives on certificates."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="credit_type_name_unique_in_program"),
            models.CheckConstraint(
                condition=Q(rounding_step__gt=0, credits_per_hour__gt=0), name="credit_type_positive_rates"
            ),
            models.CheckConstraint(
                condition=Q(max_per_session__isnull=True) | Q(max_per_session__gt=0),
                name="credit_type_positive_maximum",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Accreditation(models.Model):
    """Who provides a program's credits and how its certificates are signed: one per program."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="accreditation")
    provider_name = models.CharField(
        _("accredited provider"),
        max_length=200,
        blank=True,
        help_text=_("The organization certified to give the credits, e.g. “University of Toronto CPD”."),
    )
    hub_name = models.CharField(
        max_length=200, blank=True, help_text=_("The hub as printed on certificates, e.g. “ECHO Ontario”.")
    )
    signatory_name = models.CharField(max_length=150, blank=True)
    signatory_title = models.CharField(
        max_length=150, blank=True, help_text=_("For example “Medical Director, ECHO Ontario Chronic Pain”.")
    )
    attendance_statement = models.TextField(
        _("statement for certificates of attendance"),
        blank=True,
        help_text=_("Printed for professions with no credit type, whose certificate counts hours attended."),
    )
    logo = models.FileField(upload_to="accreditation/", blank=True)
    signature = models.FileField(upload_to="accreditation/", blank=True)
    # The letterhead of recommendation letters: the hub's name and logo above, how to reach it.
    contact_address = models.CharField(
        _("postal address"),
        max_length=300,
        blank=True,
        help_text=_("For example “200 Elizabeth St, Toronto ON M5G 2C4”."),
    )
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    website = models.URLField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Accreditation of {self.program}"


class Certificate(models.Model):
    """Proof of credits: one per (user, session) and one per (user, cycle)."""

    class Kind(models.TextChoices):
        SESSION = "session", _("Session")
        CYCLE = "cycle", _("Cycle summary")

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    class RenderStatus(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    code = models.CharField(max_length=64, unique=True, default=new_certificate_code)
    credits = models.DecimalField(max_digits=6, decimal_places=2)
    # What the credits are, as printed when issued: a later edit of the credit type does not
    # change an issued certificate. Empty: hours of attendance (no credit type applied).
    credit_type = models.ForeignKey(
        CreditType, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    credit_name = models.CharField(max_length=120, blank=True)
    statement = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALID)
    revoked_reason = models.CharField(max_length=300, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Replaced after its facts changed (attendance, credits): the replacement has its own code.
    # Points to the current certificate of the same person and session or cycle, kept current
    # along a chain of reissues so /verify needs no walk.
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_certificates"
    )
    superseded_reason = models.CharField(max_length=300, blank=True)
    issue_number = models.PositiveSmallIntegerField(
        default=1, help_text=_("Copies of the same facts: above 1 the PDF says DUPLICATE.")
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    render_status = models.CharField(max_length=8, choices=RenderStatus.choices, default=RenderStatus.PENDING)
    file = models.FileField(upload_to="certificates/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Tries of the render so far and when the sweep makes the next (echo_hub/lib/renders.py).
    render_attempts = models.PositiveSmallIntegerField(default=0)
    next_render_at = models.DateTimeField(null=True, blank=True)
    # Filled when the holder closes their account (their profile is then anonymized): the
    # name as printed, so the PDF they hold still verifies and a reissue prints the same name.
    holder_name = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            # One current certificate per person and session or cycle; those it replaced stay.
            models.UniqueConstraint(
                fields=["user", "session"],
                condition=Q(session__isnull=False, superseded_at__isnull=True),
                name="certificate_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["user", "cycle"],
                condition=Q(cycle__isnull=False, superseded_at__isnull=True),
                name="certificate_once_per_cycle",
            ),
            models.CheckConstraint(
                condition=(Q(kind="session", session__isnull=False, cycle__isnull=True))
                | (Q(kind="cycle", cycle__isnull=False, session__isnull=True)),
                name="certificate_kind_matches_target",
            ),
        ]
        indexes = [models.Index(fields=["render_status", "next_render_at"], name="certificate_render_due")]

    def __str__(self) -> str:
        return f"Certificate {self.code[:8]}… for {self.user}"

    @property
    def printed_name(self) -> str:
        return self.holder_name or self.user.name_with_credentials

    @property
    def is_duplicate(self) -> bool:
        return self.issue_number > 1

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def program(self):
        return self.session.program if self.session_id else self.cycle.program


class Survey(models.Model):
    """A cycle's pre/post questionnaire: the same questions asked before and after."""

    class Phase(models.TextChoices):
        PRE = "pre", _("Before the cycle")
        POST = "post", _("After the cycle")

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="survey")
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    pre_opens_at = models.DateTimeField(null=True, blank=True)
    post_opens_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title

    def opens_at(self, phase: str):
        return self.pre_opens_at if phase == self.Phase.PRE else self.post_opens_at

    @property
    def is_locked(self) -> bool:
        """Questions are fixed once the first phase goes out, so pre and post stay comparable."""
        return self.pre_opens_at is not None or self.post_opens_at is not None


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Agreement scale (1–5)")
        CHOICE = "choice", _("Single choice")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    text = models.CharField(max_length=300)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="survey_question_position_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(max_length=4, choices=Survey.Phase.choices)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user", "phase"], name="survey_response_once_per_phase"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} ({self.phase}) by {self.user}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    value_number = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    value_text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once_per_question"),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"
