"""What a presenter adds to a case besides its own fields: its current medications, the
follow-ups reported after it was presented, and the files answering its form's attachment
fields."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from echo_hub.lib.text import BoundedTextField

from ..mme import DRUG_CHOICES
from .case import LONG_TEXT, Case

DRUG_LABELS = dict(DRUG_CHOICES)


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
